// `npm run bench:engine`: Langlab's engine against the PyTorch reference, one JSON line per
// configuration, both measured in this run with the same thread count, each configuration in its
// own process so peak RSS is per configuration. Installs nothing; without Debian's python3-torch
// the reference columns are null and `reference_note` says why.
// Options: --threads N (default: all cores), --only <id substring>.
import { spawnSync } from 'node:child_process';
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
const PYTHON = '/usr/bin/python3';

type Row = Record<string, unknown>;

function runJson(cmd: string, argv: string[]): { ok: true; value: Row } | { ok: false; error: string } {
  const r = spawnSync(cmd, argv, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 24 });
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

for (const c of CONFIGS as BenchConfig[]) {
  if (only && !c.id.includes(only)) continue;
  const mine = runJson(process.execPath, ['--expose-gc', '--import', 'tsx', path.join('bench', 'engine-worker.ts'), c.id, String(threads)]);
  const refCfg = JSON.stringify({ ...c, shapes: { scratch: SCRATCH_SHAPE, codeberta: CODEBERTA_SHAPE } });
  const ref = noRef ? { ok: false as const, error: noRef } : runJson(PYTHON, [path.join('bench', 'reference_train.py'), refCfg, String(threads)]);
  const L = mine.ok ? mine.value : null;
  const R = ref.ok ? ref.value : null;
  const row: Row = { config: c.id, kind: c.kind, threads };
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
  }
  if (!mine.ok) row.langlab_error = mine.error;
  if (!ref.ok) row.reference_note = ref.error;
  console.log(JSON.stringify(row));
}
