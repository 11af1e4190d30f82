// The benchmark-dataset recipe: builds a labelled dataset of real code laid out as
// <out>/<language>/<project>/<file>, where the project is the Debian source package a file comes
// from (or `npm-<name>` for this project's node_modules), so validation and test can hold out
// whole projects. Sources: the Debian bookworm packages listed in bench/debian-packages.txt
// (installed by scripts/install-bench-deps.sh), each installed file attributed to its source
// package through dpkg's own file lists, the source tarballs listed there as src:NAME, and this
// project's node_modules. Recipe v4 (the list's "(v4)" groups) adds C sources, Gradle/Spock,
// YAML, TypeScript, Lua and shell projects for the classes v3 held out worst; in tarballs, as in
// installed packages, an extension-less file is labelled by its `#!` line. Recipe v5 labels no
// `.h` file C: a header of C declarations is the same text in either language, and labelled C it
// taught the model to read C++ headers as C (C from `.c` files only; `.h` is C++ in the C++ header
// packages and unlabelled elsewhere; main/trainer/README.md has the two seeds each that decided it).
// Recipe v6 adds the upstream sources of ten projects that carry SQL schemas, upgrade scripts and
// SQL function libraries (v5's SQL class came from 28 projects, a quarter of it PostgreSQL's).
// Recipe v8 adds the upstream sources of 24 C++ applications (Qt and KDE programs among them):
// v7's C++ came mostly from template libraries, and held out it read applications' C++ as C.
// A `.ts` file that is a Qt Linguist translation (XML) is not TypeScript (linguist.ts, languageByContent).
// Recipe v9 adds the upstream sources of 16 Node.js modules written in TypeScript and takes at least
// half of the TypeScript class from sources before declaration files (v8's was three quarters
// `.d.ts`), adds ZoneMinder's and DAViCal's SQL, and leaves out YAML written in JSON's syntax.
// Recipe v10 takes JavaScript's ES modules first, up to half the class (`preferred`), as v9 does
// TypeScript's sources: the packages here ship CommonJS builds, and with 15 % of JavaScript written
// as modules against 96 % of TypeScript the model read `import`/`export` lines as TypeScript.
// Recipe v11 adds packages that ship TOML of other kinds than Cargo.toml and Tcl/Tk applications
// (v10's TOML was 112 files, its Tcl 393 from 27 projects), and leaves out a file whose editor mode
// line names another language than its name does (`-*- shell-script -*-` in a `.py` completion
// script; linguist.ts, modelineLanguage).
// Recipe v12 adds 62 packages that ship YAML written as data (tables, schemas, locale and
// transliteration lists, block definitions, recorded HTTP exchanges): v11's YAML was mostly CI and
// deployment configuration, and held out, the models read data documents as Python or Markdown.
// Recipe v13 leaves out TypeScript that parses as JavaScript (`parsesAsJavaScript`, the test of the
// syntax rule, main/engine/export/syntax-rules.ts): it is the same text in either language, and
// labelled TypeScript it taught the model to read JavaScript modules as TypeScript (v12: 127 of its
// 1,200 TypeScript files, barrel `index.ts` files of `export … from` lines, plain functions).
// Recipe v14 leaves out a file with no code of its language (no-code.ts, hasCode): comments alone (a
// licence header, commented-out settings, `--` notes in an SQL upgrade script), or XML without an
// element (a `.rdf` table of numbers). Its text reads alike in every language with its comment syntax.
//
// An evaluation set (--packages <list>, bench/debian-packages-eval.txt): the same labels, filters
// and sampling over another package list whose source packages the recipe does not read (refused
// otherwise), without node_modules; its binary packages are read from their downloaded .deb files
// (`sh scripts/install-bench-deps.sh --list <list> --download-only`), not installed. Every file of
// it is held out from any model trained on the benchmark (`bench/held-out-compare.ts --all`).
//
//   npm run bench:dataset -- --out <dir> [--small | --per-class N | --packages <list>] [--cache <dir>] [--src <dir>] [--debs <dir>]
//
// Deterministic: sorted inputs, Linguist labels, a seeded round-robin over the projects of each
// class with a cap per project, so that no project holds more than 10 % of a class (the summary
// names the largest share). The full variant takes up to 1,200 files of each of 26 languages
// (--per-class N: up to N, a tenth of it from a project before the 10 % trim); --small 40 files of
// each of the 8 reference languages, 10 from each of 4 projects.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isBinaryFileSync } from 'isbinaryfile';
import { datasetFingerprint, sha256Hex } from '../main/data/fingerprint.ts';
import { parsesAsJavaScript } from '../main/engine/export/syntax-rules.ts';
import { languageByContent, languageForFileName } from '../main/data/linguist.ts';
import { hasCode } from '../main/data/no-code.ts';
import { contentVerdict, fileNameVerdict, folderVerdict } from '../main/data/repo-filters.ts';
import { seededRandom, shuffle, subSeed } from '../main/data/rng.ts';
import { decodeText } from '../main/data/text-check.ts';

/** Linguist language -> class folder. The first 8 are the reference set (and --small). */
const CLASSES: Record<string, string> = {
  'C++': 'cpp',
  Groovy: 'groovy',
  Java: 'java',
  JavaScript: 'javascript',
  JSON: 'json',
  Python: 'python',
  XML: 'xml',
  YAML: 'yml',
  C: 'c',
  Go: 'go',
  Rust: 'rust',
  Ruby: 'ruby',
  Perl: 'perl',
  PHP: 'php',
  Shell: 'shell',
  TypeScript: 'typescript',
  Markdown: 'markdown',
  CSS: 'css',
  HTML: 'html',
  SQL: 'sql',
  Lua: 'lua',
  Tcl: 'tcl',
  TOML: 'toml',
  Scheme: 'scheme',
  'Vim script': 'vim',
  TeX: 'latex',
};
const SMALL_LANGUAGES = Object.keys(CLASSES).slice(0, 8);

/**
 * Extensions Linguist leaves ambiguous (or names otherwise) that mean one language in these
 * sources: Gradle build scripts are Groovy; `.h` is settled per package (HEADERS_AS).
 */
const OVERRIDES = new Map<string, string | null>([
  ['.yaml', 'YAML'],
  ['.md', 'Markdown'],
  ['.sql', 'SQL'],
  ['.rs', 'Rust'],
  ['.pm', 'Perl'],
  ['.pl', 'Perl'],
  ['.scm', 'Scheme'],
  ['.cls', 'TeX'],
  ['.gradle', 'Groovy'],
  ['.inc', null],
]);

/** Binary packages whose `.h` headers are C++ (every other `.h` file is left unlabelled). */
const CPP_HEADERS = new Set(['libstdc++-12-dev', 'libboost1.74-dev', 'libglm-dev', 'libcereal-dev', 'nlohmann-json3-dev', 'libgtest-dev', 'libasio-dev', 'libmsgpack-dev', 'libxsimd-dev', 'libxtensor-dev', 'libcli11-dev', 'catch2', 'librange-v3-dev', 'libeigen3-dev', 'pybind11-dev', 'libspdlog-dev', 'libfmt-dev', 'libutfcpp-dev',
  'libtclap-dev', 'rapidjson-dev', 'libmsgsl-dev', 'libsimdjson-dev', 'libtsl-hopscotch-map-dev', 'libcxxopts-dev', 'libmdds-dev', 'libwebsocketpp-dev', 'libsparsehash-dev', 'libbenchmark-dev', 'libyaml-cpp-dev', 'libjsoncpp-dev', 'libtinyxml2-dev', 'libcrypto++-dev', 'libsigc++-2.0-dev', 'libglibmm-2.4-dev', 'libprotobuf-dev', 'libabsl-dev', 'libflatbuffers-dev', 'libpqxx-dev', 'libtbb-dev', 'libhwy-dev', 'libre2-dev', 'libleveldb-dev', 'libdouble-conversion-dev', 'libgflags-dev', 'libgoogle-glog-dev', 'libexpected-dev', 'libkdtree++-dev', 'libpstreams-dev', 'libcppunit-dev', 'libopenexr-dev', 'libzxing-dev', 'libxerces-c-dev']);

/** Script interpreters named on a `#!` line, for files without an extension. */
const INTERPRETERS: Record<string, string> = { sh: 'Shell', bash: 'Shell', dash: 'Shell', ksh: 'Shell', zsh: 'Shell', perl: 'Perl', python3: 'Python', python: 'Python', ruby: 'Ruby', tclsh: 'Tcl', wish: 'Tcl', lua: 'Lua', node: 'JavaScript', nodejs: 'JavaScript' };

/** Files that are licences, changelogs or boilerplate, whatever their language. */
const NOT_CODE = /^(licen[sc]e|copying|notice|authors|contributors|changelog|changes|history|news|code_of_conduct|security|funding)([._-]|$)|^pkgindex\.tcl$|^\.cargo[-_](checksum|vcs_info)\.json$/i;
/**
 * Build helpers that autotools and gnulib copy into every tarball that uses them: in a tarball they
 * are another project's code (the autoconf, automake and libtool packages ship the originals).
 */
const COPIED_BUILD_AUX = /^(install-sh|depcomp|missing|compile|config\.guess|config\.sub|ltmain\.sh|test-driver|ar-lib|mkinstalldirs|py-compile|ylwrap|mdate-sh|config\.rpath|gitlog-to-changelog|git-version-gen|gnu-web-doc-update|gendocs\.sh|useless-if-before-free|vc-list-files|announce-gen|do-release-commit-and-tag|update-copyright|bootstrap)$/;
/** Folders of installed packages that hold their own code, not vendored code. */
const INSTALL_DIRS = new Set(['dist-packages', 'site-packages', 'dist']);
/** Small source tarballs enough for --small (fast to unpack). */
const SMALL_TARBALLS = new Set(['groovy', 'gmetrics', 'codenarc', 'gant', 'groovycsv', 'junit4', 'jsoup', 'commons-io']);

/**
 * Headers that say "generated" about files that are still the code people write and read: LaTeX
 * packages are extracted from their .dtx by docstrip, crates' Cargo.toml is normalised by cargo.
 * Only the "generated" test ignores them; the files are kept as they are.
 */
const MACHINE_KEPT = /generated with the docstrip utility|THIS FILE IS AUTOMATICALLY GENERATED BY CARGO/gi;

const MAX_BYTES = 1_000_000;
/** Files looked at and bytes read, for the summary's scan figures (bench/dataset.ts). */
const scanned = { files: 0, bytes: 0 };
const MIN_CHARS = 64;

interface Candidate {
  abs: string;
  language: string;
  project: string;
}

interface Args {
  out: string;
  small: boolean;
  cache: string;
  src: string;
  /** Files a class may take (the full variant; null: 1,200). */
  perClass: number | null;
  /** An evaluation set's package list (null: the recipe's). */
  packages: string | null;
  /** Where an evaluation set's .deb files are. */
  debs: string;
}

const USAGE = '--out <dir> [--small | --per-class N | --packages <list>] [--cache <dir>] [--src <dir>] [--debs <dir>]';
/** The recipe's own package list. */
const RECIPE_LIST = path.resolve(import.meta.dirname, '../bench/debian-packages.txt');

function parseArgs(argv: string[]): Args {
  let out = '';
  let small = false;
  let cache = path.join(os.tmpdir(), 'langlab-bench-cache');
  let src = process.env.LANGLAB_BENCH_SRC ?? '/var/cache/langlab-bench/src';
  let perClass: number | null = null;
  let packages: string | null = null;
  let debs = process.env.LANGLAB_BENCH_DEBS ?? '/var/cache/langlab-bench/debs';
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out') out = argv[++i] ?? '';
    else if (argv[i] === '--packages') packages = argv[++i] ?? '';
    else if (argv[i] === '--debs') debs = argv[++i] ?? debs;
    else if (argv[i] === '--small') small = true;
    else if (argv[i] === '--cache') cache = argv[++i] ?? cache;
    else if (argv[i] === '--src') src = argv[++i] ?? src;
    else if (argv[i] === '--per-class') {
      const value = argv[++i] ?? '';
      perClass = Number(value);
      if (!/^\d+$/.test(value) || perClass < 100) throw new Error(`bench-dataset: --per-class ${value} is not a whole number of at least 100.`);
    } else throw new Error(`bench-dataset: unknown argument ${argv[i]}. Usage: ${USAGE}`);
  }
  if (!out) throw new Error(`bench-dataset: --out <dir> is required. Usage: ${USAGE}`);
  if (small && perClass !== null) throw new Error('bench-dataset: --per-class applies to the full variant, not --small.');
  if (packages !== null) {
    if (small) throw new Error('bench-dataset: --packages builds an evaluation set of its own list; --small is the recipe\'s.');
    if (!packages || !fs.existsSync(packages)) throw new Error(`bench-dataset: the package list ${packages || '(none given)'} does not exist; give --packages a file such as bench/debian-packages-eval.txt.`);
    if (path.resolve(packages) === RECIPE_LIST) throw new Error('bench-dataset: --packages names the recipe\'s own list; an evaluation set needs other packages (bench/debian-packages-eval.txt).');
  }
  return { out: path.resolve(out), small, cache: path.resolve(cache), src: path.resolve(src), perClass, packages: packages === null ? null : path.resolve(packages), debs: path.resolve(debs) };
}

function missing(pkg: string, what: string): never {
  throw new Error(
    `bench-dataset: ${what} is missing. It comes from the Debian package ${pkg}; install the recipe's sources with ` +
      '`sudo scripts/install-bench-deps.sh` (see bench/debian-packages.txt).',
  );
}

function readPackageList(file: string): { binary: string[]; source: string[] } {
  const lines = fs.readFileSync(file, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  return { binary: lines.filter((l) => !l.startsWith('src:')), source: lines.filter((l) => l.startsWith('src:')).map((l) => l.slice(4)) };
}

/**
 * The language a file name means here, with the recipe's overrides and the `.h` rule: a header is
 * C++ in CPP_HEADERS packages, else unlabelled (a `config.h.in` template is as ambiguous as `.h`:
 * linguist.ts). A `.c`
 * file that a C++ header package installs is C++ too: Xerces-C's template implementations
 * (`CountedPointer.c`: `template <class T> CountedPointerTo<T>::...`) were read as C until v8.
 */
function languageOf(name: string, pkg: string | null): string | null {
  if (NOT_CODE.test(name) || fileNameVerdict(name)) return null;
  const lower = name.toLowerCase();
  const cppPackage = pkg !== null && CPP_HEADERS.has(pkg);
  if (lower.endsWith('.h')) return cppPackage ? 'C++' : null;
  if (lower.endsWith('.c') && cppPackage) return 'C++';
  const verdict = languageForFileName(name, OVERRIDES);
  return verdict && 'language' in verdict && verdict.language in CLASSES ? verdict.language : null;
}

/** The language of an extension-less script by its `#!` line (a shell wrapper that execs Tcl is Tcl). */
function languageByShebang(abs: string): string | null {
  const head = Buffer.alloc(512);
  let n = 0;
  try {
    const fd = fs.openSync(abs, 'r');
    n = fs.readSync(fd, head, 0, head.length, 0);
    fs.closeSync(fd);
  } catch {
    return null;
  }
  const text = head.subarray(0, n).toString('latin1');
  const m = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(text);
  if (!m) return null;
  let interpreter = path.posix.basename(m[1]);
  if (interpreter === 'env' && m[2]) interpreter = m[2];
  interpreter = interpreter.replace(/[\d.]+$/, '') || interpreter;
  const language = INTERPRETERS[interpreter] ?? null;
  if (language === 'Shell' && /exec\s+(tclsh|wish)/.test(text)) return 'Tcl';
  return language;
}

/**
 * Refuses an evaluation list that reads a source package the recipe reads (its src: entries and
 * its binary packages' sources, as apt knows them) or a Node.js module the recipe reads from
 * node_modules (Debian's `node-prompts` is npm's `prompts`), naming them.
 */
function disjointFromRecipe(evalList: string, evalSources: string[]): void {
  const recipe = readPackageList(RECIPE_LIST);
  const read = new Set(recipe.source);
  let shown = '';
  try {
    shown = execFileSync('apt-cache', ['show', '--no-all-versions', ...recipe.binary], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'] });
  } catch (err) {
    // A package apt does not know fails the command but the others are still shown.
    shown = (err as { stdout?: string }).stdout ?? '';
  }
  for (const stanza of shown.split(/\n\n+/)) {
    const pkg = /^Package:\s*(\S+)/m.exec(stanza)?.[1];
    if (pkg) read.add(/^Source:\s*(\S+)/m.exec(stanza)?.[1] ?? pkg);
  }
  const npm = new Set(fromNodeModules(new Set(Object.keys(CLASSES))).map((c) => c.project));
  const sameModule = (s: string) => [s, s.replace(/^node-/, ''), s.replace(/\.js$/, '')].some((name) => npm.has(safeProject(`npm-${name}`)));
  const both = [...new Set(evalSources)].filter((s) => read.has(s) || sameModule(s)).sort();
  if (both.length > 0) {
    throw new Error(`bench-dataset: ${path.basename(evalList)} reads source packages that the recipe (bench/debian-packages.txt and node_modules) also reads: ${both.join(', ')}. An evaluation set must hold projects no benchmark model has read; remove them from ${path.basename(evalList)}.`);
  }
}

/** Binary package -> Debian source package, from dpkg's database; fails naming a package that is not installed. */
function sourcePackages(binary: string[]): Map<string, string> {
  let out = '';
  try {
    out = execFileSync('dpkg-query', ['-W', '-f', '${binary:Package}\t${Package}\t${source:Package}\t${db:Status-Status}\n', ...binary], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const e = err as { stdout?: string; code?: string };
    if (e.code === 'ENOENT') throw new Error('bench-dataset: dpkg-query was not found; the recipe reads a Debian system\'s packages.');
    out = e.stdout ?? '';
  }
  const map = new Map<string, string>();
  for (const line of out.split('\n')) {
    const [, pkg, source, status] = line.split('\t');
    if (pkg && status === 'installed') map.set(pkg, source || pkg);
  }
  for (const pkg of binary) if (!map.has(pkg)) missing(pkg, `the package ${pkg}`);
  return map;
}

/** The files dpkg installed for a package (its .list file), regular files only. */
function packageFiles(pkg: string): string[] {
  const info = '/var/lib/dpkg/info';
  const list = [`${pkg}.list`, `${pkg}:${archOf()}.list`].map((f) => path.join(info, f)).find((f) => fs.existsSync(f));
  if (!list) missing(pkg, `dpkg's file list of ${pkg}`);
  return fs.readFileSync(list, 'utf8').split('\n').filter(Boolean);
}

let arch: string | null = null;
function archOf(): string {
  arch ??= execFileSync('dpkg', ['--print-architecture'], { encoding: 'utf8' }).trim();
  return arch;
}

/** A package's file: where it is installed (what the rules look at) and where it is read. */
interface PackageFile {
  installed: string;
  abs: string;
}

/** An installed package's files, read where dpkg put them. */
function installedFiles(pkg: string): PackageFile[] {
  return packageFiles(pkg).map((p) => ({ installed: p, abs: p }));
}

/** A downloaded package's .deb in `debs` (the highest version there); fails naming the command that downloads it. */
function debFile(pkg: string, debs: string, list: string): string {
  const found = fs.existsSync(debs) ? fs.readdirSync(debs).filter((f) => f.startsWith(`${pkg}_`) && f.endsWith('.deb')).sort() : [];
  if (found.length === 0) {
    const relative = path.relative(process.cwd(), list);
    const shown = relative.startsWith('..') || path.isAbsolute(relative) ? list : relative;
    throw new Error(`bench-dataset: ${pkg}_*.deb is missing from ${debs}. Download the list's packages with \`sh scripts/install-bench-deps.sh --list ${shown} --download-only\`.`);
  }
  return path.join(debs, found.at(-1)!);
}

/** Binary package -> source package, from the downloaded .deb files' control fields. */
function debSources(binary: string[], debs: string, list: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const pkg of binary) {
    const fields = execFileSync('dpkg-deb', ['-f', debFile(pkg, debs, list), 'Package', 'Source'], { encoding: 'utf8' });
    const source = /^Source:\s*(\S+)/m.exec(fields)?.[1];
    map.set(pkg, source ?? pkg);
  }
  return map;
}

/**
 * A downloaded package's files, unpacked once into the cache: regular files only (a link in a
 * package points at the system's files, which are not the package's).
 */
function debFiles(pkg: string, debs: string, list: string, cache: string): PackageFile[] {
  const dest = path.join(cache, 'deb', pkg);
  if (!fs.existsSync(path.join(dest, '.complete'))) {
    fs.rmSync(dest, { recursive: true, force: true });
    fs.mkdirSync(dest, { recursive: true });
    execFileSync('dpkg-deb', ['-x', debFile(pkg, debs, list), dest]);
    fs.writeFileSync(path.join(dest, '.complete'), '');
  }
  const out: PackageFile[] = [];
  const visit = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dest, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const child = `${rel}/${e.name}`;
      if (e.isDirectory()) visit(child);
      else if (e.isFile() && child !== '/.complete') out.push({ installed: child, abs: path.join(dest, child) });
    }
  };
  visit('');
  return out;
}

function fromPackages(binary: string[], sources: Map<string, string>, languages: Set<string>, filesOf: (pkg: string) => PackageFile[]): Candidate[] {
  const out: Candidate[] = [];
  const seen = new Set<string>();
  for (const pkg of binary) {
    for (const { installed, abs } of filesOf(pkg)) {
      if (seen.has(installed)) continue;
      seen.add(installed);
      const parts = installed.split('/');
      const name = parts.at(-1)!;
      if (parts.slice(0, -1).some((d) => !INSTALL_DIRS.has(d.toLowerCase()) && folderVerdict(d))) continue;
      let language = languageOf(name, pkg);
      const scriptDir = /^\/(usr\/)?(s?bin|lib|libexec|share)\//.test(installed);
      if (!language && !name.includes('.') && scriptDir && !installed.startsWith('/usr/share/doc/')) {
        if (installed.startsWith('/usr/share/bash-completion/completions/')) language = 'Shell';
        else {
          const st = fs.lstatSync(abs, { throwIfNoEntry: false });
          if (st?.isFile() && st.size < MAX_BYTES) language = languageByShebang(abs);
        }
      }
      if (language && languages.has(language)) out.push({ abs, language, project: sources.get(pkg)! });
    }
  }
  return out;
}

/** Unpacks a source package's tarballs (upstream, or the native tarball) once; returns the folder. */
function unpackSource(name: string, srcDir: string, cache: string): string {
  const dest = path.join(cache, 'src', name);
  if (fs.existsSync(path.join(dest, '.complete'))) return dest;
  const files = fs.existsSync(srcDir) ? fs.readdirSync(srcDir).sort() : [];
  const upstream = files.filter((f) => f.startsWith(`${name}_`) && /\.orig(-[\w.-]+)?\.tar\./.test(f));
  const tarballs = upstream.length > 0 ? upstream : files.filter((f) => f.startsWith(`${name}_`) && /\.tar\./.test(f) && !f.includes('.debian.tar.'));
  if (tarballs.length === 0) missing(`src:${name}`, `the ${name} source tarball (${name}_*.tar.*) in ${srcDir}`);
  fs.rmSync(dest, { recursive: true, force: true });
  fs.mkdirSync(dest, { recursive: true });
  for (const t of tarballs) execFileSync('tar', ['-xf', path.join(srcDir, t), '-C', dest]);
  fs.writeFileSync(path.join(dest, '.complete'), tarballs.join('\n'));
  return dest;
}

/** Every labelled file under a folder, skipping vendored folders, version control and debian/. */
function walk(root: string, visit: (abs: string, rel: string[]) => void, rel: string[] = []): void {
  const dir = path.join(root, ...rel);
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (e.isDirectory()) {
      if (folderVerdict(e.name) || (rel.length <= 1 && e.name === 'debian')) continue;
      walk(root, visit, [...rel, e.name]);
    } else if (e.isFile()) visit(path.join(dir, e.name), [...rel, e.name]);
  }
}

function fromTarballs(names: string[], args: Args, languages: Set<string>): Candidate[] {
  const out: Candidate[] = [];
  for (const name of names) {
    const root = unpackSource(name, args.src, args.cache);
    walk(root, (abs, rel) => {
      const file = rel.at(-1)!;
      if (COPIED_BUILD_AUX.test(file)) return;
      // A tarball's `.h` files stay unlabelled (languageOf without a C++ header package).
      let language = languageOf(file, null);
      // An extension-less script (a tool's `bin/` entry, a test driver) by its `#!` line, as for
      // installed packages; tarballs of shell tools hold most of their code this way.
      if (!language && !file.includes('.') && !NOT_CODE.test(file)) {
        const st = fs.statSync(abs, { throwIfNoEntry: false });
        if (st?.isFile() && st.size < MAX_BYTES) language = languageByShebang(abs);
      }
      if (language && languages.has(language)) out.push({ abs, language, project: name });
    });
  }
  return out;
}

/**
 * Packages of node_modules the recipe does not read: those installed after benchmark v14 was fixed
 * (java-parser, which the syntax rules use, and what it depends on). Reading them would change the
 * benchmark's JavaScript class, and every figure measured on v14 with it.
 */
const NOT_READ = new Set(['java-parser', 'chevrotain', 'chevrotain-allstar', 'lodash-es', '@chevrotain']);

/** This project's node_modules: each npm package is a project (`npm-<name>`, scope folded in). */
function fromNodeModules(languages: Set<string>): Candidate[] {
  const root = fs.realpathSync(path.resolve(import.meta.dirname, '../node_modules'));
  const out: Candidate[] = [];
  const visitPackage = (dir: string, project: string) => {
    const inner = (sub: string) => {
      for (const e of fs.readdirSync(sub, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
        const abs = path.join(sub, e.name);
        if (e.isDirectory()) {
          if (e.name === 'node_modules') visitModules(abs);
          else if (!folderVerdict(e.name)) inner(abs);
        } else if (e.isFile()) {
          const language = languageOf(e.name, null);
          if (language && languages.has(language)) out.push({ abs, language, project });
        }
      }
    };
    inner(dir);
  };
  const visitModules = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (!e.isDirectory() || e.name.startsWith('.') || (dir === root && NOT_READ.has(e.name))) continue;
      if (e.name.startsWith('@')) {
        for (const s of fs.readdirSync(path.join(dir, e.name), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
          if (s.isDirectory()) visitPackage(path.join(dir, e.name, s.name), safeProject(`npm-${e.name.slice(1)}-${s.name}`));
        }
      } else visitPackage(path.join(dir, e.name), safeProject(`npm-${e.name}`));
    }
  };
  visitModules(root);
  return out;
}

function safeProject(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9.+-]/g, '-');
}

interface Kept {
  abs: string;
  language: string;
  project: string;
  sha256: string;
  bytes: number;
}

/** Reads a candidate; null when it is not usable text (binary, not UTF-8, tiny, minified, generated, no code). */
function readCandidate(c: Candidate): { sha256: string; bytes: number } | null {
  const st = fs.statSync(c.abs, { throwIfNoEntry: false });
  if (!st?.isFile() || st.size > MAX_BYTES || st.size < MIN_CHARS) return null;
  const bytes = fs.readFileSync(c.abs);
  scanned.bytes += bytes.length;
  if (isBinaryFileSync(bytes, bytes.length)) return null;
  const decoded = decodeText(bytes);
  if ('skip' in decoded) return null;
  if (decoded.text.trim().length < MIN_CHARS || contentVerdict(decoded.text.replace(MACHINE_KEPT, ''))) return null;
  // A Qt Linguist translation (`.ts`, XML) is not TypeScript: Qt applications carry one per locale.
  if (languageByContent(c.language, decoded.text)) return null;
  if (c.language === 'HTML' && decoded.text.length < 1024) return null;
  if (c.language === 'TypeScript' && parsesAsJavaScript(decoded.text)) return null;
  if (!hasCode(c.language, decoded.text)) return null;
  return { sha256: sha256Hex(bytes), bytes: bytes.length };
}

/**
 * A class's sample: projects in a seeded order, each project's files shuffled, one file from each
 * project in turn (`few`: all of a project's, then the next one's) until the class has `target`
 * files, no project more than `perProject`. Then the largest are trimmed until none holds over 10 %
 * of the class (a third with --small), even where that leaves the class small: a class that a few
 * projects fill would otherwise measure those projects.
 */
function sampleClass(language: string, list: Candidate[], target: number, perProject: number, few: boolean, seed: number, seen: Set<string>): Kept[] {
  const byProject = new Map<string, Candidate[]>();
  for (const c of list) {
    const group = byProject.get(c.project);
    if (group) group.push(c);
    else byProject.set(c.project, [c]);
  }
  let projects = shuffle([...byProject.keys()].sort(), seededRandom(subSeed(seed, language)));
  // --small: the largest projects first, filled one after another, so that each class reads like
  // a handful of codebases (a tiny model learns it in seconds).
  if (few) projects = [...projects].sort((a, b) => byProject.get(b)!.length - byProject.get(a)!.length || projects.indexOf(a) - projects.indexOf(b));
  const queues = projects.map((p) => {
    const files = shuffle(byProject.get(p)!.sort((a, b) => (a.abs < b.abs ? -1 : 1)), seededRandom(subSeed(seed, `${language}\u0000${p}`)));
    // --small keeps its draw (its tests train on it): no class prefers any of its files there.
    const isFirst = files.map((c) => few || preferred(c));
    const first = files.filter((_, i) => isFirst[i]);
    return { project: p, files: [...first, ...files.filter((_, i) => !isFirst[i])], first: first.length, next: 0, kept: [] as Kept[] };
  });
  let total = 0;
  // Two classes take a first round of preferred files, up to half the class, before every file may
  // come (`preferred` below); the others sample as if all their files were preferred.
  const firstRound = queues.some((q) => q.first < q.files.length) ? Math.ceil(target / 2) : target;
  for (const [rest, upTo] of [[false, firstRound], [true, target]] as const) {
    for (let active = true; active && total < upTo; ) {
      active = false;
      for (const q of queues) {
        if (total >= upTo) break;
        const end = rest ? q.files.length : q.first;
        while (q.kept.length < perProject && q.next < end && total < upTo) {
          const c = q.files[q.next++];
          const read = readCandidate(c);
          if (!read || seen.has(read.sha256)) continue;
          seen.add(read.sha256);
          q.kept.push({ ...c, ...read });
          total++;
          active = true;
          if (!few) break;
        }
      }
    }
  }
  // The full variant: the largest projects are cut until none holds over 10 % of its class. --small
  // reads each class as a handful of codebases, so there a project may hold a third.
  const sizes = queues.map((q) => q.kept.length);
  const trimmed = trimToShare(sizes, few ? 1 / 3 : 0.1);
  queues.forEach((q, i) => (q.kept.length = trimmed[i]));
  return queues.flatMap((q) => q.kept);
}

/** A TypeScript declaration file: `.d.ts`, `.d.mts`, `.d.cts`. */
const DECLARATION = /\.d\.[cm]?ts$/i;
/** A line that imports or exports as an ES module does (`import x from '…'`, `export default …`). */
const ES_MODULE = /^(?:import\s[^\n]*\sfrom\s|import\s*['"]|export\s)/m;

/**
 * Files a class takes first, up to half of it: what code in that language is written as, where the
 * packages here ship mostly something else.
 * - TypeScript: sources, not declaration files. Packages ship declarations generated from their
 *   sources, often nothing else; sampled alike, declarations were three quarters of v8's class, and
 *   the model read sources without annotations in their head and tail as JavaScript.
 * - JavaScript: ES modules (`.mjs`, or `import`/`export` lines). Packages ship CommonJS builds; 15 %
 *   of v9's class (184 of 1,200) was module code against 96 % of TypeScript's; the model read JavaScript
 *   modules (nanoid, yaml, global-agent) as TypeScript by their `import` and `export` lines alone.
 */
function preferred(c: Candidate): boolean {
  if (c.language === 'TypeScript') return !DECLARATION.test(c.abs);
  if (c.language !== 'JavaScript') return true;
  if (/\.mjs$/i.test(c.abs)) return true;
  const st = fs.statSync(c.abs, { throwIfNoEntry: false });
  if (!st?.isFile() || st.size > MAX_BYTES) return false;
  return ES_MODULE.test(fs.readFileSync(c.abs, 'latin1'));
}

/** Project sizes cut until none is over `share` of their total (the total shrinks as they are cut). */
function trimToShare(sizes: number[], share: number): number[] {
  const out = [...sizes];
  for (;;) {
    const limit = Math.max(1, Math.floor(out.reduce((a, b) => a + b, 0) * share));
    if (out.every((n) => n <= limit)) return out;
    for (let i = 0; i < out.length; i++) out[i] = Math.min(out[i], limit);
  }
}

/** A stable, readable file name: content hash prefix plus the original name. */
function outName(sha256: string, abs: string): string {
  const base = path.basename(abs).replace(/[^\w.-]/g, '_').slice(-60);
  return `${sha256.slice(0, 12)}-${base}`;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const languages = new Set(args.small ? SMALL_LANGUAGES : Object.keys(CLASSES));
  const target = args.small ? 40 : (args.perClass ?? 1200);
  const perProject = args.small ? 10 : Math.ceil(target / 10);
  const seed = 42;
  const evalList = args.packages;
  const list = readPackageList(evalList ?? RECIPE_LIST);
  const tarballs = args.small ? list.source.filter((s) => SMALL_TARBALLS.has(s)) : list.source;
  const sources = evalList ? debSources(list.binary, args.debs, evalList) : sourcePackages(list.binary);
  if (evalList) disjointFromRecipe(evalList, [...sources.values(), ...tarballs]);
  const candidates = evalList
    ? [...fromPackages(list.binary, sources, languages, (pkg) => debFiles(pkg, args.debs, evalList, args.cache)), ...fromTarballs(tarballs, args, languages)]
    : [...fromPackages(list.binary, sources, languages, installedFiles), ...fromTarballs(tarballs, args, languages), ...fromNodeModules(languages)];

  scanned.files = candidates.length;
  const seen = new Set<string>();
  const kept: Kept[] = [];
  const classes = [];
  const minimum = args.small ? 30 : 50;
  const short: string[] = [];
  for (const language of Object.keys(CLASSES).filter((l) => languages.has(l))) {
    const sample = sampleClass(language, candidates.filter((c) => c.language === language), target, perProject, args.small, seed, seen);
    // An evaluation set holds the classes its packages have; the recipe needs every class.
    if (evalList && sample.length === 0) continue;
    const counts = new Map<string, number>();
    for (const k of sample) counts.set(k.project, (counts.get(k.project) ?? 0) + 1);
    const [largest, largestFiles] = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0] ?? ['', 0];
    if (sample.length < minimum && !evalList) short.push(`${language}: ${sample.length} files from ${counts.size} projects`);
    classes.push({
      folder: CLASSES[language],
      language,
      files: sample.length,
      bytes: sample.reduce((s, k) => s + k.bytes, 0),
      projects: counts.size,
      largestProject: { name: largest, files: largestFiles, share: Math.round((largestFiles / sample.length) * 1000) / 1000 },
      /** False where a few projects hold most of the language's files here (see sampleClass). */
      tenPercentRule: largestFiles <= sample.length / 10,
    });
    kept.push(...sample);
  }
  if (short.length > 0) {
    throw new Error(`bench-dataset: too few files were found (at least ${minimum} per class wanted) for ${short.join('; ')}. The sources are incomplete: check bench/debian-packages.txt and run scripts/install-bench-deps.sh.`);
  }
  const scanSeconds = (Date.now() - started) / 1000;

  fs.rmSync(args.out, { recursive: true, force: true });
  const files = kept.map((k) => ({ folder: CLASSES[k.language], project: k.project, name: outName(k.sha256, k.abs), from: k.abs, sha256: k.sha256 }));
  for (const f of files) {
    const dir = path.join(args.out, f.folder, f.project);
    fs.mkdirSync(dir, { recursive: true });
    fs.copyFileSync(f.from, path.join(dir, f.name));
  }
  const used = new Set(kept.map((k) => k.project));
  const debianSources = [...new Set([...sources.values(), ...tarballs])].filter((s) => used.has(s)).sort();
  const summary = {
    out: args.out,
    variant: evalList ? 'evaluation' : args.small ? 'small' : 'full',
    classes,
    files: files.length,
    projects: used.size,
    debianSourcePackages: debianSources.length,
    fingerprint: datasetFingerprint(files.map((f) => ({ sha256: f.sha256, label: f.folder, split: '' }))),
    seconds: (Date.now() - started) / 1000,
    /** Candidate files found by name (dpkg lists, tarballs, node_modules), bytes read, and the time to find and sample them. */
    scan: { files: scanned.files, bytes: scanned.bytes, seconds: scanSeconds },
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  const packages = { list: path.relative(path.resolve(import.meta.dirname, '..'), evalList ?? RECIPE_LIST), binary: list.binary, source: tarballs, debianSourcePackagesUsed: debianSources, npmPackagesUsed: [...used].filter((p) => p.startsWith('npm-')).sort() };
  fs.writeFileSync(path.join(args.out, 'MANIFEST.json'), JSON.stringify({ ...summary, packages, files }, null, 1));
  process.stdout.write(JSON.stringify({ ...summary, packages: { binary: list.binary.length, source: tarballs.length } }) + '\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
