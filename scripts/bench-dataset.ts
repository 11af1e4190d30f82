// The benchmark-dataset recipe: builds a labelled dataset of real code, one sub-folder per
// language (cpp groovy java javascript json python xml yml), from sources found on a Debian
// bookworm machine after scripts/install-bench-deps.sh: this project's node_modules, Python's
// standard library and the Debian packages listed in bench/debian-packages.txt.
//
//   npm run bench:dataset -- --out <dir> [--small] [--cache <dir>] [--src <dir>]
//
// Deterministic: sorted walks, Linguist labels, a seeded round-robin sample per class (the
// library's repository build). --small takes about 40 files per class; the full variant up to
// 3,000. Tarballs and src.zip are unpacked once into the cache folder.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { datasetFromRepositories } from '../main/data/from-repositories.ts';

/** Linguist language -> the reference folder name. */
const CLASSES: Record<string, string> = {
  'C++': 'cpp',
  Groovy: 'groovy',
  Java: 'java',
  JavaScript: 'javascript',
  JSON: 'json',
  Python: 'python',
  XML: 'xml',
  YAML: 'yml',
};

interface Source {
  /** The Debian package (or src:package) that provides it, named when it is missing. */
  pkg: string;
  /** Folders to read, full and small variants. */
  full: string[];
  small: string[];
}

function parseArgs(argv: string[]): { out: string; small: boolean; cache: string; src: string } {
  let out = '';
  let small = false;
  let cache = path.join(os.tmpdir(), 'langlab-bench-cache');
  let src = process.env.LANGLAB_BENCH_SRC ?? '/var/cache/langlab-bench/src';
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out') out = argv[++i] ?? '';
    else if (argv[i] === '--small') small = true;
    else if (argv[i] === '--cache') cache = argv[++i] ?? cache;
    else if (argv[i] === '--src') src = argv[++i] ?? src;
    else throw new Error(`bench-dataset: unknown argument ${argv[i]}. Usage: --out <dir> [--small] [--cache <dir>] [--src <dir>]`);
  }
  if (!out) throw new Error('bench-dataset: --out <dir> is required.');
  return { out: path.resolve(out), small, cache: path.resolve(cache), src: path.resolve(src) };
}

function missing(pkg: string, what: string): never {
  throw new Error(
    `bench-dataset: ${what} is missing. It comes from the Debian package ${pkg}; install the recipe's sources with ` +
      '`sudo scripts/install-bench-deps.sh` (see bench/debian-packages.txt).',
  );
}

function requireDir(dir: string, pkg: string): string {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) missing(pkg, dir);
  return dir;
}

/** Unpacks an upstream tarball of a source package once; returns the folder. */
function unpackSource(name: string, srcDir: string, cache: string): string {
  const dest = path.join(cache, name);
  if (fs.existsSync(path.join(dest, '.complete'))) return dest;
  const tarball = fs.existsSync(srcDir) ? fs.readdirSync(srcDir).sort().find((f) => f.startsWith(`${name}_`) && f.includes('.orig.tar.')) : undefined;
  if (!tarball) missing(`src:${name}`, `the ${name} source tarball (${name}_*.orig.tar.*) in ${srcDir}`);
  fs.rmSync(dest, { recursive: true, force: true });
  fs.mkdirSync(dest, { recursive: true });
  execFileSync('tar', ['-xf', path.join(srcDir, tarball), '-C', dest]);
  fs.writeFileSync(path.join(dest, '.complete'), tarball);
  return dest;
}

/** Unpacks the JDK's src.zip (a few modules) once. */
function unpackJdk(cache: string): string {
  const zip = '/usr/lib/jvm/openjdk-17/lib/src.zip';
  if (!fs.existsSync(zip)) missing('openjdk-17-source', zip);
  const dest = path.join(cache, 'openjdk-17-src');
  if (fs.existsSync(path.join(dest, '.complete'))) return dest;
  fs.rmSync(dest, { recursive: true, force: true });
  fs.mkdirSync(dest, { recursive: true });
  try {
    execFileSync('unzip', ['-q', zip, 'java.base/*', 'java.sql/*', 'java.logging/*', '-d', dest]);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') missing('unzip', 'the unzip program');
    throw err;
  }
  fs.writeFileSync(path.join(dest, '.complete'), zip);
  return dest;
}

function sources(cache: string, src: string): Source[] {
  const root = path.resolve(import.meta.dirname, '..');
  const jdk = unpackJdk(cache);
  const groovy = unpackSource('groovy', src, cache);
  const ant = unpackSource('ant', src, cache);
  const maven = unpackSource('maven', src, cache);
  const ansible = '/usr/lib/python3/dist-packages/ansible_collections';
  return [
    { pkg: 'libboost1.74-dev', full: ['/usr/include/boost'], small: ['/usr/include/boost/asio'] },
    { pkg: 'libstdc++-12-dev', full: ['/usr/include/c++/12'], small: ['/usr/include/c++/12/bits'] },
    { pkg: 'src:groovy', full: [groovy], small: [groovy] },
    { pkg: 'openjdk-17-source', full: [jdk], small: [path.join(jdk, 'java.base/java/util')] },
    { pkg: 'src:ant', full: [ant], small: [] },
    { pkg: 'src:maven', full: [maven], small: [maven] },
    { pkg: 'npm (this project)', full: [path.join(root, 'node_modules')], small: [path.join(root, 'node_modules')] },
    { pkg: 'libpython3.11-stdlib', full: ['/usr/lib/python3.11'], small: ['/usr/lib/python3.11/email', '/usr/lib/python3.11/json'] },
    { pkg: 'shared-mime-info', full: ['/usr/share/mime'], small: ['/usr/share/mime/text'] },
    { pkg: 'ansible', full: [ansible], small: [path.join(ansible, 'community/general/plugins'), path.join(ansible, 'community/general/meta')] },
  ].map((s) => ({ ...s, full: s.full.map((d) => requireDir(d, s.pkg)), small: s.small.map((d) => requireDir(d, s.pkg)) }));
}

/** A stable, readable file name: content hash prefix plus the original name. */
function outName(sha256: string, rel: string): string {
  const base = path.posix.basename(rel).replace(/[^\w.-]/g, '_').slice(-60);
  return `${sha256.slice(0, 12)}-${base}`;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const cap = args.small ? 40 : 3000;
  const started = Date.now();
  let scanned = { files: 0, bytes: 0 };
  const roots = sources(args.cache, args.src).flatMap((s) => (args.small ? s.small : s.full));
  const result = await datasetFromRepositories(roots, {
    languages: Object.keys(CLASSES),
    overrides: { '.yaml': 'YAML' },
    cap,
    minFiles: 1,
    seed: 42,
    onProgress: (p) => {
      scanned = { files: p.filesSeen, bytes: p.bytesSeen };
      if (process.stderr.isTTY) process.stderr.write(`\r\x1b[Kbench-dataset: ${p.phase} ${p.filesSeen} files`);
    },
  });
  const scanSeconds = (Date.now() - started) / 1000;
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
  for (const language of Object.keys(CLASSES)) {
    const got = result.classes.find((c) => c.label === language)?.files ?? 0;
    if (got < Math.min(cap, 40)) throw new Error(`bench-dataset: only ${got} ${language} files were found; the sources for it are incomplete.`);
  }
  fs.rmSync(args.out, { recursive: true, force: true });
  for (const folder of Object.values(CLASSES)) fs.mkdirSync(path.join(args.out, folder), { recursive: true });
  for (const f of result.files) {
    const from = path.join(result.roots[f.root], f.path);
    fs.copyFileSync(f.pathBytes ? Buffer.concat([Buffer.from(result.roots[f.root] + '/'), Buffer.from(f.pathBytes)]) : from, path.join(args.out, CLASSES[f.label], outName(f.sha256, f.path)));
  }
  const summary = {
    out: args.out,
    variant: args.small ? 'small' : 'full',
    classes: result.classes.map((c) => ({ folder: CLASSES[c.label], files: c.files, bytes: c.bytes })),
    fingerprint: result.fingerprint,
    seconds: (Date.now() - started) / 1000,
    /** Files looked at (walked by name, plus those read) and the time the library took. */
    scan: { files: scanned.files, bytes: scanned.bytes, seconds: scanSeconds },
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  fs.writeFileSync(path.join(args.out, 'MANIFEST.json'), JSON.stringify({ ...summary, files: result.files.map((f) => ({ folder: CLASSES[f.label], name: outName(f.sha256, f.path), from: path.join(result.roots[f.root], f.path), sha256: f.sha256 })) }, null, 1));
  process.stdout.write(JSON.stringify(summary) + '\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
