// `npm run setup:cuda`: downloads onnxruntime-node's CUDA execution provider libraries, which are
// too large for the npm registry and so are not part of a normal install (package.json's
// allowScripts keeps onnxruntime-node's install script from running by itself). Linux x64 only;
// this runs that same install script, asking it for the CUDA 12 files from NuGet.
// Options: --dry-run (print what would run).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const FLAVOUR = 'cuda12';
const LIBRARIES = ['libonnxruntime_providers_cuda.so', 'libonnxruntime_providers_shared.so'];

function fail(message) {
  console.error(`langlab: ${message}`);
  process.exit(1);
}

if (process.platform !== 'linux' || process.arch !== 'x64') {
  const native =
    process.platform === 'win32' ? ' On Windows, onnxruntime-node ships DirectML for GPUs.' : process.platform === 'darwin' ? ' On macOS, it ships Core ML.' : '';
  fail(`the CUDA libraries for onnxruntime-node exist for Linux x64 only, not ${process.platform}-${process.arch}.${native}`);
}

let packageDir;
try {
  packageDir = path.dirname(require.resolve('onnxruntime-node/package.json'));
} catch {
  fail('onnxruntime-node is not installed: run `npm install` first.');
}
const script = path.join(packageDir, 'script', 'install.js');
const binDir = path.join(packageDir, 'bin', 'napi-v6', 'linux', 'x64');
const args = [script, `--onnxruntime-node-install=${FLAVOUR}`];

if (process.argv.includes('--dry-run')) {
  console.log(`langlab: would run: ${path.basename(process.execPath)} ${args.join(' ')} (in ${packageDir}), then look for ${LIBRARIES.join(', ')} in ${binDir}`);
  process.exit(0);
}

console.log(`langlab: downloading onnxruntime-node's CUDA 12 provider libraries (a few hundred MB from api.nuget.org)...`);
const result = spawnSync(process.execPath, args, {
  cwd: packageDir,
  stdio: 'inherit',
  env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: FLAVOUR },
  timeout: 30 * 60_000,
});
const missing = LIBRARIES.filter((lib) => !existsSync(path.join(binDir, lib)));
if (result.status !== 0 || missing.length > 0) {
  fail(
    `the CUDA download did not complete (${result.error?.message ?? (missing.length ? `missing ${missing.join(', ')}` : `exit ${result.status}`)}). ` +
      'It needs access to api.nuget.org; run `npm run setup:cuda` again when online. The CPU provider keeps working.',
  );
}
console.log(
  'langlab: CUDA provider installed. It also needs the NVIDIA driver, CUDA 12 and cuDNN 9 on this machine; restart Langlab and check Settings.',
);
