// The data of the GPU recipe screen (bench/recipe_screen.py): a benchmark folder split and read
// exactly as `npm run bench:train` does (datasetFromFolder's project split, seed 42; the files read
// back from a temporary store), and for every file the bytes the from-scratch trainer draws its
// windows from: the UTF-8 bytes after the leading comment blocks, at most WINDOW_SOURCE_BYTES from
// each end (ByteTokenizer.sourceIds, the product's own code). The head-and-tail window validation
// and test read at any max_length up to 2 x WINDOW_SOURCE_BYTES is the first and last half of these
// bytes, so one file serves every max_length the screen tries.
//
//   node --import tsx bench/recipe-export.ts --data <folder> --out <file.bin.xz> [--limit N]
//
// The file, xz-compressed: "LLRECIPE1\n", a uint32 (little endian) length, that many bytes of JSON
// ({ labels, window_source_bytes, fingerprint, split, files: [{ index, split, label, project, path,
// length }] } in the store's file order, which is the trainer's), then every file's bytes in that
// order. --limit keeps the first N files of each class and split (for quick checks only).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { datasetFromFolder } from '../main/data/from-folder.ts';
import { ByteTokenizer } from '../main/engine/tokenize/bytes.ts';
import { saveDataset } from '../main/store/dataset-save.ts';
import { listDatasetFiles, readDatasetFileText } from '../main/store/dataset-files.ts';
import { openStore } from '../main/store/store.ts';
import { SCRATCH_SKIP_LEADING_COMMENTS, SCRATCH_TRUNCATE, WINDOW_SOURCE_BYTES } from '../main/trainer/model.ts';

const USAGE = 'Usage: node --import tsx bench/recipe-export.ts --data <benchmark folder> --out <file.bin.xz> [--limit N]';

function parseArgs(argv: string[]): { data: string; out: string; limit: number } {
  let data = '';
  let out = '';
  let limit = Infinity;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--data') data = path.resolve(argv[++i] ?? '');
    else if (a === '--out') out = path.resolve(argv[++i] ?? '');
    else if (a === '--limit') {
      limit = Number(argv[++i]);
      if (!Number.isInteger(limit) || limit < 1) throw new Error(`recipe-export: --limit must be a positive integer, got ${argv[i]}. ${USAGE}`);
    } else throw new Error(`recipe-export: unknown argument ${a}. ${USAGE}`);
  }
  if (!data || !out) throw new Error(`recipe-export: --data and --out are required. ${USAGE}`);
  if (!fs.existsSync(data)) throw new Error(`recipe-export: the folder ${data} does not exist; build it with npm run bench:dataset -- --out <folder>.`);
  return { data, out, limit };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'langlab-recipe-export-'));
  try {
    const result = await datasetFromFolder(args.data);
    const storeFile = path.join(work, 'store.db');
    const store = openStore({ file: storeFile });
    const datasetId = saveDataset(store.db, result);
    // The trainer's tokenizer settings; max_length does not matter for sourceIds.
    if (SCRATCH_TRUNCATE !== 'head_tail') throw new Error(`recipe-export: the scratch window is ${SCRATCH_TRUNCATE}; the screen only replicates head_tail`);
    const tok = new ByteTokenizer({ max_length: 2 * WINDOW_SOURCE_BYTES, truncate: SCRATCH_TRUNCATE, skip_leading_comments: SCRATCH_SKIP_LEADING_COMMENTS });
    const files: { index: number; split: string; label: string; project: string | null; path: string; length: number }[] = [];
    const chunks: Buffer[] = [];
    const kept = new Map<string, number>();
    for (let offset = 0; ; offset += 1000) {
      const page = listDatasetFiles(store.db, datasetId, { offset, limit: 1000 });
      for (const f of page.files) {
        const key = `${f.label}\u0000${f.split}`;
        const n = kept.get(key) ?? 0;
        if (n >= args.limit) continue;
        kept.set(key, n + 1);
        const bytes = tok.sourceIds(await readDatasetFileText(store.db, datasetId, f.index), WINDOW_SOURCE_BYTES);
        chunks.push(Buffer.from(Uint8Array.from(bytes)));
        files.push({ index: f.index, split: f.split, label: f.label, project: f.project, path: f.path, length: bytes.length });
      }
      if (page.files.length < 1000) break;
    }
    store.close();
    const labels = [...new Set(files.map((f) => f.label))].sort();
    const header = Buffer.from(JSON.stringify({
      labels, window_source_bytes: WINDOW_SOURCE_BYTES, skip_leading_comments: SCRATCH_SKIP_LEADING_COMMENTS, fingerprint: result.fingerprint,
      split: result.options.splitFrom, seed: result.options.seed, data: args.data, limit: Number.isFinite(args.limit) ? args.limit : null, files,
    }));
    const length = Buffer.alloc(4);
    length.writeUInt32LE(header.length);
    const raw = path.join(work, 'recipe-data.bin');
    fs.writeFileSync(raw, Buffer.concat([Buffer.from('LLRECIPE1\n'), length, header, ...chunks]));
    const rawBytes = fs.statSync(raw).size;
    fs.mkdirSync(path.dirname(args.out), { recursive: true });
    const xz = spawnSync('sh', ['-c', 'xz -T2 -6 -c "$1" > "$2"', 'xz', raw, args.out], { encoding: 'utf8' });
    if (xz.status !== 0) throw new Error(`recipe-export: xz failed (${xz.stderr.trim() || xz.status}); is xz installed?`);
    const bySplit: Record<string, number> = {};
    for (const f of files) bySplit[f.split] = (bySplit[f.split] ?? 0) + 1;
    process.stdout.write(JSON.stringify({
      bench: 'recipe-export', out: args.out, files: files.length, splits: bySplit, labels: labels.length, fingerprint: result.fingerprint,
      raw_bytes: rawBytes, compressed_bytes: fs.statSync(args.out).size,
    }) + '\n');
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
