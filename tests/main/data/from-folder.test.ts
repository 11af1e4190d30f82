import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { datasetFromFolder } from '../../../main/data/from-folder.ts';
import { LanglabError } from '../../../main/errors.ts';
import { jsSource, makeTree, pySource } from './helpers.ts';

function tenEach(): Record<string, string> {
  const files: Record<string, string> = {};
  for (let i = 0; i < 10; i++) {
    files[`python/f${i}.py`] = pySource(i);
    files[`javascript/f${i}.js`] = jsSource(i);
  }
  return files;
}

test('labels every file by its class folder, splits 20% test and 10% of the rest validation', async () => {
  const root = makeTree({ ...tenEach(), 'python/deep/nested/g.py': pySource(99) });
  const r = await datasetFromFolder(root);
  assert.deepEqual(r.classes.map((c) => [c.label, c.files]), [['javascript', 10], ['python', 11]]);
  assert.ok(r.files.some((f) => f.path === 'python/deep/nested/g.py' && f.label === 'python'));
  assert.deepEqual(r.splits, { train: 15, validation: 2, test: 4 });
  assert.match(r.fingerprint, /^[0-9a-f]{64}$/);
});

test('the same content gives the same fingerprint and splits; another seed gives other splits', async () => {
  const a = await datasetFromFolder(makeTree(tenEach()));
  const b = await datasetFromFolder(makeTree(tenEach()));
  const c = await datasetFromFolder(makeTree(tenEach()), { seed: 7 });
  assert.equal(a.fingerprint, b.fingerprint);
  assert.notEqual(a.fingerprint, c.fingerprint);
});

test('empty, NUL-byte and non-UTF-8 files are counted skips with their paths', async () => {
  const root = makeTree({
    ...tenEach(),
    'python/empty.py': '',
    'python/nul.py': Buffer.from('print(1)\0\n'),
    'javascript/latin1.js': Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]),
  });
  const r = await datasetFromFolder(root);
  const byReason = Object.fromEntries(r.skipped.map((s) => [s.reason, s.files]));
  assert.deepEqual(byReason.empty, ['python/empty.py']);
  assert.deepEqual(byReason['nul-byte'], ['python/nul.py']);
  assert.deepEqual(byReason['not-utf8'], ['javascript/latin1.js']);
});

test('identical files are kept once; the same content under two labels is a conflict and dropped', async () => {
  const root = makeTree({ ...tenEach(), 'python/copy.py': pySource(1), 'javascript/same.txt': 'shared = 1\n', 'python/same.txt': 'shared = 1\n' });
  const r = await datasetFromFolder(root);
  assert.deepEqual(r.duplicates.map((d) => [d.kept, d.dropped]), [['python/copy.py', ['python/f1.py']]]);
  assert.equal(r.conflicts.length, 1);
  assert.deepEqual(r.conflicts[0].files.map((f) => f.label).sort(), ['javascript', 'python']);
  assert.ok(!r.files.some((f) => f.path.endsWith('same.txt')));
});

test('a near-duplicate across splits (renamed variable, new comment, re-indented) is reported', async () => {
  const files: Record<string, string> = {};
  const base = Array.from({ length: 30 }, (_, i) => `    result_${i} = compute(alpha, beta_${i}) + offset * ${i}`).join('\n');
  for (let i = 0; i < 10; i++) {
    files[`python/f${i}.py`] = i < 2 ? `def run(alpha, offset):\n${base.replaceAll('alpha', i === 0 ? 'alpha' : 'gamma')}\n    return 0${i === 1 ? '  # tweaked' : ''}\n` : pySource(i);
    files[`javascript/f${i}.js`] = jsSource(i);
  }
  // Find a seed that puts the two variants in different splits, then expect the pair.
  for (let seed = 0; seed < 50; seed++) {
    const r = await datasetFromFolder(makeTreeOnce(files), { seed });
    const split = (p: string) => r.files.find((f) => f.path === p)!.split;
    if (split('python/f0.py') === split('python/f1.py')) continue;
    const pair = r.nearDuplicates.find((n) => [n.a, n.b].sort().join() === 'python/f0.py,python/f1.py');
    assert.ok(pair, 'pair reported');
    assert.ok(pair.similarity >= 0.8);
    assert.equal(pair.label, 'python');
    assert.ok(!r.nearDuplicates.some((n) => n.a.startsWith('javascript') && n.b.startsWith('javascript')));
    return;
  }
  assert.fail('no seed separated the two files');
});

let cached: { files: Record<string, string>; root: string } | null = null;
function makeTreeOnce(files: Record<string, string>): string {
  if (cached?.files !== files) cached = { files, root: makeTree(files) };
  return cached.root;
}

test('bad folders are clear errors', async () => {
  const missing = path.join(makeTree({}), 'nope');
  await assert.rejects(datasetFromFolder(missing), (e: LanglabError) => e.code === 'NOT_FOUND' && e.message.includes('does not exist'));
  const file = path.join(makeTree({ 'a.csv': 'x' }), 'a.csv');
  await assert.rejects(datasetFromFolder(file), /is a file, but a folder was expected/);
  await assert.rejects(datasetFromFolder(makeTree({ 'a.py': 'x = 1' })), /has no class sub-folders/);
  await assert.rejects(datasetFromFolder(makeTree({ 'python/a.py': 'x = 1' })), /single class sub-folder \('python'\)/);
  // Two folders, but only one holds a usable file.
  await assert.rejects(datasetFromFolder(makeTree({ 'python/a.py': 'x = 1', 'java/empty.java': '' })), /only the class 'python'/);
});

test('symlink loops are counted skips, not a hang or a crash', async () => {
  const root = makeTree(tenEach());
  fs.symlinkSync('..', path.join(root, 'python', 'up'));
  fs.symlinkSync(path.join(root, 'javascript'), path.join(root, 'javascript', 'self'));
  fs.symlinkSync('me', path.join(root, 'python', 'me'));
  const r = await datasetFromFolder(root);
  const loops = r.skipped.find((s) => s.reason === 'symlink-loop');
  assert.deepEqual(loops?.files, ['javascript/self/', 'python/me', 'python/up/']);
  assert.equal(r.files.length, 20);
});

test('file names with a newline or invalid UTF-8 bytes are read and keep their exact bytes', async () => {
  const root = makeTree(tenEach());
  fs.writeFileSync(path.join(root, 'python', 'line\nbreak.py'), pySource(50));
  const odd = Buffer.concat([Buffer.from(path.join(root, 'python') + '/bad'), Buffer.from([0xff, 0xfe]), Buffer.from('.py')]);
  fs.writeFileSync(odd, pySource(51));
  const r = await datasetFromFolder(root);
  const newline = r.files.find((f) => f.path === 'python/line\nbreak.py');
  assert.ok(newline && !newline.pathBytes);
  const bad = r.files.find((f) => f.path.startsWith('python/bad'));
  assert.ok(bad?.pathBytes);
  assert.deepEqual(Buffer.from(bad.pathBytes), Buffer.concat([Buffer.from('python/bad'), Buffer.from([0xff, 0xfe]), Buffer.from('.py')]));
});

test('an unreadable class sub-folder is a counted skip', async () => {
  const root = makeTree({ ...tenEach(), 'java/locked/A.java': 'class A {}\n', 'java/B.java': 'class B { int x; }\n' });
  fs.chmodSync(path.join(root, 'java', 'locked'), 0o000);
  if (process.getuid?.() !== 0) {
    const r = await datasetFromFolder(root);
    assert.deepEqual(r.skipped.find((s) => s.reason === 'unreadable-folder')?.files, ['java/locked/']);
    return;
  }
  // Root reads through chmod 000, so run the scan as an unprivileged user in a child process.
  fs.chmodSync(root, 0o755);
  for (const d of ['python', 'javascript', 'java']) fs.chmodSync(path.join(root, d), 0o755);
  const script = `import { datasetFromFolder } from ${JSON.stringify(path.resolve('main/data/from-folder.ts'))};
const r = await datasetFromFolder(${JSON.stringify(root)});
console.log(JSON.stringify(r.skipped.find((s) => s.reason === 'unreadable-folder')?.files));`;
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { uid: 65534, gid: 65534, encoding: 'utf8', cwd: process.cwd() });
  assert.equal(child.status, 0, child.stderr);
  assert.deepEqual(JSON.parse(child.stdout.trim()), ['java/locked/']);
});

test('progress arrives per phase and cancellation stops the scan with a clear error', async () => {
  const root = makeTree(tenEach());
  const phases: string[] = [];
  await datasetFromFolder(root, { onProgress: (p) => phases.push(p.phase), progressIntervalMs: 0 });
  assert.deepEqual([...new Set(phases)], ['walk', 'select', 'near-duplicates', 'done']);
  const controller = new AbortController();
  await assert.rejects(
    datasetFromFolder(root, { signal: controller.signal, progressIntervalMs: 0, onProgress: (p) => p.filesSeen > 3 && controller.abort() }),
    (e: LanglabError) => e.code === 'CANCELLED',
  );
});

test('files above the size cap are skipped as oversize', async () => {
  const root = makeTree({ ...tenEach(), 'python/big.py': 'x = 1\n'.repeat(200) });
  const r = await datasetFromFolder(root, { maxBytes: 1000 });
  assert.deepEqual(r.skipped.find((s) => s.reason === 'oversize')?.files, ['python/big.py']);
});

test('a second level of folders names projects, and validation and test hold out whole projects', async () => {
  const files: Record<string, string> = {};
  for (let p = 0; p < 6; p++) {
    for (let i = 0; i < 5; i++) {
      files[`python/proj${p}/src/f${i}.py`] = pySource(p * 10 + i);
      files[`javascript/lib${p}/f${i}.js`] = jsSource(p * 10 + i);
    }
  }
  files['javascript/loose.js'] = jsSource(99);
  const r = await datasetFromFolder(makeTree(files));
  assert.equal(r.options.splitFrom, 'project');
  assert.equal(r.files.find((f) => f.path === 'python/proj3/src/f2.py')?.project, 'proj3');
  assert.equal(r.files.find((f) => f.path === 'javascript/loose.js')?.project, null);
  const splitsOf = new Map<string, Set<string>>();
  for (const f of r.files) if (f.project) splitsOf.set(`${f.label}/${f.project}`, (splitsOf.get(`${f.label}/${f.project}`) ?? new Set()).add(f.split));
  for (const [project, splits] of splitsOf) assert.equal(splits.size, 1, `${project} spans ${[...splits].join(', ')}`);
  for (const label of ['python', 'javascript']) {
    assert.ok(r.files.some((f) => f.label === label && f.split === 'test'), `${label} has test files`);
  }
});

test('a class with too few projects falls back to a per-file split, and the dataset records it', async () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 10; i++) {
    files[`python/p${i % 4}/f${i}.py`] = pySource(i);
    files[`javascript/only/f${i}.js`] = jsSource(i);
  }
  const r = await datasetFromFolder(makeTree(files));
  assert.equal(r.options.splitFrom, 'mixed');
  assert.deepEqual(r.options.splitByClass, { javascript: 'file', python: 'project' });
});
