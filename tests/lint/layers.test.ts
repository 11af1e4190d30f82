// The layering lint (.dependency-cruiser.cjs, `npm run lint:layers`) fails on each kind of forbidden
// import: it is run on small fixture trees laid out like the app, one import per rule.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../helpers/temp.ts';

const root = path.resolve(import.meta.dirname, '..', '..');
const CRUISER = path.join(root, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
const CONFIG = path.join(root, '.dependency-cruiser.cjs');

/** Writes the files of a fixture tree (paths relative to its root) and cruises it with the app's config. */
function cruise(files: Record<string, string>): { status: number | null; output: string } {
  const dir = tempDir('langlab-layers-');
  symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'ESNext', moduleResolution: 'bundler', allowImportingTsExtensions: true, noEmit: true } }));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  const tops = [...new Set(Object.keys(files).map((file) => file.split('/')[0]))];
  const run = spawnSync(process.execPath, [CRUISER, ...tops, '--config', CONFIG, '--output-type', 'err'], { cwd: dir, encoding: 'utf8' });
  return { status: run.status, output: run.stdout + run.stderr };
}

const exportOne = 'export const one = 1;\n';

test('a tree that keeps to the layers passes', () => {
  const { status, output } = cruise({
    'main/store/store.ts': "import Database from 'better-sqlite3';\nexport const open = (file: string) => new Database(file);\n",
    'main/api/service.ts': "import { open } from '../store/store.ts';\nexport const service = open;\n",
    'main/app/main.ts': "import { service } from '../api/service.ts';\nexport const app = service;\n",
    'main/trainer/train.ts': "import { one } from '../engine/graph.ts';\nexport const train = one;\n",
    'main/engine/graph.ts': exportOne,
    'preload/contract.ts': 'export type Id = number;\n',
    'renderer/src/page.ts': "import type { Id } from '../../preload/contract.ts';\nexport const id: Id = 1;\n",
  });
  assert.equal(status, 0, output);
});

test('each forbidden import fails the lint, named by its rule', () => {
  const { status, output } = cruise({
    'main/data/read.ts': "import Database from 'better-sqlite3';\nexport const db = new Database(':memory:');\n",
    'main/engine/graph.ts': "import { store } from '../store/store.ts';\nexport const graph = store;\n",
    'main/store/store.ts': exportOne.replace('one', 'store'),
    'main/trainer/train.ts': "import { service } from '../api/service.ts';\nexport const train = service;\n",
    'main/classify/classify-folder.ts': "import { service } from '../api/service.ts';\nexport const jobs = service;\n",
    'main/api/service.ts': "import { window } from '../app/window.ts';\nexport const service = window;\n",
    'main/app/window.ts': exportOne.replace('one', 'window'),
    'main/errors.ts': exportOne,
    'renderer/src/page.ts': "import { one } from '../../main/errors.ts';\nexport const page = one;\n",
    'preload/contract-common.ts': 'export type Id = number;\n',
    'preload/contract-runs.ts': "import type { Id } from './contract-common.ts';\nexport type RunId = Id;\n",
    'preload/contract-jobs.ts': "import type { RunId } from './contract-runs.ts';\nexport type JobRun = RunId;\n",
    'preload/a.ts': "import { b } from './b.ts';\nexport const a = () => b;\n",
    'preload/b.ts': "import { a } from './a.ts';\nexport const b = () => a;\n",
  });
  assert.notEqual(status, 0, output);
  const broken = (rule: string, from: string) => new RegExp(`error ${rule}: ${from.replace(/[.]/g, '\\.')} `).test(output);
  assert.ok(broken('only-store-imports-sqlite', 'main/data/read.ts'), output);
  assert.ok(broken('engine-imports-no-other-main', 'main/engine/graph.ts'), output);
  assert.ok(broken('trainer-classify-not-api', 'main/trainer/train.ts'), output);
  assert.ok(broken('trainer-classify-not-api', 'main/classify/classify-folder.ts'), output);
  assert.ok(broken('api-not-app', 'main/api/service.ts'), output);
  assert.ok(broken('renderer-not-main', 'renderer/src/page.ts'), output);
  assert.ok(broken('contract-areas-import-only-common', 'preload/contract-jobs.ts'), output);
  assert.doesNotMatch(output, /contract-areas-import-only-common: preload\/contract-runs\.ts/);
  assert.ok(broken('no-cycles', 'preload/a.ts') || broken('no-cycles', 'preload/b.ts'), output);
});

test('the job registry imports nothing of the layers that use it', () => {
  const { status, output } = cruise({
    'main/api/events.ts': 'export class EventHub {}\n',
    'main/store/store.ts': exportOne.replace('one', 'store'),
    'main/errors.ts': exportOne,
    'main/jobs/registry.ts': "import { one } from '../errors.ts';\nimport type { EventHub } from '../api/events.ts';\nimport { store } from '../store/store.ts';\nexport type Hub = EventHub;\nexport const r = one + store;\n",
    'main/trainer/run.ts': "import { r } from '../jobs/registry.ts';\nexport const run = r;\n",
    'main/classify/jobs.ts': "import { r } from '../jobs/registry.ts';\nexport const jobs = r;\n",
  });
  assert.notEqual(status, 0, output);
  assert.match(output, /error jobs-below-the-service: main\/jobs\/registry\.ts → main\/api\/events\.ts/);
  assert.match(output, /error jobs-below-the-service: main\/jobs\/registry\.ts → main\/store\/store\.ts/);
  assert.doesNotMatch(output, /→ main\/errors\.ts/);
  assert.doesNotMatch(output, /main\/(trainer|classify)\/[^ ]+ → main\/jobs\//);
});
