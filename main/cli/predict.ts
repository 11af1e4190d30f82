// `langlab predict <run|folder> <file>...`: classifies many files in one process, in batches, one
// line per file. Uses the exported model folder (any ONNX Runtime can run it) through the engine's
// Classifier, in this process: the service's only prediction request, `runs.predict`, takes one
// text of a run, not many files or a folder, so this stays a library call. No store is needed when
// a folder is given. `--labels a,b,…` answers among those labels only (the probabilities
// renormalised over them), for files known to be in one of a few languages: the way Magika and
// guesslang were scored on the 8 core languages (README, "Interfaces other tools rely on").

import fs from 'node:fs';
import path from 'node:path';
import type { LabelScore } from '../engine/export/classifier.ts';
import { EXPORT_FILES } from '../engine/export/manifest.ts';
import { LanglabError } from '../errors.ts';
import { exportedModelDir } from '../trainer/host/run-model.ts';
import { UsageError, wholeNumber } from './args.ts';
import { type CliContext, defineCommand } from './command.ts';

const USAGE = 'Usage: langlab predict <run_id|exported-model-folder> <file>... [--top K] [--labels a,b,...] [--batch-size N] [--json]';
/** Files read and classified together; bounds memory whatever the number of files. */
const CHUNK = 256;

/**
 * The model folder a `predict` target names: an export folder, or a finished run's export (found in
 * the backend's store with the lookup the service's handlers use; no request returns the folder).
 */
export async function resolveModelDir(target: string, ctx: CliContext): Promise<string> {
  if (fs.existsSync(path.join(target, EXPORT_FILES.manifest))) return path.resolve(target);
  if (/^\d+$/.test(target)) {
    const service = await ctx.service();
    try {
      return exportedModelDir(service.backend.store.db, service.backend.dataDir, Number(target));
    } finally {
      service.close();
    }
  }
  throw new LanglabError('INVALID_ARGUMENT', `${target} is neither a run id nor an exported model folder (one holding ${EXPORT_FILES.manifest}).`);
}

/** The `langlab predict` command. */
export const predictCommand = defineCommand({
  name: 'predict',
  summary: "classify files with a run's model or an exported model folder",
  options: { top: { type: 'string' }, labels: { type: 'string' }, 'batch-size': { type: 'string' } },
  usage: () => USAGE,
  async run({ values, positionals }, ctx) {
    if (positionals.length < 2) throw new UsageError(`predict takes a run id or model folder, then at least one file.\n${USAGE}`);
    const [target, ...files] = positionals;
    const topK = wholeNumber('predict', 'top', values.top, 1) ?? 3;
    const batchSize = wholeNumber('predict', 'batch-size', values['batch-size'], 1) ?? 16;
    // Loaded here, not at start-up: onnxruntime is heavy and the other commands do not need it.
    const { Classifier } = await import('../engine/export/classifier.ts');
    const classifier = await Classifier.load(await resolveModelDir(target, ctx));
    let failed = 0;
    try {
      const allowed = values.labels === undefined ? null : allowedLabels(values.labels, classifier.labels);
      for (let i = 0; i < files.length; i += CHUNK) {
        const chunk = files.slice(i, i + CHUNK);
        const texts: string[] = [];
        const readable: string[] = [];
        for (const file of chunk) {
          try {
            texts.push(new TextDecoder('utf-8').decode(fs.readFileSync(file)));
            readable.push(file);
          } catch (err) {
            failed++;
            const message = `${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}).`;
            if (values.json) console.log(JSON.stringify({ path: file, error: message }));
            else console.error(message);
          }
        }
        const ranked = await classifier.predict(texts, { topK: allowed ? undefined : topK, batchSize });
        readable.forEach((file, k) => {
          const top = (allowed ? restrict(ranked[k], allowed) : ranked[k]).slice(0, topK).map((r) => ({ label: r.label, probability: r.probability }));
          if (values.json) console.log(JSON.stringify({ path: file, label: top[0].label, top }));
          else console.log(`${file}\t${top[0].label}\t${(100 * top[0].probability).toFixed(1)}%\t${top.slice(1).map((t) => `${t.label} ${(100 * t.probability).toFixed(1)}%`).join(', ')}`);
        });
      }
    } finally {
      await classifier.close();
    }
    return failed > 0 ? 1 : 0;
  },
});

/**
 * The labels `--labels` names (comma-separated, matched case-insensitively to the model's), or a
 * usage error naming those the model does not have and the labels it has.
 */
export function allowedLabels(list: string, modelLabels: readonly string[]): Set<string> {
  const asked = list.split(',').map((l) => l.trim()).filter((l) => l !== '');
  if (asked.length === 0) throw new UsageError(`predict --labels takes a comma-separated list of the model's labels, got "${list}".\n${USAGE}`);
  const byLower = new Map(modelLabels.map((l) => [l.toLowerCase(), l]));
  const unknown = asked.filter((l) => !byLower.has(l.toLowerCase()));
  if (unknown.length > 0) {
    throw new UsageError(`predict --labels: the model has no label ${unknown.map((l) => `"${l}"`).join(', ')}; its labels are ${modelLabels.join(', ')}.`);
  }
  return new Set(asked.map((l) => byLower.get(l.toLowerCase())!));
}

/** A ranked list (every label) cut to the allowed labels, their probabilities renormalised to sum to 1. */
export function restrict(ranked: readonly LabelScore[], allowed: ReadonlySet<string>): LabelScore[] {
  const kept = ranked.filter((r) => allowed.has(r.label));
  const sum = kept.reduce((s, r) => s + r.probability, 0);
  return kept.map((r) => ({ label: r.label, probability: sum > 0 ? r.probability / sum : 1 / kept.length }));
}
