// `langlab classify <run|folder> <dir>`: classifies every text file under a folder (the walk of
// the app's Classify section: .gitignore, vendored, generated, binary and oversize files left out)
// with a run's model or an exported model folder, in batches, one line per file, then the
// language breakdown. Nothing is stored: the app's Classify section keeps its jobs, so the
// service's `classify.start` (which stores a job) is not used; the walk and the batching are the
// same library code that job runs.

import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { UsageError } from './args.ts';
import { defineCommand } from './command.ts';
import { resolveModelDir } from './predict.ts';

const USAGE = 'Usage: langlab classify <run_id|exported-model-folder> <folder> [--disagreeing] [--json]';

/** The `langlab classify` command. */
export const classifyCommand = defineCommand({
  name: 'classify',
  summary: "classify every text file under a folder with a run's model",
  options: { disagreeing: { type: 'boolean' } },
  usage: () => `${USAGE}\n  --disagreeing  list only files whose extension names another of the model's languages`,
  async run({ values, positionals }, ctx) {
    if (positionals.length !== 2) throw new UsageError(`classify takes a run id or model folder, then one folder.\n${USAGE}`);
    const [target, given] = positionals;
    const root = path.resolve(given);
    if (!(await fsp.stat(root).catch(() => null))?.isDirectory()) throw new UsageError(`${root} is not a folder. ${USAGE}`);
    // Loaded here, not at start-up: onnxruntime is heavy and the other commands do not need it.
    const { Classifier } = await import('../engine/export/classifier.ts');
    const { classifyFolder } = await import('../classify/classify-folder.ts');
    const classifier = await Classifier.load(await resolveModelDir(target, ctx));
    const byLabel = new Map<string, { files: number; disagree: number }>();
    try {
      const counts = await classifyFolder({
        root,
        labels: classifier.labels,
        predict: (texts) => classifier.predict(texts, { topK: 3 }),
        onBatch: (rows) => {
          for (const r of rows) {
            const disagree = r.extensionLabel !== null && r.extensionLabel !== r.label;
            const entry = byLabel.get(r.label) ?? { files: 0, disagree: 0 };
            entry.files++;
            if (disagree) entry.disagree++;
            byLabel.set(r.label, entry);
            if (values.disagreeing && !disagree) continue;
            if (values.json) console.log(JSON.stringify({ path: r.path, label: r.label, confidence: r.confidence, extension_label: r.extensionLabel, top: r.top }));
            else console.log(`${r.path}\t${r.label}\t${(100 * r.confidence).toFixed(1)}%${disagree ? `\t(extension says ${r.extensionLabel})` : ''}`);
          }
        },
      });
      const classified = [...byLabel.values()].reduce((n, b) => n + b.files, 0);
      const lines = [...byLabel.entries()]
        .sort((a, b) => b[1].files - a[1].files || (a[0] < b[0] ? -1 : 1))
        .map(([label, b]) => `  ${label.padEnd(16)} ${String(b.files).padStart(7)}  ${((100 * b.files) / Math.max(1, classified)).toFixed(1).padStart(5)}%${b.disagree ? `  (${b.disagree} disagree with their extension)` : ''}`);
      console.error(`${classified} files classified under ${root}, ${counts.skipped} left out:\n${lines.join('\n')}`);
    } finally {
      await classifier.close();
    }
    return 0;
  },
});
