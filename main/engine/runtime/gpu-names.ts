// The names of this machine's GPUs, for the provider list. onnxruntime-node reports no device
// information at all (its env.webgpu stays empty in Node), so the names come from the system's own
// tools, each with a short timeout; a missing tool or driver is no error, just no name.
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';

const TOOL_TIMEOUT_MS = 3000;

/** GPU names that fit a provider, and where they come from when that is not the provider itself. */
export interface GpuNames {
  names: string[];
  note: string | null;
}

function run(file: string, args: string[]): Promise<string | null> {
  return new Promise((resolve) => {
    try {
      execFile(file, args, { timeout: TOOL_TIMEOUT_MS, windowsHide: true }, (err, stdout) => resolve(err ? null : stdout));
    } catch {
      resolve(null);
    }
  });
}

/** NVIDIA GPUs: nvidia-smi when installed, else the kernel driver's files. */
async function nvidiaNames(): Promise<string[]> {
  const out = await run('nvidia-smi', ['--query-gpu=name', '--format=csv,noheader']);
  const fromSmi = (out ?? '').split('\n').map((l) => l.trim()).filter(Boolean);
  if (fromSmi.length) return fromSmi;
  const dir = '/proc/driver/nvidia/gpus';
  try {
    const names: string[] = [];
    for (const bus of (await fs.readdir(dir)).sort()) {
      const info = await fs.readFile(path.join(dir, bus, 'information'), 'utf8');
      const model = /^Model:\s*(.+)$/m.exec(info)?.[1]?.trim();
      if (model) names.push(model);
    }
    return names;
  } catch {
    return [];
  }
}

/** Vulkan's physical devices that are real GPUs (not lavapipe's CPU device), from `vulkaninfo --summary`. */
export function parseVulkanSummary(text: string): string[] {
  const names: string[] = [];
  for (const block of text.split(/^GPU\d+:/m).slice(1)) {
    const name = /deviceName\s*=\s*(.+)/.exec(block)?.[1]?.trim();
    const type = /deviceType\s*=\s*(\S+)/.exec(block)?.[1] ?? '';
    if (name && !/CPU/.test(type)) names.push(name);
  }
  return names;
}

/** The GPUs a provider would run on, by name; empty when none is found (or the provider has none to name). */
export async function gpuNames(provider: string): Promise<GpuNames> {
  if (provider === 'cuda' || provider === 'tensorrt') return { names: await nvidiaNames(), note: null };
  if (provider !== 'webgpu') return { names: [], note: null };
  const note = "onnxruntime-node does not report the adapter WebGPU picks; this is the machine's GPU";
  const nvidia = await nvidiaNames();
  if (nvidia.length) return { names: nvidia, note: `${note} (nvidia-smi)` };
  const vulkan = parseVulkanSummary((await run('vulkaninfo', ['--summary'])) ?? '');
  return { names: vulkan, note: `${note} (vulkaninfo)` };
}
