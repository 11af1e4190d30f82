import { createRequire } from 'node:module';
import type { ProviderInfo } from '../../preload/contract.ts';

const require = createRequire(import.meta.url);

const LABELS: Record<string, string> = {
  cpu: 'CPU',
  cuda: 'NVIDIA CUDA',
  tensorrt: 'NVIDIA TensorRT',
  dml: 'DirectML (Windows)',
  coreml: 'Core ML (macOS)',
  webgpu: 'WebGPU',
};

/** The version of onnxruntime-node this build runs. */
export function onnxruntimeVersion(): string {
  return (require('onnxruntime-node/package.json') as { version: string }).version;
}

/**
 * The execution providers onnxruntime-node offers on this machine. "bundled: false" means the
 * provider's libraries are not shipped with the package (CUDA needs `npm run setup:cuda`).
 */
export async function listExecutionProviders(): Promise<ProviderInfo[]> {
  const ort = (await import('onnxruntime-node')) as typeof import('onnxruntime-node');
  const backends = ort.listSupportedBackends() as { name: string; bundled: boolean }[];
  return backends.map(({ name, bundled }) => ({
    name,
    label: LABELS[name] ?? name,
    available: bundled,
    detail: bundled
      ? name === 'cpu'
        ? 'Always available.'
        : 'Shipped with onnxruntime-node on this platform; used when the device and drivers are present.'
      : name === 'cuda' || name === 'tensorrt'
        ? 'Needs the CUDA libraries: run `npm run setup:cuda` (Linux x64, online) and restart.'
        : 'Not shipped for this platform.',
  }));
}
