// The evaluation set of scripts/bench-dataset.ts (--packages <list>): another package list, read
// from downloaded .deb files and source tarballs, refused where it shares a source package with the
// recipe. Runs on a tarball and a .deb made here (dpkg-deb), so it needs no network.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../helpers/temp.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const hasDpkg = spawnSync('dpkg-deb', ['--version']).status === 0;

function benchDataset(args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, ['--import', 'tsx', 'scripts/bench-dataset.ts', ...args], { cwd: ROOT, encoding: 'utf8' });
}

const python = (i: number) => `import os\n\n\ndef handler_${i}(path):\n    """Reads ${i} lines."""\n    with open(path) as f:\n        return [line.strip() for line in f][:${i}]\n`;

test('--packages refuses the recipe\'s own list, a missing list and --small', () => {
  const out = path.join(tempDir(), 'out');
  let r = benchDataset(['--out', out, '--packages', 'bench/debian-packages.txt']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /names the recipe's own list/);
  r = benchDataset(['--out', out, '--packages', path.join(tempDir(), 'no-such-list.txt')]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /no-such-list\.txt does not exist/);
  r = benchDataset(['--out', out, '--packages', 'bench/debian-packages-eval.txt', '--small']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /--small is the recipe's/);
  assert.equal(fs.existsSync(out), false, 'nothing is written');
});

test('--packages refuses a list that reads a source package the recipe reads, naming it', () => {
  const dir = tempDir();
  const list = path.join(dir, 'eval.txt');
  fs.writeFileSync(list, '# overlaps\nsrc:groovy\n');
  const src = path.join(dir, 'src');
  fs.mkdirSync(src);
  const r = benchDataset(['--out', path.join(dir, 'out'), '--packages', list, '--src', src, '--cache', path.join(dir, 'cache')]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /eval\.txt reads source packages that the recipe .* also reads: groovy\./);
});

test('--packages refuses a Debian package of a Node.js module the recipe reads from node_modules', () => {
  const dir = tempDir();
  const list = path.join(dir, 'eval.txt');
  // This project's node_modules holds typescript (npm-typescript); Debian's source is node-typescript.
  fs.writeFileSync(list, 'src:node-typescript\n');
  const r = benchDataset(['--out', path.join(dir, 'out'), '--packages', list, '--src', dir, '--cache', path.join(dir, 'cache')]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /also reads: node-typescript\./);
});

test('--packages builds an evaluation set from a .deb and a tarball, by source package, without links', { skip: hasDpkg ? false : 'dpkg-deb is not installed' }, () => {
  const dir = tempDir();
  // A source tarball: six Python files.
  const tree = path.join(dir, 'tree', 'langlab-evaltar-1.0');
  fs.mkdirSync(path.join(tree, 'pkg'), { recursive: true });
  for (let i = 0; i < 6; i++) fs.writeFileSync(path.join(tree, 'pkg', `mod${i}.py`), python(i));
  const src = path.join(dir, 'src');
  fs.mkdirSync(src);
  execFileSync('tar', ['-czf', path.join(src, 'langlab-evaltar_1.0.orig.tar.gz'), '-C', path.join(dir, 'tree'), 'langlab-evaltar-1.0']);
  // A binary package of another source: Python in dist-packages, and a link to a system file that must not be read.
  const root = path.join(dir, 'deb');
  const lib = path.join(root, 'usr', 'lib', 'python3', 'dist-packages', 'evaldeb');
  fs.mkdirSync(lib, { recursive: true });
  for (let i = 0; i < 4; i++) fs.writeFileSync(path.join(lib, `part${i}.py`), python(10 + i));
  fs.symlinkSync('/etc/passwd', path.join(lib, 'linked.py'));
  fs.mkdirSync(path.join(root, 'DEBIAN'));
  fs.writeFileSync(path.join(root, 'DEBIAN', 'control'), 'Package: langlab-evaldeb\nSource: langlab-evaldeb-src\nVersion: 1.0\nArchitecture: all\nMaintainer: Langlab <langlab@localhost>\nDescription: test package\n');
  const debs = path.join(dir, 'debs');
  fs.mkdirSync(debs);
  execFileSync('dpkg-deb', ['--build', '--root-owner-group', root, path.join(debs, 'langlab-evaldeb_1.0_all.deb')], { stdio: 'ignore' });
  const list = path.join(dir, 'eval.txt');
  fs.writeFileSync(list, '# a test list\nsrc:langlab-evaltar\nlanglab-evaldeb\n');

  const out = path.join(dir, 'out');
  const r = benchDataset(['--out', out, '--packages', list, '--src', src, '--debs', debs, '--cache', path.join(dir, 'cache')]);
  assert.equal(r.status, 0, r.stderr);
  const summary = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
  assert.equal(summary.variant, 'evaluation');
  assert.deepEqual(summary.classes.map((c: { folder: string }) => c.folder), ['python'], 'only the classes the packages hold');
  assert.deepEqual(fs.readdirSync(path.join(out, 'python')).sort(), ['langlab-evaldeb-src', 'langlab-evaltar'], 'projects are source packages');
  // Candidates: the tarball's 6 and the package's 4; the link to a system file is not one.
  assert.equal(summary.scan.files, 10);
  // Two projects: the 10 % rule leaves each one file (an evaluation set samples as the recipe does).
  assert.match(fs.readdirSync(path.join(out, 'python', 'langlab-evaldeb-src')).join(), /^[0-9a-f]{12}-part\d\.py$/);
  const manifest = JSON.parse(fs.readFileSync(path.join(out, 'MANIFEST.json'), 'utf8'));
  assert.equal(manifest.packages.list, path.relative(ROOT, list));
});

test('files whose text cannot give their label are left out: TypeScript that parses as JavaScript, comments alone', () => {
  const dir = tempDir();
  const src = path.join(dir, 'src');
  fs.mkdirSync(src);
  const typed = (i: number) => `export interface Options${i} {\n  depth: number;\n  name?: string;\n}\n\nexport function walk${i}(options: Options${i}): string[] {\n  return [options.name ?? 'root'];\n}\n`;
  const plain = (i: number) => `export { walk${i} } from './walk';\nexport { parse${i}, format${i} } from './parse';\nexport default function make${i}(a, b) {\n  return a + b;\n}\n`;
  for (const [name, text] of [['langlab-typed', typed], ['langlab-plain', plain]] as const) {
    const tree = path.join(dir, 'tree', `${name}-1.0`);
    fs.mkdirSync(path.join(tree, 'src'), { recursive: true });
    for (let i = 0; i < 3; i++) fs.writeFileSync(path.join(tree, 'src', `part${i}.ts`), text(i));
    // A licence header alone is any language with `#` comments; the module beside it is Python.
    fs.writeFileSync(path.join(tree, 'src', '__init__.py'), `# Copyright 2024 The ${name} authors.\n# Licensed under the Apache License, Version 2.0.\n`);
    fs.writeFileSync(path.join(tree, 'src', 'tool.py'), `# The ${name} tool.\nimport sys\n\n\ndef main(argv):\n    return len(argv)\n\n\nsys.exit(main(sys.argv))\n`);
    execFileSync('tar', ['-czf', path.join(src, `${name}_1.0.orig.tar.gz`), '-C', path.join(dir, 'tree'), `${name}-1.0`]);
  }
  const list = path.join(dir, 'eval.txt');
  fs.writeFileSync(list, 'src:langlab-typed\nsrc:langlab-plain\n');
  const out = path.join(dir, 'out');
  const r = benchDataset(['--out', out, '--packages', list, '--src', src, '--cache', path.join(dir, 'cache')]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout.trim().split('\n').at(-1)!).scan.files, 10, 'all ten are candidates');
  assert.deepEqual(fs.readdirSync(path.join(out, 'typescript')), ['langlab-typed'], 'only the project written with types');
  const python = fs.readdirSync(path.join(out, 'python')).flatMap((p) => fs.readdirSync(path.join(out, 'python', p)));
  assert.deepEqual(python.map((f) => f.replace(/^[0-9a-f]+-/, '')).sort(), ['tool.py', 'tool.py'], 'no licence-only __init__.py');
});

test('a missing .deb names the command that downloads it', { skip: hasDpkg ? false : 'dpkg-deb is not installed' }, () => {
  const dir = tempDir();
  const list = path.join(dir, 'eval.txt');
  fs.writeFileSync(list, 'langlab-nowhere\n');
  const r = benchDataset(['--out', path.join(dir, 'out'), '--packages', list, '--debs', path.join(dir, 'debs')]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /langlab-nowhere_\*\.deb is missing from \S+debs\. Download the list's packages with `sh scripts\/install-bench-deps\.sh --list \/\S+\/eval\.txt --download-only`/);
});
