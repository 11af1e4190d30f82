import * as ort from 'onnxruntime-node';

/** Execution providers the app lets a user choose; CPU is always there. */
export type ProviderName = 'cpu' | 'cuda' | 'dml' | 'coreml' | 'webgpu';

export interface ProviderInfo {
  name: ProviderName;
  /** onnxruntime-node reports the provider for this platform. */
  listed: boolean;
  /** Its binaries ship with the npm package (CUDA's are fetched separately by its install script). */
  bundled: boolean;
}

const KNOWN: readonly ProviderName[] = ['cpu', 'cuda', 'dml', 'coreml', 'webgpu'];

/** What onnxruntime-node offers on this machine (listSupportedBackends), in the app's names. */
export function listProviders(): ProviderInfo[] {
  const listed = new Map<string, boolean>();
  for (const b of ort.listSupportedBackends()) listed.set(b.name, b.bundled);
  return KNOWN.filter((n) => n === 'cpu' || listed.has(n)).map((name) => ({
    name,
    listed: name === 'cpu' || listed.has(name),
    bundled: name === 'cpu' ? true : (listed.get(name) ?? false),
  }));
}

/** Human name for messages. */
export function providerLabel(p: ProviderName): string {
  return { cpu: 'CPU', cuda: 'CUDA', dml: 'DirectML', coreml: 'CoreML', webgpu: 'WebGPU' }[p];
}

/**
 * onnxruntime's messages start with its source file and assertion ("/onnxruntime_src/...cc:136
 * ... was false. Failed to get a WebGPU adapter: No supported adapters"); the user needs the end.
 */
export function cleanReason(message: string): string {
  const first = message.trim().split('\n')[0] ?? '';
  const afterAssert = first.lastIndexOf(' was false. ');
  const text = afterAssert >= 0 ? first.slice(afterAssert + ' was false. '.length) : first.replace(/^\S+\.(cc|h|cpp):\d+\s+/, '');
  return text.trim() || 'unknown error';
}
