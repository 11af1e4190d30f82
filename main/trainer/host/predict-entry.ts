// The worker behind the Try it box: keeps the last few exported classifiers loaded and answers
// ranked predictions, so neither loading a model nor running it ever blocks the main thread.
import fs from 'node:fs';
import path from 'node:path';
import { parentPort } from 'node:worker_threads';
import { Classifier } from '../../engine/export/classifier.ts';
import { EXPORT_FILES } from '../../engine/export/manifest.ts';
import { predictTogether } from '../../engine/export/predict-together.ts';
import type { PredictReply, PredictRequest } from './predictor.ts';

// The Try it box's model and a two-model job's pair stay loaded together.
const KEEP = 3;
const cache = new Map<string, Promise<Classifier>>();

async function classifier(dir: string, threads: number): Promise<Classifier> {
  // A resumed run exports again into the same folder: the model file's time tells them apart.
  const key = `${dir}\n${fs.statSync(path.join(dir, EXPORT_FILES.model)).mtimeMs}\n${threads}`;
  let loaded = cache.get(key);
  if (!loaded) {
    loaded = Classifier.load(dir, { intraOpNumThreads: threads });
    cache.set(key, loaded);
    loaded.catch(() => cache.delete(key));
    while (cache.size > KEEP) {
      const [oldest, old] = cache.entries().next().value!;
      cache.delete(oldest);
      void old.then((c) => c.close(), () => undefined);
    }
  } else {
    cache.delete(key);
    cache.set(key, loaded);
  }
  return loaded;
}

// Requests are answered one after another: a batch job keeps the next batch queued here while one
// runs, and two session.run calls at once would only fight over the same cores.
let queue: Promise<unknown> = Promise.resolve();

parentPort!.on('message', (req: PredictRequest) => {
  const reply = (r: PredictReply) => parentPort!.postMessage(r);
  queue = queue.then(async () => {
    try {
      if (req.moreModelDirs?.length) {
        const models = await Promise.all([req.modelDir, ...req.moreModelDirs].map((dir) => classifier(dir, req.threads ?? 1)));
        const before = models.map((m) => ({ ...m.timing }));
        const [results, ...more] = await predictTogether(models, req.texts, { topK: req.topK, batchSize: req.batchSize, lengthBuckets: req.lengthBuckets });
        const spent = (key: 'tokenizeMs' | 'runMs') => models.reduce((n, m, i) => n + m.timing[key] - before[i][key], 0);
        return reply({ id: req.id, results, more, timing: { tokenizeMs: spent('tokenizeMs'), runMs: spent('runMs') } });
      }
      const c = await classifier(req.modelDir, req.threads ?? 1);
      const before = { ...c.timing };
      const results = await c.predict(req.texts, { topK: req.topK, batchSize: req.batchSize, lengthBuckets: req.lengthBuckets });
      reply({ id: req.id, results, timing: { tokenizeMs: c.timing.tokenizeMs - before.tokenizeMs, runMs: c.timing.runMs - before.runMs } });
    } catch (err: unknown) {
      reply({ id: req.id, error: err instanceof Error ? err.message : String(err) });
    }
  });
});
