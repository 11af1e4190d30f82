// The provider probe: a session started on each provider alone tells whether it really runs here,
// and its failure reads as one line a user understands.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseVulkanSummary } from '../../../main/engine/runtime/gpu-names.ts';
import { probeProvider } from '../../../main/engine/runtime/provider-probe.ts';
import { cleanReason } from '../../../main/engine/runtime/providers.ts';

test("onnxruntime's source path and assertion are cut from a failure, its message kept", () => {
  const webgpu = '/onnxruntime_src/onnxruntime/core/providers/webgpu/webgpu_context.cc:136 onnxruntime::webgpu::WebGpuContext::Initialize(...)::<lambda()> ' +
    'adapter_result.status == wgpu::RequestAdapterStatus::Success was false. Failed to get a WebGPU adapter: No supported adapters\n';
  assert.equal(cleanReason(webgpu), 'Failed to get a WebGPU adapter: No supported adapters');
  assert.equal(cleanReason('OrtSessionOptionsAppendExecutionProvider_Cuda: Failed to load shared library'), 'OrtSessionOptionsAppendExecutionProvider_Cuda: Failed to load shared library');
  assert.equal(cleanReason('/src/x.cc:12 something broke\nstack'), 'something broke');
  assert.equal(cleanReason(''), 'unknown error');
});

test("vulkaninfo's summary gives the real GPUs, not lavapipe's CPU device", () => {
  const summary = [
    'Devices:', '========',
    'GPU0:', '\tapiVersion         = 1.3.277', '\tdeviceType         = PHYSICAL_DEVICE_TYPE_DISCRETE_GPU', '\tdeviceName         = NVIDIA H200',
    'GPU1:', '\tapiVersion         = 1.3.255', '\tdeviceType         = PHYSICAL_DEVICE_TYPE_CPU', '\tdeviceName         = llvmpipe (LLVM 15.0.6, 256 bits)',
  ].join('\n');
  assert.deepEqual(parseVulkanSummary(summary), ['NVIDIA H200']);
  assert.deepEqual(parseVulkanSummary(''), []);
});

test('the CPU is always usable and named by its model', async () => {
  const cpu = await probeProvider('cpu');
  assert.equal(cpu.usable, true);
  assert.match(cpu.device ?? '', /threads\)$/);
});

test('WebGPU and CUDA either run a session or say why not in one line, without throwing', async () => {
  for (const name of ['webgpu', 'cuda'] as const) {
    const probe = await probeProvider(name);
    if (probe.usable) {
      assert.equal(probe.reason, null);
      continue;
    }
    // The development and CI machines have no GPU: WebGPU finds no adapter, CUDA no libraries.
    assert.match(probe.reason ?? '', name === 'webgpu' ? /^No usable GPU adapter \(.+\)\.$/ : /^(Its libraries are not installed|CUDA did not start)/);
    assert.doesNotMatch(probe.reason ?? '', /onnxruntime_src|\n/);
    if (name === 'cuda' && !probe.installed) assert.match(probe.reason ?? '', /npm run setup:cuda/);
  }
});
