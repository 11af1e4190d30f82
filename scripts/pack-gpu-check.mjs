// `npm run bench:gpu:pack`: prepares .gpu/ (git-ignored) for bench/gpu-check.sh, which runs on a
// machine that has a GPU but no Node and no network: this Node binary, onnxruntime-node's Linux x64
// runtime, the engine check bundled into one file, and the Vulkan loader Dawn (WebGPU) opens.
// Everything is compressed so the folder stays well under 64 MiB. Linux x64 only.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

const root = path.resolve(import.meta.dirname, '..');
const dir = path.join(root, '.gpu');
const stage = path.join(dir, 'stage');
if (process.platform !== 'linux' || process.arch !== 'x64') {
  console.error('langlab: the GPU check package is made for Linux x64 machines.');
  process.exit(1);
}
rmSync(stage, { recursive: true, force: true });
mkdirSync(stage, { recursive: true });

// 1. The engine check as one ES module; onnxruntime-node stays a package beside it.
await build({
  entryPoints: [path.join(root, 'bench/gpu-check.ts')], bundle: true, platform: 'node', format: 'esm', target: 'node20',
  external: ['onnxruntime-node'], outfile: path.join(stage, 'gpu-check.mjs'), logLevel: 'warning',
});

// 2. onnxruntime-node's JavaScript and its Linux x64 binaries (no other platform's).
for (const pkg of ['onnxruntime-node', 'onnxruntime-common']) {
  const from = path.join(root, 'node_modules', pkg);
  cpSync(from, path.join(stage, 'node_modules', pkg), {
    recursive: true,
    filter: (src) => !/[\\/]bin[\\/]napi-v\d+[\\/](darwin|win32|linux[\\/]arm64)/.test(src) && !src.endsWith('.map'),
  });
}
execFileSync('tar', ['-C', stage, '-cJf', path.join(dir, 'runtime.tar.xz'), 'gpu-check.mjs', 'node_modules'], { env: { ...process.env, XZ_OPT: '-T2 -6' } });

// 3. This Node binary (the GPU machine has none).
if (!existsSync(path.join(dir, 'node.xz')) || statSync(path.join(dir, 'node.xz')).mtimeMs < statSync(process.execPath).mtimeMs) {
  execFileSync('sh', ['-c', `xz -T2 -6 -c "${process.execPath}" > "${path.join(dir, 'node.xz')}"`]);
}

// 4. The Vulkan loader and GL dispatch libraries, from this machine's apt configuration.
if (!readdirSync(dir).some((f) => f.startsWith('libvulkan1_'))) {
  const lists = path.join(dir, 'apt-lists');
  mkdirSync(path.join(lists, 'partial'), { recursive: true });
  const o = ['-oAPT::Architecture=amd64', '-oAPT::Architectures=amd64', `-oDir::State::Lists=${lists}`];
  execFileSync('apt-get', [...o, 'update'], { stdio: 'ignore' });
  execFileSync('apt-get', [...o, 'download', 'libvulkan1', 'libglvnd0', 'libegl1', 'libglx0', 'libgl1', 'libx11-6', 'libxcb1', 'libxau6', 'libxdmcp6', 'libbsd0', 'libmd0'], { cwd: dir, stdio: 'ignore' });
  rmSync(lists, { recursive: true, force: true });
}
rmSync(stage, { recursive: true, force: true });
const total = readdirSync(dir).reduce((n, f) => n + statSync(path.join(dir, f)).size, 0);
console.log(`.gpu/ is ready: ${(total / 2 ** 20).toFixed(1)} MiB (${readdirSync(dir).join(', ')})`);
