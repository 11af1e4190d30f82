// What a packaged app finds outside its asar archive. Builds the Electron bundle into a temporary
// folder and checks it against electron-builder.yml's asarUnpack: the worker bundles of the one worker
// table, the migrations beside them, the native packages and everything their code loads. Then lays
// out a copy of app.asar.unpacked holding only what is unpacked and resolves every import of every
// worker bundle from there. No Electron binary runs here, so the archive itself is never built.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { build } from 'esbuild';
import { exportClassifier } from '../../../main/engine/export/export-classifier.ts';
import { Graph } from '../../../main/engine/graph/index.ts';
import { loadHfRoberta } from '../../../main/engine/io/hf-folder.ts';
import { writeTinyRoberta } from '../../../main/engine/io/tiny-roberta.ts';
import { buildRoberta, robertaWeightsFromParams } from '../../../main/engine/models/roberta.ts';
import workerTable from '../../../main/worker/entries.json' with { type: 'json' };
// @ts-expect-error: a plain .mjs script without type declarations
import { NATIVE_PACKAGES, packageOfFile, unpackedPackages } from '../../../scripts/unpacked-packages.mjs';

const root = path.resolve(import.meta.dirname, '../../..');
// js-yaml and minimatch come with electron-builder (a devDependency), which matches asarUnpack with minimatch.
const require = createRequire(import.meta.url);
const yaml = require('js-yaml') as { load(text: string): unknown };
const { minimatch } = require('minimatch') as { minimatch(file: string, pattern: string, options: { dot: boolean }): boolean };

const config = yaml.load(fs.readFileSync(path.join(root, 'electron-builder.yml'), 'utf8')) as { asarUnpack: string[] };
const base = fs.mkdtempSync(path.join(os.tmpdir(), 'langlab-packaging-'));
const out = path.join(base, 'out', 'electron');
const bundles = Object.values(workerTable).map((e) => e.bundle);
let unpacked: string[] = [];
after(() => fs.rmSync(base, { recursive: true, force: true }));

before(async () => {
  const result = spawnSync(process.execPath, [path.join(root, 'scripts', 'build-electron.mjs'), '--out-dir', out], { cwd: root, encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  unpacked = (await unpackedPackages(root)) as string[];
});

/** Whether electron-builder unpacks the file at `file` (relative to the app folder, forward slashes). */
const isUnpacked = (file: string) => config.asarUnpack.some((pattern) => minimatch(file, pattern, { dot: true }));

/** The npm package a bare specifier names ('@img/colour/x' -> '@img/colour'), or undefined for a path or a built-in. */
function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:') || builtinModules.includes(specifier.split('/')[0])) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** Every module specifier a built bundle imports or requires, read with esbuild's parser, not a regex over the text. */
async function importsOf(file: string): Promise<string[]> {
  const result = await build({
    entryPoints: [file],
    bundle: true,
    write: false,
    metafile: true,
    format: 'esm',
    platform: 'node',
    logLevel: 'silent',
    plugins: [{ name: 'everything-external', setup: (b) => b.onResolve({ filter: /.*/ }, (a) => (a.kind === 'entry-point' ? undefined : { path: a.path, external: true })) }],
  });
  const specifiers = Object.values(result.metafile.inputs).flatMap((input) => input.imports.map((i) => i.path));
  // esbuild writes a bundled CommonJS require() of an external as __require("x"), which its parser does not count.
  const code = fs.readFileSync(file, 'utf8');
  for (const m of code.matchAll(/\b__require\d*\("([^"]+)"\)/g)) specifiers.push(m[1]);
  return [...new Set(specifiers)].sort();
}

test('every worker bundle of the worker table and the migrations are unpacked; main and preload stay in the archive', () => {
  assert.ok(bundles.length >= 4);
  for (const bundle of bundles) {
    assert.ok(fs.statSync(path.join(out, bundle)).size > 0, bundle);
    assert.ok(isUnpacked(`out/electron/${bundle}`), `${bundle} is unpacked`);
  }
  const migrations = fs.readdirSync(path.join(out, 'migrations'));
  assert.ok(migrations.length > 0);
  for (const file of migrations) assert.ok(isUnpacked(`out/electron/migrations/${file}`), file);
  for (const file of ['out/electron/main.mjs', 'out/electron/preload.cjs', 'package.json', 'out/renderer/index.html']) assert.ok(!isUnpacked(file), `${file} stays packed`);
});

test('the command-line bundle is built beside the workers, left out of the package, and runs a command with its store', () => {
  const files = (yaml.load(fs.readFileSync(path.join(root, 'electron-builder.yml'), 'utf8')) as { files: string[] }).files;
  assert.ok(files.includes('!out/electron/cli.mjs'), 'electron-builder.yml leaves the command line out of the app');
  // In a project layout of its own (the bundle imports npm packages from node_modules above it).
  const project = path.join(base, 'cli-project');
  fs.mkdirSync(path.join(project, 'out', 'electron'), { recursive: true });
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(project, 'node_modules'));
  for (const name of ['cli.mjs', 'migrations']) fs.cpSync(path.join(out, name), path.join(project, 'out', 'electron', name), { recursive: true });
  const script = `const { runCli } = await import(${JSON.stringify(new URL(`file://${path.join(project, 'out', 'electron', 'cli.mjs')}`).href)}); process.exitCode = await runCli(['runs', '--json']);`;
  const home = fs.mkdtempSync(path.join(base, 'home-'));
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', env: { ...process.env, LANGLAB_HOME: home } });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { runs: [], total: 0 }, 'an empty store lists no runs');
  assert.ok(fs.readdirSync(home).length > 0, 'the store was created, its migrations found beside the bundle');
});

test('the native packages and every package their code loads are unpacked, and no unpack line is stale', () => {
  for (const name of NATIVE_PACKAGES as string[]) assert.ok(unpacked.includes(name), name);
  for (const dep of ['bindings', 'onnxruntime-common']) assert.ok(unpacked.includes(dep), `${dep}, which the native packages require, is in the closure`);
  for (const name of unpacked) {
    const dir = path.join(root, 'node_modules', name);
    const { main = 'index.js' } = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { main?: string };
    for (const file of ['package.json', path.posix.normalize(main)]) assert.ok(isUnpacked(`node_modules/${name}/${file}`), `node_modules/${name}/${file} is unpacked`);
  }
  for (const pattern of config.asarUnpack.filter((p) => p.includes('node_modules'))) {
    assert.ok(unpacked.some((name) => minimatch(`node_modules/${name}/package.json`, pattern, { dot: true })), `${pattern} matches a package the app loads`);
  }
  // What the install scripts alone need stays packed.
  for (const name of ['prebuild-install', 'global-agent', 'adm-zip', 'zod']) assert.ok(!isUnpacked(`node_modules/${name}/package.json`), name);
});

/** The installed production dependency tree of the app, by package name. */
function productionPackages(): string[] {
  const seen = new Set<string>();
  const manifest = (name: string) => {
    const file = path.join(root, 'node_modules', name, 'package.json');
    return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as { dependencies?: object; optionalDependencies?: object }) : undefined;
  };
  const pending = Object.keys((JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { dependencies: object }).dependencies);
  while (pending.length > 0) {
    const name = pending.pop()!;
    const m = seen.has(name) ? undefined : manifest(name);
    if (!m) continue;
    seen.add(name);
    pending.push(...Object.keys(m.dependencies ?? {}), ...Object.keys(m.optionalDependencies ?? {}));
  }
  return [...seen].sort();
}

/** Whether a package folder holds a compiled addon (a .node file, or a binding.gyp that builds one), nested node_modules aside. */
function hasAddon(dir: string): boolean {
  if (fs.existsSync(path.join(dir, 'binding.gyp'))) return true;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.isFile() && entry.name.endsWith('.node')) return true;
    if (entry.isDirectory() && entry.name !== 'node_modules' && hasAddon(path.join(dir, entry.name))) return true;
  }
  return false;
}

test('every production package with a compiled addon is among the unpacked packages', () => {
  const addons = productionPackages().filter((name) => hasAddon(path.join(root, 'node_modules', name)));
  for (const name of ['better-sqlite3', 'onnxruntime-node']) assert.ok(addons.includes(name), `${name} is found as an addon package`);
  assert.deepEqual(addons.filter((name) => !unpacked.includes(name)), []);
});

test('each worker bundle imports only Node built-ins and unpacked packages', async () => {
  const expected: Record<string, string[]> = { 'engine.mjs': ['better-sqlite3', 'onnxruntime-node'], 'predict.mjs': ['onnxruntime-node'], 'lr-find.mjs': ['better-sqlite3', 'onnxruntime-node'], 'probe.mjs': ['onnxruntime-node'], 'checkpoint.mjs': ['better-sqlite3'] };
  for (const bundle of bundles) {
    const specifiers = await importsOf(path.join(out, bundle));
    assert.deepEqual(specifiers.filter((s) => s.startsWith('.') || s.startsWith('/')), [], `${bundle} imports no files`);
    const packages = [...new Set(specifiers.map(packageOf).filter((p) => p !== undefined))];
    assert.deepEqual(packages.filter((p) => !unpacked.includes(p)), [], `${bundle} imports only unpacked packages`);
    for (const name of expected[bundle] ?? []) assert.ok(packages.includes(name), `${bundle} leaves ${name} external`);
  }
  // The parser is not fooled by a comment, and counts a require the way the bundles write it.
  const probe = path.join(base, 'parse-probe.mjs');
  fs.writeFileSync(probe, '/** @type {import("not-real")} */\nimport a from "zod";\nconst b = __require2("ws");\nawait import("ignore");\nexport { a, b };\n');
  assert.deepEqual(await importsOf(probe), ['ignore', 'ws', 'zod']);
});

let layout: string | undefined;
/**
 * A copy of app.asar.unpacked: the worker bundles and the migrations, and a node_modules holding
 * only the unpacked packages (linked). Run with symlinks preserved, a package's own imports are then
 * looked up in this node_modules and not in the repository's. Returns the out/electron folder.
 */
function unpackedLayout(): string {
  if (layout) return layout;
  const unpackedDir = path.join(base, 'resources', 'app.asar.unpacked');
  const electronDir = path.join(unpackedDir, 'out', 'electron');
  fs.mkdirSync(electronDir, { recursive: true });
  for (const bundle of bundles) fs.copyFileSync(path.join(out, bundle), path.join(electronDir, bundle));
  fs.cpSync(path.join(out, 'migrations'), path.join(electronDir, 'migrations'), { recursive: true });
  for (const name of unpacked) {
    fs.mkdirSync(path.dirname(path.join(unpackedDir, 'node_modules', name)), { recursive: true });
    fs.symlinkSync(path.join(root, 'node_modules', name), path.join(unpackedDir, 'node_modules', name), 'junction');
  }
  return (layout = electronDir);
}

/** Runs a script from the unpacked layout's out/electron and returns the JSON line it prints. */
function runThere<T>(name: string, code: string, input: unknown): T {
  const script = path.join(unpackedLayout(), name);
  fs.writeFileSync(script, code);
  const result = spawnSync(process.execPath, ['--preserve-symlinks', '--preserve-symlinks-main', script, JSON.stringify(input)], {
    cwd: base,
    encoding: 'utf8',
    env: { ...process.env, LANGLAB_HOME: path.join(base, 'home') },
  });
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout.trim().split('\n').at(-1) ?? 'null') as T;
}

test('from a copy of app.asar.unpacked holding only the unpacked files, every worker import resolves and the native packages load', async () => {
  const specifiers = new Set<string>();
  for (const bundle of bundles) for (const s of await importsOf(path.join(out, bundle))) if (packageOf(s)) specifiers.add(s);
  assert.ok(specifiers.size > 0);
  const refused = ['zod', 'ws', '@huggingface/transformers'];
  const report = runThere<{ resolved: string[]; failed: string[]; refused: string[]; sqlite: number; ort: string; sharp: string }>(
    'check-imports.mjs',
    `const [specifiers, refused] = JSON.parse(process.argv[2]);
const report = { resolved: [], failed: [], refused: [] };
for (const s of specifiers) { try { import.meta.resolve(s); report.resolved.push(s); } catch (e) { report.failed.push(s + ': ' + e.message); } }
for (const s of refused) { try { import.meta.resolve(s); } catch { report.refused.push(s); } }
const Database = (await import('better-sqlite3')).default;
report.sqlite = new Database(':memory:').prepare('select 41 + 1 as x').get().x;
report.ort = typeof (await import('onnxruntime-node')).InferenceSession.create;
report.sharp = typeof (await import('sharp')).default;
console.log(JSON.stringify(report));`,
    [[...specifiers], refused],
  );
  assert.deepEqual(report.failed, []);
  assert.deepEqual(report.resolved.sort(), [...specifiers].sort());
  // Packed packages really are out of reach there, so the check above means something.
  assert.deepEqual(report.refused, refused);
  assert.deepEqual({ sqlite: report.sqlite, ort: report.ort, sharp: report.sharp }, { sqlite: 42, ort: 'function', sharp: 'function' });
  // packageOfFile, which the closure uses, names the innermost package.
  assert.equal(packageOfFile('node_modules/sharp/node_modules/@img/colour/index.js'), '@img/colour');
});

/** A tiny exported RoBERTa classifier with a Hugging Face tokenizer, which the predict bundle tokenizes with its bundled transformers.js. */
function tinyExport(): { dir: string; labels: string[] } {
  const src = path.join(base, 'tiny-roberta');
  const labels = ['python', 'java'];
  writeTinyRoberta(src, { labels: null, max_length: 24, randomize_all: true, init_std: 0.2 });
  const m = loadHfRoberta(src);
  const g = new Graph();
  const inputIds = g.input('input_ids', 'int64', ['batch', 'seq']);
  const attentionMask = g.input('attention_mask', 'int64', ['batch', 'seq']);
  buildRoberta(g, { inputIds, attentionMask }, { config: m.config, encoder: m.encoder, head: null, labels, training: { freeze_base_model: true, unfreeze_last_n_layers: 1 }, seed: 3 });
  const params = new Map(g.params.filter((p) => p.trainable).map((p) => [p.name, p.data as Float32Array]));
  const { encoder, head } = robertaWeightsFromParams(params, m.config, labels.length, m.encoder);
  const dir = path.join(base, 'tiny-export');
  exportClassifier(dir, { family: 'roberta', config: m.config, encoder, head, labels, tokenizerDir: src, max_length: m.tokenizer.maxLength });
  return { dir, labels };
}

test('started from that copy, each worker bundle loads and answers its first message', () => {
  const model = tinyExport();
  // One message per worker that it answers without long work: an empty probe, a scan of a missing
  // folder, a real prediction (the bundled tokenizer and ONNX Runtime), a training request and a finder request without fields,
  // and a stop to the store's checkpointer.
  const first: Record<string, unknown> = {
    'probe.mjs': { names: [] },
    'scan-worker.mjs': { type: 'start', job: { kind: 'folder', path: path.join(base, 'missing') } },
    'predict.mjs': { id: 1, modelDir: model.dir, texts: ['print(1)', 'class A {}'], topK: 2 },
    'engine.mjs': { type: 'start', request: {} },
    'lr-find.mjs': { type: 'start', request: {} },
    'checkpoint.mjs': 'stop',
  };
  assert.deepEqual(Object.keys(first).sort(), [...bundles].sort());
  const replies = runThere<Record<string, string>>(
    'check-workers.mjs',
    `import { Worker } from 'node:worker_threads';
const first = JSON.parse(process.argv[2]);
const replies = {};
for (const [bundle, message] of Object.entries(first)) {
  replies[bundle] = await new Promise((resolve) => {
    const worker = new Worker(new URL('./' + bundle, import.meta.url));
    const done = (answer) => { resolve(answer); void worker.terminate(); };
    worker.on('message', (m) => {
      if (m?.type === 'progress' || m?.type === 'log') return;
      if (Array.isArray(m)) done('array');
      else if (m?.results) done('results: ' + m.results.map((r) => r.map((s) => s.label).sort().join('+')).join(', '));
      else done(m?.type ?? 'error: ' + m?.error);
    });
    worker.on('error', (e) => done('crashed: ' + e.message));
    worker.on('exit', (code) => done('exited ' + code));
    worker.postMessage(message);
  });
}
console.log(JSON.stringify(replies));`,
    first,
  );
  assert.deepEqual(replies, { 'probe.mjs': 'array', 'scan-worker.mjs': 'error', 'predict.mjs': 'results: java+python, java+python', 'engine.mjs': 'failed', 'lr-find.mjs': 'error', 'checkpoint.mjs': 'stopped' });
});
