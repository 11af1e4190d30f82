// Which code `langlab` runs: the bundle `npm run build:electron` writes (out/electron/cli.mjs), while
// it is newer than everything it was built from, or else the TypeScript sources through tsx. The
// bundle starts in about a third of the time of the sources (tsx compiles every module on the way
// in) and its worker threads start from their own bundles beside it. A source edited after the
// build makes the bundle stale, so the sources run: an old bundle never runs newer code's commands.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

export const CLI_BUNDLE = 'cli.mjs';

/** What the bundles are built from: the sources, the build script, and the installed packages. */
const INPUTS = ['main', 'preload', 'scripts/build-electron.mjs', 'scripts/unpacked-packages.mjs', 'package.json', 'node_modules/.package-lock.json'];

/** The newest modification time under `p` (a file or a folder), 0 when it does not exist. */
function newest(p) {
  let st;
  try {
    st = statSync(p);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  let m = st.mtimeMs; // a deleted file changes its folder's time
  for (const name of readdirSync(p)) m = Math.max(m, newest(path.join(p, name)));
  return m;
}

/**
 * The command-line bundle to run for the project at `root`, or null when the sources should run:
 * no bundle, a bundle older than any input, or LANGLAB_FROM_SOURCE=1 in the environment.
 */
export function freshCliBundle(root, env = process.env) {
  if (env.LANGLAB_FROM_SOURCE === '1') return null;
  const bundle = path.join(root, 'out', 'electron', CLI_BUNDLE);
  let built;
  try {
    built = statSync(bundle).mtimeMs;
  } catch {
    return null;
  }
  for (const input of INPUTS) if (newest(path.join(root, input)) > built) return null;
  return bundle;
}
