// Reference figures from the engine for the recipe screen's parity check
// (`python3 bench/recipe_screen.py --parity <this file's output>`): the from-scratch model's logits
// at initialisation (the run's seed, its own init) on a few byte windows, the parameter count, the
// mean loss on them, one run's first two epochs of batches (batches.ts epochBatches with the
// trainer's shuffle generator) and a few random windows (batches.ts randomWindow).
//
//   node --import tsx bench/recipe-parity.ts [--set key=value ...] > parity.json
import * as ort from 'onnxruntime-node';
import { type Hyperparameters, defaultHyperparameters } from '../preload/hyperparameters.ts';
import { Graph } from '../main/engine/graph/graph.ts';
import { toOnnx } from '../main/engine/graph/serialize.ts';
import { buildScratch, initScratchWeights } from '../main/engine/models/scratch.ts';
import { MaskGenerator } from '../main/engine/optim/dropout-mask.ts';
import { epochBatches, padBatch, randomWindow } from '../main/trainer/batches.ts';
import { scratchConfigFor } from '../main/trainer/model.ts';

const NUM_LABELS = 26;

function parseSet(argv: string[]): Partial<Hyperparameters> {
  const set: Record<string, number | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] !== '--set') throw new Error(`recipe-parity: unknown argument ${argv[i]}. Usage: [--set key=value ...]`);
    const [k, v] = (argv[++i] ?? '').split('=');
    set[k] = v === 'true' ? true : v === 'false' ? false : Number(v);
  }
  return set as Partial<Hyperparameters>;
}

async function main(): Promise<void> {
  const hp = { ...defaultHyperparameters('scratch'), ...parseSet(process.argv.slice(2)) };
  const config = scratchConfigFor(hp, NUM_LABELS);
  const weights = initScratchWeights(config, hp.seed);
  const g = new Graph({ name: 'recipe-parity' });
  g.output(buildScratch(g, { inputIds: g.input('input_ids', 'int64', ['batch', 'seq']), attentionMask: g.input('attention_mask', 'int64', ['batch', 'seq']) },
    { config, weights, inference: true }), 'logits');
  const session = await ort.InferenceSession.create(toOnnx(g));

  // Byte rows of several lengths (one padded), from a fixed generator.
  const rng = new MaskGenerator(7);
  const rows = [hp.max_length, Math.floor(hp.max_length / 2), 17, hp.max_length].map((n) => Array.from({ length: n }, () => 32 + Math.floor(rng.next() * 95)));
  const labels = rows.map((_, i) => (i * 7) % NUM_LABELS);
  const { inputIds, attentionMask } = padBatch(rows, 256);
  const out = await session.run({ input_ids: inputIds, attention_mask: attentionMask });
  const logits = Array.from(out.logits.data as Float32Array);
  let loss = 0;
  rows.forEach((_, r) => {
    const z = logits.slice(r * NUM_LABELS, (r + 1) * NUM_LABELS);
    const max = Math.max(...z);
    const lse = max + Math.log(z.reduce((a, v) => a + Math.exp(v - max), 0));
    loss += lse - z[labels[r]];
  });

  const lengths = Array.from({ length: 1000 }, () => 1 + Math.floor(rng.next() * hp.max_length));
  const shuffle = new MaskGenerator(hp.seed);
  const batches = [epochBatches(lengths, hp.batch_size, shuffle), epochBatches(lengths, hp.batch_size, shuffle)];
  const source = Int32Array.from({ length: 3000 }, (_, i) => i % 251);
  const windows = [0, 1, 2].flatMap((epoch) => [5, 123].map((fileIndex) => ({ epoch, fileIndex, window: Array.from(randomWindow(source, hp.max_length, hp.seed, epoch, fileIndex)) })));

  process.stdout.write(JSON.stringify({
    hyperparameters: hp, num_labels: NUM_LABELS,
    params: [...weights.values()].reduce((n, w) => n + w.data.length, 0),
    rows, labels, logits, mean_loss: loss / rows.length, lengths, batches, source_length: source.length, windows,
  }) + '\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
