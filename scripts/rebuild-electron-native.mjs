// `npm run rebuild:electron-native`: builds better-sqlite3 against Electron's headers into
// native/electron/better_sqlite3.node, the file the desktop app passes as nativeBinding.
// node_modules/better-sqlite3/build (the Node build that tests and the CLI load) is never touched:
// the package is copied to a temporary folder and node-gyp runs there.
// Needs a C++ toolchain and access to Electron's header server (electronjs.org).
// Options: --check (only verify that a build for the installed Electron exists), --out-dir <dir>,
//          --dist-url <url> and --devdir <dir> (passed to node-gyp), --verbose (show node-gyp output).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const root = path.resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const { values } = parseArgs({
  options: {
    check: { type: 'boolean' },
    verbose: { type: 'boolean' },
    'out-dir': { type: 'string' },
    'dist-url': { type: 'string' },
    devdir: { type: 'string' },
  },
});
const outDir = path.resolve(values['out-dir'] ?? path.join(root, 'native', 'electron'));
const BINARY = 'better_sqlite3.node';
const INFO = 'build-info.json';

function fail(message) {
  console.error(`langlab: ${message}`);
  process.exit(1);
}

function packageVersion(name) {
  try {
    return JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')).version;
  } catch {
    return undefined;
  }
}

const electronVersion = packageVersion('electron');
const sqliteVersion = packageVersion('better-sqlite3');
if (!electronVersion) fail('the electron package is not installed (it is a devDependency): nothing to build for.');
if (!sqliteVersion) fail('better-sqlite3 is not installed: run `npm install` first.');
const wanted = { electron: electronVersion, betterSqlite3: sqliteVersion, platform: process.platform, arch: process.arch };

if (values.check) {
  let info;
  try {
    info = JSON.parse(readFileSync(path.join(outDir, INFO), 'utf8'));
  } catch {
    info = undefined;
  }
  const ok = info && existsSync(path.join(outDir, BINARY)) && Object.entries(wanted).every(([k, v]) => info[k] === v);
  if (!ok) {
    fail(
      `no better-sqlite3 build for Electron ${electronVersion} on ${process.platform}-${process.arch} in ${path.relative(root, outDir) || outDir}: ` +
        'run `npm run rebuild:electron-native` (needs network access and a C++ toolchain).',
    );
  }
  console.log(`langlab: ${path.join(path.relative(root, outDir), BINARY)} matches Electron ${electronVersion}.`);
  process.exit(0);
}

/** A failure already phrased for the user. */
class BuildError extends Error {}

let failure;
const work = mkdtempSync(path.join(os.tmpdir(), 'langlab-electron-native-'));
try {
  const source = path.dirname(require.resolve('better-sqlite3/package.json'));
  const copy = path.join(work, 'better-sqlite3');
  // Everything but the existing Node build, which must stay as it is.
  cpSync(source, copy, { recursive: true, filter: (file) => path.relative(source, file).split(path.sep)[0] !== 'build' });
  const nodeGyp = require.resolve('node-gyp/bin/node-gyp.js');
  const distUrl = values['dist-url'] ?? 'https://electronjs.org/headers';
  const args = [
    nodeGyp,
    'rebuild',
    '--release',
    `--target=${electronVersion}`,
    `--arch=${process.arch}`,
    `--dist-url=${distUrl}`,
    ...(values.devdir ? [`--devdir=${path.resolve(values.devdir)}`] : []),
  ];
  console.log(`langlab: building better-sqlite3 ${sqliteVersion} for Electron ${electronVersion} (${process.platform}-${process.arch})...`);
  const result = spawnSync(process.execPath, args, {
    cwd: copy,
    stdio: values.verbose ? 'inherit' : 'pipe',
    encoding: 'utf8',
    env: { ...process.env, npm_config_runtime: 'electron', npm_config_target: electronVersion, npm_config_disturl: undefined },
    timeout: 15 * 60_000,
  });
  const built = path.join(copy, 'build', 'Release', BINARY);
  if (result.status !== 0 || !existsSync(built)) {
    const output = `${result.stderr ?? ''}\n${result.stdout ?? ''}`;
    const firstError = output.match(/gyp ERR! stack (?:\w*Error: )?(.+)/)?.[1];
    const reason = result.error
      ? result.error.message
      : /network connectivity|fetch failed|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|ECONNRESET/.test(output)
        ? `cannot download Electron's headers from ${distUrl}: offline?`
        : /Could not find any (Python|Visual Studio)|not found: (make|g\+\+|c\+\+|cc)\b/i.test(output)
          ? 'no working Python and C++ toolchain for node-gyp'
          : (firstError ?? `node-gyp exited with ${result.status}`);
    throw new BuildError(
      `could not build better-sqlite3 for Electron ${electronVersion} (${reason.slice(0, 200)}); --verbose shows node-gyp's output. ` +
        'The Node build in node_modules is unchanged.',
    );
  }
  mkdirSync(outDir, { recursive: true });
  cpSync(built, path.join(outDir, BINARY));
  writeFileSync(path.join(outDir, INFO), JSON.stringify({ ...wanted, builtAt: new Date().toISOString() }, null, 2) + '\n');
  console.log(`langlab: wrote ${path.join(path.relative(root, outDir) || outDir, BINARY)}; \`npm start\` and \`npm run dist\` use it.`);
} catch (err) {
  failure = err instanceof BuildError ? err.message : `could not build better-sqlite3 for Electron: ${err instanceof Error ? err.message : String(err)}`;
} finally {
  rmSync(work, { recursive: true, force: true });
}
if (failure) fail(failure);
