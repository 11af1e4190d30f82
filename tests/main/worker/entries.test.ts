import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { entryFor, outsideAsar, workerEntry, type WorkerName } from '../../../main/worker/entries.ts';
// @ts-expect-error: a plain .mjs script without type declarations
import { workerTable } from '../../../scripts/build-electron.mjs';

const root = path.resolve(import.meta.dirname, '..', '..', '..');

test('the bundler and the runtime read one worker table; from the sources each entry is its TypeScript file', () => {
  const table = workerTable() as Record<WorkerName, { source: string; bundle: string }>;
  assert.deepEqual(Object.values(table).map((e) => e.bundle), ['scan-worker.mjs', 'engine.mjs', 'predict.mjs', 'lr-find.mjs', 'probe.mjs', 'checkpoint.mjs']);
  for (const [name, { source }] of Object.entries(table)) {
    const entry = fileURLToPath(workerEntry(name as WorkerName));
    assert.equal(entry, path.join(root, source), name);
    assert.ok(fs.existsSync(entry), `${name}: ${entry} exists`);
  }
});

test('the packaging config ships all of out/, where every bundle is', () => {
  const yml = fs.readFileSync(path.join(root, 'electron-builder.yml'), 'utf8');
  const files = /^files:\n((?: {2}- .*\n)+)/m.exec(yml)?.[1] ?? '';
  assert.match(files, /^ {2}- out\/\*\*$/m);
});

test('a bundled entry sits beside the bundle that starts it, unpackaged exactly as before', () => {
  const here = 'file:///home/me/langlab/out/electron/main.mjs';
  assert.equal(entryFor('engine', here).href, 'file:///home/me/langlab/out/electron/engine.mjs');
  assert.equal(entryFor('scan', here).href, 'file:///home/me/langlab/out/electron/scan-worker.mjs');
  // From the sources: the TypeScript file, two folders up from main/worker.
  assert.equal(entryFor('predict', 'file:///home/me/langlab/main/worker/entries.ts').href, 'file:///home/me/langlab/main/trainer/host/predict-entry.ts');
});

test('packaged, every entry starts from app.asar.unpacked beside the archive', () => {
  const table = workerTable() as Record<WorkerName, { bundle: string }>;
  const resources = '/opt/Langlab/resources';
  const here = `file://${resources}/app.asar/out/electron/main.mjs`;
  for (const [name, { bundle }] of Object.entries(table)) {
    const entry = entryFor(name as WorkerName, here);
    assert.equal(fileURLToPath(entry), path.posix.join(resources, 'app.asar.unpacked', 'out', 'electron', bundle), name);
  }
  // Windows paths, spaces included, and a bundle already in the unpacked folder.
  assert.equal(
    entryFor('engine', 'file:///C:/Program%20Files/Langlab/resources/app.asar/out/electron/main.mjs').href,
    'file:///C:/Program%20Files/Langlab/resources/app.asar.unpacked/out/electron/engine.mjs',
  );
  assert.equal(
    entryFor('probe', `file://${resources}/app.asar.unpacked/out/electron/engine.mjs`).href,
    `file://${resources}/app.asar.unpacked/out/electron/probe.mjs`,
  );
});

test('only a path segment named exactly app.asar is mapped', () => {
  for (const href of ['file:///srv/my.app.asar/out/x.mjs', 'file:///srv/app.asar.d/out/x.mjs', 'file:///srv/langlab/out/x.mjs', 'https://example.com/app.asar/x.mjs']) {
    assert.equal(outsideAsar(new URL(href)).href, href);
  }
  assert.equal(outsideAsar(new URL('file:///a/app.asar/b/app.asar/c.mjs')).href, 'file:///a/app.asar.unpacked/b/app.asar/c.mjs');
});
