// `npm run bench:engine`: Langlab's engine against the PyTorch reference, one JSON line per
// configuration, both measured in this run with the same thread count, each configuration in its
// own process so peak RSS is per configuration. Installs nothing; without Debian's python3-torch
// the reference columns are null and `reference_note` says why.
// Each configuration alternates Langlab and reference runs (--repeats, default 3) and reports the
// medians and the spread ((max - min) / median of each side), so a busy machine shows as spread.
// The reference runs with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE removed from its environment: some
// machines set them, and they hold OpenBLAS to older kernels than the CPU has (never changed for
// tests or the product). `reference_blas` says which kernel it used. It also runs with tcmalloc where
// the machine has it (`reference_allocator`; see TCMALLOC below).
// A `cached` configuration (training from the frozen-prefix cache, an epoch after the first) also
// runs the same model without the cache, alternating with the other two sides, and reports
// `langlab_uncached_samples_per_s` and `cached_speedup` (median cached over median uncached).
// Options: --threads N (default: all cores), --only <id substring>, --repeats N, --diagnostics (also
// the configurations marked `diagnostic`, which the product never runs: the memory arena forced off).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CODEBERTA_SHAPE, CONFIGS, type BenchConfig, SCRATCH_SHAPE } from './configs.ts';

const root = path.resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const threads = Number(opt('--threads') ?? os.availableParallelism());
const only = opt('--only');
const repeats = Math.max(1, Number(opt('--repeats') ?? 3));
const diagnostics = args.includes('--diagnostics');
/**
 * The allocator PyTorch's reference runs with. With glibc's malloc every large tensor is handed back
 * to the system when freed and faulted in again on the next step; on these virtual machines a page
 * fault costs tens of microseconds, which made the RoBERTa forward 7-10x slower than its arithmetic
 * (measured: 0.22-0.28 samples/s with glibc, 2.3 with tcmalloc, same peak RSS within 7 %). The
 * engine keeps its tensors in ONNX Runtime's arena, so the reference gets tcmalloc (Debian's
 * libtcmalloc-minimal4, loaded with LD_PRELOAD, as PyTorch's CPU tuning guides advise) when the
 * machine has it; `reference_allocator` says which it used.
 */
const TCMALLOC = ['/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4', '/usr/lib/aarch64-linux-gnu/libtcmalloc_minimal.so.4'].find((f) => existsSync(f));
const referenceAllocator = TCMALLOC ? 'tcmalloc' : 'glibc (install libtcmalloc-minimal4 for a fair reference)';
const referenceEnv = {
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'OPENBLAS_CORETYPE' && k !== 'OPENBLAS_L2_SIZE')),
  ...(TCMALLOC ? { LD_PRELOAD: [TCMALLOC, process.env.LD_PRELOAD].filter(Boolean).join(' ') } : {}),
};
const PYTHON = '/usr/bin/python3';

type Row = Record<string, unknown>;

type Result = { ok: true; value: Row } | { ok: false; error: string };

function runJson(cmd: string, argv: string[], env?: NodeJS.ProcessEnv): Result {
  const r = spawnSync(cmd, argv, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 24, ...(env ? { env } : {}) });
  const line = r.stdout?.trim().split('\n').pop() ?? '';
  try {
    if (r.status !== 0) throw new Error(r.stderr?.trim().split('\n').slice(-3).join(' ') || `exit ${r.status}`);
    return { ok: true, value: JSON.parse(line) as Row };
  } catch (e) {
    return { ok: false, error: (e as Error).message.slice(0, 300) };
  }
}

function referenceAvailable(): string | null {
  const r = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  if (r.error) return `${PYTHON} not found`;
  if (r.status !== 0) return `${PYTHON} has no torch (install Debian's python3-torch to get the reference columns)`;
  return null;
}

const noRef = referenceAvailable();
let gemmRate: number | null = null;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * Combines repeated runs of one side into one row: the median of each numeric field (peak memory:
 * the largest), the first run's other fields, and the spread of the key rate.
 */
function combine(results: Result[], rateKey: string): { row: Row | null; spread: number | null; error: string | null } {
  const rows = results.filter((r): r is { ok: true; value: Row } => r.ok).map((r) => r.value);
  if (rows.length === 0) return { row: null, spread: null, error: (results[0] as { error: string }).error };
  const out: Row = { ...rows[0] };
  for (const [k, v] of Object.entries(rows[0])) {
    if (typeof v !== 'number') continue;
    const xs = rows.map((r) => Number(r[k]));
    out[k] = k.includes('peak') ? Math.max(...xs) : +median(xs).toFixed(3);
  }
  const rates = rows.map((r) => Number(r[rateKey]));
  const spread = rates.length > 1 ? +((Math.max(...rates) - Math.min(...rates)) / median(rates)).toFixed(3) : null;
  return { row: out, spread, error: null };
}

for (const c of CONFIGS as BenchConfig[]) {
  if (only && !c.id.includes(only)) continue;
  if (c.diagnostic && !diagnostics && !only) continue;
  const refCfg = JSON.stringify({ ...c, shapes: { scratch: SCRATCH_SHAPE, codeberta: CODEBERTA_SHAPE } });
  const mineRuns: Result[] = [];
  const refRuns: Result[] = [];
  const uncachedRuns: Result[] = [];
  const worker = (...extra: string[]) => runJson(process.execPath, ['--expose-gc', '--import', 'tsx', path.join('bench', 'engine-worker.ts'), c.id, String(threads), ...extra]);
  for (let k = 0; k < repeats; k++) {
    mineRuns.push(worker());
    if (c.cached) uncachedRuns.push(worker('--uncached'));
    refRuns.push(noRef ? { ok: false, error: noRef } : runJson(PYTHON, [path.join('bench', 'reference_train.py'), refCfg, String(threads)], referenceEnv));
  }
  const rateKey = c.kind === 'gemm' ? 'gemm_gflops' : 'samples_per_s';
  const mine = combine(mineRuns, rateKey);
  const ref = combine(refRuns, rateKey);
  const L = mine.row;
  const R = ref.row;
  const row: Row = { config: c.id, kind: c.kind, threads, repeats, spread: { langlab: mine.spread, reference: ref.spread }, reference_blas: R?.blas ?? null, reference_allocator: noRef ? null : referenceAllocator };
  if (c.kind === 'gemm') {
    gemmRate = L ? Number(L.gemm_gflops) : null;
    Object.assign(row, {
      langlab_gemm_gflops: L?.gemm_gflops ?? null, reference_gemm_gflops: R?.gemm_gflops ?? null,
      langlab_samples_per_s: null, reference_samples_per_s: null, ratio: null,
      langlab_peak_rss_mb: L?.peak_rss_mb ?? null, reference_peak_rss_mb: R?.peak_rss_mb ?? null,
    });
  } else {
    const ls = L ? Number(L.samples_per_s) : null;
    const rs = R ? Number(R.samples_per_s) : null;
    const mmS = L && gemmRate ? Number(L.matmul_gflop_per_step) / gemmRate : null;
    Object.assign(row, {
      langlab_samples_per_s: ls, reference_samples_per_s: rs,
      ratio: ls !== null && rs ? +(ls / rs).toFixed(2) : null,
      langlab_peak_rss_mb: L?.peak_rss_mb ?? null, reference_peak_rss_mb: R?.peak_rss_mb ?? null,
      langlab_step_s: L?.step_s ?? null, reference_step_s: R?.step_s ?? null,
      matmul_gflop_per_step: L?.matmul_gflop_per_step ?? null,
      // How far the step is from what its matrix multiplications alone would take at the measured rate.
      step_over_matmul_time: mmS && L ? +(Number(L.step_s) / mmS).toFixed(2) : null,
    });
    if (c.kind === 'forward') {
      row.langlab_files_per_s = ls;
      row.reference_files_per_s = rs;
    }
    if (L?.setup_s !== undefined) row.langlab_setup_s = L.setup_s;
    if (c.cached) {
      const u = combine(uncachedRuns, rateKey);
      const us = u.row ? Number(u.row.samples_per_s) : null;
      Object.assign(row, {
        langlab_uncached_samples_per_s: us, langlab_uncached_step_s: u.row?.step_s ?? null, langlab_uncached_peak_rss_mb: u.row?.peak_rss_mb ?? null,
        cached_speedup: ls !== null && us ? +(ls / us).toFixed(2) : null,
        langlab_first_epoch_step_s: L?.first_epoch_step_s ?? null,
        uncached_ratio: us !== null && rs ? +(us / rs).toFixed(2) : null,
      });
      (row.spread as Record<string, number | null>).langlab_uncached = u.spread;
      if (u.error) row.langlab_uncached_error = u.error;
    }
  }
  if (mine.error) row.langlab_error = mine.error;
  if (ref.error) row.reference_note = ref.error;
  console.log(JSON.stringify(row));
}
