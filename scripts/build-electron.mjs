// Bundles the Electron side with esbuild: main/app/main.ts -> out/electron/main.mjs (ESM, every npm
// package left external so native modules load from node_modules), preload/preload.ts ->
// out/electron/preload.cjs (one CommonJS file: sandboxed preloads can require only 'electron'),
// the worker and engine entries of main/worker/entries.json (scan-worker.mjs, engine.mjs, predict.mjs, lr-find.mjs, probe.mjs, checkpoint.mjs), the store's migrations beside the bundle, where main/store/migrate.ts looks for them,
// and the command line (cli.mjs), which bin/langlab.mjs runs while it is up to date.
// A packaged app starts the worker bundles from app.asar.unpacked (main/worker/entries.ts), where only
// the unpacked packages (scripts/unpacked-packages.mjs) can be imported: each worker bundle carries
// its other dependencies inside itself.
// Usage: node scripts/build-electron.mjs [--out-dir <dir>]
import { build } from 'esbuild';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CLI_BUNDLE } from './cli-bundle.mjs';
import { unpackedPackages } from './unpacked-packages.mjs';

const root = path.resolve(import.meta.dirname, '..');
// Electron 39 ships Node 22 and Chromium 142.
const NODE_TARGET = 'node22';
const CHROME_TARGET = 'chrome140';

/** The worker table (name -> TypeScript source and bundle file), which the runtime reads too. */
export function workerTable() {
  return JSON.parse(readFileSync(path.join(root, 'main', 'worker', 'entries.json'), 'utf8'));
}

/** Writes the bundle into outDir (default out/electron); tests build into a temporary folder. */
export async function buildElectron(outDir = path.join(root, 'out', 'electron')) {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const common = { absWorkingDir: root, bundle: true, sourcemap: 'linked', logLevel: 'warning', legalComments: 'none' };
  await build({
    ...common,
    entryPoints: [path.join(root, 'main', 'app', 'main.ts')],
    outfile: path.join(outDir, 'main.mjs'),
    platform: 'node',
    format: 'esm',
    target: NODE_TARGET,
    packages: 'external',
    external: ['electron'],
  });
  await build({
    ...common,
    entryPoints: [path.join(root, 'preload', 'preload.ts')],
    outfile: path.join(outDir, 'preload.cjs'),
    platform: 'node',
    format: 'cjs',
    target: [NODE_TARGET, CHROME_TARGET],
    external: ['electron'],
  });
  // Worker and engine entries: each started by path at run time (a worker thread or a
  // utilityProcess), so each is its own bundle beside main.mjs, named by the worker table that
  // main/worker/entries.ts resolves them by. Only the unpacked packages (and electron) stay imports.
  const external = ['electron', ...(await unpackedPackages(root))];
  // Bundled CommonJS code (isbinaryfile) calls require(); an ES module has none unless it makes one.
  const banner = { js: "import { createRequire as langlabCreateRequire } from 'node:module';\nconst require = langlabCreateRequire(import.meta.url);" };
  const workers = Object.fromEntries(Object.values(workerTable()).map(({ source, bundle }) => [bundle, path.join(root, source)]));
  for (const [file, entry] of Object.entries(workers)) {
    await build({ ...common, entryPoints: [entry], outfile: path.join(outDir, file), platform: 'node', format: 'esm', target: NODE_TARGET, external, banner });
  }
  const migrations = path.join(root, 'main', 'store', 'migrations');
  mkdirSync(path.join(outDir, 'migrations'));
  for (const file of readdirSync(migrations).filter((f) => f.endsWith('.sql'))) {
    cpSync(path.join(migrations, file), path.join(outDir, 'migrations', file));
  }
  // The command line (bin/langlab.mjs runs it while it is newer than the sources, scripts/cli-bundle.mjs):
  // beside the worker bundles, so its workers start from them too. Written last, so that a build
  // cut short leaves no bundle that looks complete. It is not packaged (electron-builder.yml).
  await build({
    ...common,
    entryPoints: [path.join(root, 'main', 'cli', 'index.ts')],
    outfile: path.join(outDir, CLI_BUNDLE),
    platform: 'node',
    format: 'esm',
    target: NODE_TARGET,
    packages: 'external',
  });
  return outDir;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { 'out-dir': { type: 'string' } } });
  buildElectron(values['out-dir'] ? path.resolve(values['out-dir']) : undefined).then(
    (dir) => console.log(`langlab: Electron bundle written to ${path.relative(process.cwd(), dir) || dir}`),
    (err) => {
      console.error(`langlab: building the Electron bundle failed: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
