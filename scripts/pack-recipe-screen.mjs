// `npm run bench:recipe:pack -- --data <benchmark folder>`: fills .recipe/ (git-ignored) for
// bench/recipe-screen.sh, which runs on a machine with PyTorch but no Node: the benchmark split and
// window bytes that bench/recipe-export.ts writes (about 12 MiB for /work/bench-v3).
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const argv = process.argv.slice(2);
const at = argv.indexOf('--data');
const data = at >= 0 ? argv[at + 1] : undefined;
if (!data) {
  console.error('langlab: usage: npm run bench:recipe:pack -- --data <benchmark folder> (npm run bench:dataset -- --out <folder> makes one).');
  process.exit(1);
}
const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'bench/recipe-export.ts'), '--data', data, '--out', path.join(root, '.recipe/recipe-data.bin.xz')],
  { stdio: 'inherit', cwd: root });
process.exit(r.status ?? 1);
