/** AdamW hyperparameters shared by the in-graph update and the plain-TS one (PyTorch's defaults). */
export interface AdamWConfig {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
}

export const DEFAULT_ADAMW: AdamWConfig = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01 };

/**
 * PyTorch's AdamW step on one tensor, in place: decoupled decay p *= 1 - lr*wd (when `decay`), then
 * p -= lr/bc1 * m / (sqrt(v)/sqrt(bc2) + eps). Used for tensors too large to update efficiently as
 * ONNX element-wise ops (the 52000x768 embedding); `gradScale` folds in clipping and accumulation.
 * `step` is the 1-based optimizer step.
 */
export function adamwUpdateInPlace(
  param: Float32Array | Float64Array,
  grad: Float32Array | Float64Array,
  m: Float32Array | Float64Array,
  v: Float32Array | Float64Array,
  opts: { lr: number; step: number; decay: boolean; gradScale?: number; config: AdamWConfig },
): void {
  if (param instanceof Float32Array) {
    adamwFloat32(param, grad, m, v, opts);
    return;
  }
  const { beta1, beta2, eps, weightDecay } = opts.config;
  const scale = opts.gradScale ?? 1;
  const decayFactor = opts.decay ? 1 - opts.lr * weightDecay : 1;
  const stepSize = opts.lr / (1 - beta1 ** opts.step);
  const sqrtBc2 = Math.sqrt(1 - beta2 ** opts.step);
  const b1c = 1 - beta1;
  const b2c = 1 - beta2;
  for (let i = 0; i < param.length; i++) {
    const gi = grad[i] * scale;
    const mi = beta1 * m[i] + b1c * gi;
    const vi = beta2 * v[i] + b2c * gi * gi;
    m[i] = mi;
    v[i] = vi;
    param[i] = param[i] * decayFactor - (stepSize * mi) / (Math.sqrt(vi) / sqrtBc2 + eps);
  }
}

const f = Math.fround;

/**
 * The float32 update, rounded after every operation in the order the in-graph update computes it
 * (optim/train-step.ts), so a tensor updated here ends bit-for-bit where the graph would put it: a
 * WebGPU run, which updates everything in the graph, then matches a CPU run step for step.
 */
function adamwFloat32(
  param: Float32Array,
  grad: Float32Array | Float64Array,
  m: Float32Array | Float64Array,
  v: Float32Array | Float64Array,
  opts: { lr: number; step: number; decay: boolean; gradScale?: number; config: AdamWConfig },
): void {
  const { beta1, beta2, eps, weightDecay } = opts.config;
  const scale = f(opts.gradScale ?? 1);
  const lr = f(opts.lr);
  const b1 = f(beta1);
  const b2 = f(beta2);
  const b1c = f(1 - beta1);
  const b2c = f(1 - beta2);
  const e = f(eps);
  const t = f(opts.step);
  const stepSize = f(lr / f(1 - f(Math.pow(b1, t))));
  const sqrtBc2 = f(Math.sqrt(f(1 - f(Math.pow(b2, t)))));
  const decayFactor = opts.decay && weightDecay !== 0 ? f(1 - f(lr * f(weightDecay))) : 1;
  for (let i = 0; i < param.length; i++) {
    const gi = f(grad[i] * scale);
    const mi = f(f(m[i] * b1) + f(gi * b1c));
    const vi = f(f(v[i] * b2) + f(f(gi * gi) * b2c));
    m[i] = mi;
    v[i] = vi;
    const denom = f(f(f(Math.sqrt(vi)) / sqrtBc2) + e);
    param[i] = f(f(param[i] * decayFactor) - f(stepSize * f(mi / denom)));
  }
}
