import fs from 'node:fs';
import * as ort from 'onnxruntime-node';
import { type ProviderName, cleanReason, listProviders, providerLabel } from './providers.ts';

export interface SessionConfig {
  /** Preferred execution provider; falls back to CPU with a message when it cannot be used. */
  provider?: ProviderName;
  /** Threads for one op (intra-op); default: onnxruntime's choice (all cores). */
  intraOpNumThreads?: number;
  /** Extra onnxruntime session options (advanced). */
  extra?: ort.InferenceSession.SessionOptions;
  /**
   * Outputs to leave in device memory when the provider can keep tensors there between runs
   * (WebGPU's gpu-buffer outputs, fed back as inputs). Ignored on every other provider.
   */
  deviceOutputs?: readonly string[];
}

/** Whether a provider can hand outputs back as device tensors that later runs take as inputs. */
export function keepsTensorsOnDevice(provider: ProviderName): boolean {
  return provider === 'webgpu';
}

export interface CreatedSession {
  session: ort.InferenceSession;
  /** The provider actually used. */
  provider: ProviderName;
  /** Why the requested provider was not used (null when it was). */
  fallbackReason: string | null;
}

/**
 * Models at least this large run without onnxruntime's CPU memory arena. Measured on the engine
 * benchmark: the arena makes the small from-scratch model ~30% faster (17.5 vs 13.6 samples/s), but
 * for a RoBERTa of CodeBERTa's size at sequence 512 it raises peak memory from 4.6 to 7.0 GB at the
 * same step time, because the arena keeps every size of activation buffer it ever allocated.
 */
export const ARENA_MAX_MODEL_BYTES = 64 * 1024 * 1024;

/**
 * onnxruntime's memory pattern is off for every session. With it, a run's activations are planned
 * into one block sized for the whole run and kept; without it, each is allocated when needed and
 * freed when done, so memory is reused within the run. Measured with the engine benchmark's worker
 * (2 threads, a shared machine at load 5-10, so rates are noisy but peaks are not): from-scratch
 * training with the arena 1,730 MB peak with the pattern and 1,082 MB without (PyTorch 1,369 MB) at
 * the same samples/s (3.3 and 3.8 side by side; 9.2 both on a quieter turn); RoBERTa freeze-2 at
 * sequence 256 2,116 MB and 1,968 MB (PyTorch 2,032 MB); the from-scratch forward pass 497-500 MB
 * and 401-413 MB at 30.7-35.5 and 34.9-41.6 files/s, alternating.
 */
const ENABLE_MEM_PATTERN = false;

function options(provider: ProviderName, config: SessionConfig, modelBytes: number): ort.InferenceSession.SessionOptions {
  return {
    graphOptimizationLevel: 'all',
    enableCpuMemArena: modelBytes < ARENA_MAX_MODEL_BYTES,
    enableMemPattern: ENABLE_MEM_PATTERN,
    ...(config.intraOpNumThreads ? { intraOpNumThreads: config.intraOpNumThreads, interOpNumThreads: 1 } : {}),
    ...config.extra,
    ...(keepsTensorsOnDevice(provider) && config.deviceOutputs?.length
      ? { preferredOutputLocation: Object.fromEntries(config.deviceOutputs.map((n) => [n, 'gpu-buffer' as const])) }
      : {}),
    executionProviders: provider === 'cpu' ? ['cpu'] : [provider, 'cpu'],
  };
}

/**
 * Creates an InferenceSession from model bytes, or from a model file (whose external data
 * onnxruntime then maps from disk), on the chosen provider. A provider that this
 * onnxruntime-node build does not offer, or that fails to start (missing CUDA libraries, no GPU),
 * falls back to CPU; the reason is returned so the UI can say it.
 */
export async function createSession(model: Uint8Array | string, config: SessionConfig = {}): Promise<CreatedSession> {
  if (typeof model === 'string') {
    // A model path (with external data beside it): sized by its files for the arena choice.
    const bytes = modelFileBytes(model);
    return createFrom(model, bytes, config);
  }
  return createFrom(model, model.byteLength, config);
}

function modelFileBytes(file: string): number {
  let bytes = fs.statSync(file).size;
  const data = `${file}.data`;
  if (fs.existsSync(data)) bytes += fs.statSync(data).size;
  return bytes;
}

async function createFrom(model: Uint8Array | string, modelBytes: number, config: SessionConfig): Promise<CreatedSession> {
  // Overloads of InferenceSession.create: a path or the bytes.
  const create = (o: ort.InferenceSession.SessionOptions) =>
    typeof model === 'string' ? ort.InferenceSession.create(model, o) : ort.InferenceSession.create(model, o);
  const wanted = config.provider ?? 'cpu';
  if (wanted !== 'cpu') {
    const available = listProviders().some((p) => p.name === wanted);
    if (!available) {
      const offered = listProviders().map((p) => providerLabel(p.name)).join(', ');
      const reason = `${providerLabel(wanted)} is not offered by onnxruntime-node on this machine (available: ${offered}); using CPU.`;
      return { session: await create(options('cpu', config, modelBytes)), provider: 'cpu', fallbackReason: reason };
    }
    try {
      return { session: await create(options(wanted, config, modelBytes)), provider: wanted, fallbackReason: null };
    } catch (err) {
      const msg = cleanReason(err instanceof Error ? err.message : String(err));
      const hint =
        wanted === 'cuda'
          ? ' Run `npm run setup:cuda` to install the CUDA libraries onnxruntime-node needs.'
          : wanted === 'webgpu'
            ? ' WebGPU needs a GPU with a Vulkan, Metal or Direct3D 12 driver; `langlab info` lists what this machine has.'
            : '';
      const reason = `${providerLabel(wanted)} could not start (${msg}); training on the CPU instead.${hint}`;
      return { session: await create(options('cpu', config, modelBytes)), provider: 'cpu', fallbackReason: reason };
    }
  }
  return { session: await create(options('cpu', config, modelBytes)), provider: 'cpu', fallbackReason: null };
}
