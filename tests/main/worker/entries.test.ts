import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { workerEntry, type WorkerName } from '../../../main/worker/entries.ts';
// @ts-expect-error: a plain .mjs script without type declarations
import { workerTable } from '../../../scripts/build-electron.mjs';

const root = path.resolve(import.meta.dirname, '..', '..', '..');

test('the bundler and the runtime read one worker table; from the sources each entry is its TypeScript file', () => {
  const table = workerTable() as Record<WorkerName, { source: string; bundle: string }>;
  assert.deepEqual(Object.values(table).map((e) => e.bundle), ['scan-worker.mjs', 'engine.mjs', 'predict.mjs', 'probe.mjs']);
  for (const [name, { source }] of Object.entries(table)) {
    const entry = fileURLToPath(workerEntry(name as WorkerName));
    assert.equal(entry, path.join(root, source), name);
    assert.ok(fs.existsSync(entry), `${name}: ${entry} exists`);
  }
});

test('the packaging config ships every bundle: it takes all of out/, not a list of names', () => {
  const yml = fs.readFileSync(path.join(root, 'electron-builder.yml'), 'utf8');
  const files = /^files:\n((?: {2}- .*\n)+)/m.exec(yml)?.[1] ?? '';
  assert.match(files, /^ {2}- out\/\*\*$/m);
  for (const { bundle } of Object.values(workerTable() as Record<string, { bundle: string }>)) {
    assert.doesNotMatch(yml, new RegExp(bundle.replace('.', '\\.')), `${bundle} is not named in the packaging config, so it cannot be left out of it`);
  }
});
