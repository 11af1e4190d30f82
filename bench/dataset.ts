// Files/s and peak memory of building the benchmark dataset from its sources (the recipe in
// scripts/bench-dataset.ts). Prints JSON lines.
//   npm run bench:dataset-speed [-- --small | --full]   (default: both)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const variants = args.length === 0 ? ['small', 'full'] : args.map((a) => a.replace(/^--/, ''));

for (const variant of variants) {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), `langlab-bench-${variant}-`));
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', path.join(root, 'scripts/bench-dataset.ts'), '--out', out, ...(variant === 'small' ? ['--small'] : [])],
    { encoding: 'utf8', cwd: root },
  );
  fs.rmSync(out, { recursive: true, force: true });
  if (run.status !== 0) {
    process.stdout.write(JSON.stringify({ bench: 'dataset', variant, error: run.stderr.trim() }) + '\n');
    process.exitCode = 1;
    continue;
  }
  const summary = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as {
    classes: { files: number }[];
    seconds: number;
    scan: { files: number; bytes: number; seconds: number };
    peakRssMB: number;
  };
  const kept = summary.classes.reduce((n, c) => n + c.files, 0);
  process.stdout.write(
    JSON.stringify({
      bench: 'dataset',
      variant,
      cpus: os.cpus().length,
      filesScanned: summary.scan.files,
      mbScanned: Math.round(summary.scan.bytes / 1e5) / 10,
      filesKept: kept,
      scanSeconds: summary.scan.seconds,
      filesPerSecond: Math.round(summary.scan.files / summary.scan.seconds),
      totalSeconds: summary.seconds,
      peakRssMB: summary.peakRssMB,
    }) + '\n',
  );
}
