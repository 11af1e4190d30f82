// Which code `langlab` runs (scripts/cli-bundle.mjs): the bundle while it is newer than every input,
// the sources otherwise, and always the sources with LANGLAB_FROM_SOURCE=1.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
// @ts-expect-error: a plain .mjs script without type declarations
import { freshCliBundle } from '../../../scripts/cli-bundle.mjs';
import { tempDir } from '../../helpers/temp.ts';

const choose = freshCliBundle as (root: string, env?: Record<string, string | undefined>) => string | null;

/** A project with sources at time 1000 s and a bundle at `builtAt` seconds. */
function project(builtAt: number | null): { root: string; bundle: string } {
  const root = tempDir('langlab-cli-bundle-');
  const at = (p: string, s: number) => fs.utimesSync(p, s, s);
  for (const f of ['main/cli/index.ts', 'main/store/migrations/001_initial.sql', 'preload/contract.ts', 'scripts/build-electron.mjs', 'package.json', 'node_modules/.package-lock.json']) {
    fs.mkdirSync(path.join(root, path.dirname(f)), { recursive: true });
    fs.writeFileSync(path.join(root, f), '');
  }
  for (const d of ['main/cli', 'main/store/migrations', 'main/store', 'main', 'preload', 'scripts', 'node_modules']) {
    for (const name of fs.readdirSync(path.join(root, d))) at(path.join(root, d, name), 1000);
    at(path.join(root, d), 1000);
  }
  at(path.join(root, 'package.json'), 1000);
  const bundle = path.join(root, 'out', 'electron', 'cli.mjs');
  if (builtAt !== null) {
    fs.mkdirSync(path.dirname(bundle), { recursive: true });
    fs.writeFileSync(bundle, '');
    at(bundle, builtAt);
  }
  return { root, bundle };
}

test('a bundle newer than every input runs; none, or LANGLAB_FROM_SOURCE=1, runs the sources', () => {
  const { root, bundle } = project(2000);
  assert.equal(choose(root, {}), bundle);
  assert.equal(choose(root, { LANGLAB_FROM_SOURCE: '1' }), null);
  assert.equal(choose(project(null).root, {}), null);
});

test('a source, a migration, a package install or a deleted file after the build makes the bundle stale', () => {
  for (const touched of ['main/cli/index.ts', 'main/store/migrations/001_initial.sql', 'preload/contract.ts', 'scripts/build-electron.mjs', 'package.json', 'node_modules/.package-lock.json']) {
    const { root } = project(2000);
    fs.utimesSync(path.join(root, touched), 3000, 3000);
    assert.equal(choose(root, {}), null, touched);
  }
  const { root } = project(2000);
  fs.rmSync(path.join(root, 'preload', 'contract.ts'));
  assert.equal(choose(root, {}), null, 'a deletion changes its folder');
});
