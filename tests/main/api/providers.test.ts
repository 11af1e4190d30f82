// The provider list: each provider onnxruntime-node offers, checked by starting a session on it in a
// worker, with the device behind it; checked once per process, and never an error.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkExecutionProviders, listExecutionProviders } from '../../../main/api/providers.ts';
import type { ProviderProbe } from '../../../main/engine/runtime/provider-probe.ts';

const probe = (over: Partial<ProviderProbe> & Pick<ProviderProbe, 'name'>): ProviderProbe =>
  ({ usable: false, installed: true, device: null, reason: null, deviceNote: null, ...over });

test('a provider found but unable to start says why, one whose libraries are missing says how to install them', async () => {
  const list = await checkExecutionProviders(async (names) => names.map((name) =>
    name === 'cpu' ? probe({ name, usable: true, device: 'Test CPU (2 threads)' })
      : name === 'webgpu' ? probe({ name, device: null, reason: 'No usable GPU adapter (No supported adapters).' })
        : probe({ name, installed: false, device: 'NVIDIA H200', reason: 'Its libraries are not installed: run `npm run setup:cuda`.' })));
  const by = new Map(list.map((p) => [p.name, p]));
  assert.deepEqual([by.get('cpu')?.status, by.get('cpu')?.available, by.get('cpu')?.device], ['ready', true, 'Test CPU (2 threads)']);
  const webgpu = by.get('webgpu');
  assert.equal(webgpu?.status, 'unusable');
  assert.equal(webgpu?.available, false);
  assert.match(webgpu?.detail ?? '', /^No usable GPU adapter \(No supported adapters\)\. A run that asks for it falls back to the CPU\.$/);
  assert.ok(!by.has('tensorrt'), 'only the providers a run can ask for are listed');
  if (by.has('cuda')) {
    assert.equal(by.get('cuda')?.status, 'not-installed');
    assert.equal(by.get('cuda')?.device, 'NVIDIA H200');
    assert.match(by.get('cuda')?.detail ?? '', /npm run setup:cuda/);
  }
});

test('a GPU that works is ready with its name, and a failed check leaves the CPU usable', async () => {
  const ready = await checkExecutionProviders(async (names) => names.map((name) =>
    probe({ name, usable: true, device: name === 'cpu' ? 'cpu' : 'NVIDIA H200', deviceNote: name === 'webgpu' ? 'from nvidia-smi' : null })));
  const webgpu = ready.find((p) => p.name === 'webgpu');
  assert.deepEqual([webgpu?.status, webgpu?.device], ['ready', 'NVIDIA H200']);
  assert.match(webgpu?.detail ?? '', /Device named by the system: from nvidia-smi/);
  const broken = await checkExecutionProviders(async () => {
    throw new Error('the check stopped (exit code 1)');
  });
  assert.equal(broken.find((p) => p.name === 'cpu')?.available, true);
  assert.match(broken.find((p) => p.name === 'webgpu')?.detail ?? '', /Could not be checked \(the check stopped \(exit code 1\)\)/);
});

test('the real check runs in a worker once per process; on a machine without a GPU WebGPU is found but unusable', async () => {
  const first = listExecutionProviders();
  assert.equal(listExecutionProviders(), first, 'a second call shares the first check');
  const list = await first;
  assert.equal(list.find((p) => p.name === 'cpu')?.status, 'ready');
  const webgpu = list.find((p) => p.name === 'webgpu');
  assert.ok(webgpu, 'onnxruntime-node 1.30 ships WebGPU on this platform');
  if (webgpu.status !== 'ready') {
    assert.equal(webgpu.status, 'unusable');
    assert.match(webgpu.detail, /adapter/);
  }
  const t0 = performance.now();
  await listExecutionProviders();
  assert.ok(performance.now() - t0 < 50, 'answered from the cache');
});
