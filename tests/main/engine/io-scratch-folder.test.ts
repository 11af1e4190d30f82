// The from-scratch model folder: the pooling setting round-trips, folders written before it existed
// read as mean pooling, and an unknown one is refused naming config.json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readScratchFolder, writeScratchFolder } from '../../../main/engine/io/scratch-folder.ts';
import { initScratchWeights, scratchConfig } from '../../../main/engine/models/scratch.ts';

function written(pooling: 'mean' | 'mean_max', ngramBuckets = 0): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'langlab-scratch-folder-'));
  const config = scratchConfig(2, { d_model: 8, num_layers: 1, num_heads: 2, max_length: 16, pooling, ngram_buckets: ngramBuckets });
  writeScratchFolder(dir, config, initScratchWeights(config, 1), ['a', 'b']);
  return dir;
}

/** A folder as a version from before `keys` existed wrote it (config.json without them). */
function olderFolder(keys: string[]): string {
  const dir = written('mean');
  const file = path.join(dir, 'config.json');
  const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  for (const k of keys) delete raw[k];
  fs.writeFileSync(file, JSON.stringify(raw));
  return dir;
}

test('mean and max pooling round-trips, with the wider first classifier layer', () => {
  const { config, weights } = readScratchFolder(written('mean_max'));
  assert.equal(config.pooling, 'mean_max');
  assert.deepEqual(weights.get('classifier.0.weight')!.shape, [4, 16]);
});

test('a folder written before pooling existed reads as mean pooling; an unknown pooling is refused', () => {
  const dir = written('mean');
  const cfgFile = path.join(dir, 'config.json');
  const raw = JSON.parse(fs.readFileSync(cfgFile, 'utf8')) as Record<string, unknown>;
  delete raw.pooling;
  fs.writeFileSync(cfgFile, JSON.stringify(raw));
  assert.equal(readScratchFolder(dir).config.pooling, 'mean');
  fs.writeFileSync(cfgFile, JSON.stringify({ ...raw, pooling: 'attention' }));
  assert.throws(() => readScratchFolder(dir), (e: Error) => e.message.includes('unknown pooling "attention"') && e.message.includes(cfgFile));
});

test('hashed n-gram embeddings round-trip; a folder from before them has none; a mismatched pair is refused', () => {
  const dir = written('mean', 50);
  const { config, weights } = readScratchFolder(dir);
  assert.equal(config.ngram_buckets, 50);
  assert.deepEqual(config.ngram_orders, [2, 3, 4]);
  assert.deepEqual(weights.get('ngram_embedding.weight')!.shape, [50, 8]);
  const cfgFile = path.join(dir, 'config.json');
  const raw = JSON.parse(fs.readFileSync(cfgFile, 'utf8')) as Record<string, unknown>;
  fs.writeFileSync(cfgFile, JSON.stringify({ ...raw, ngram_orders: [] }));
  assert.throws(() => readScratchFolder(dir), (e: Error) => e.message.includes(cfgFile) && e.message.includes('ngram_buckets 50'));

  const read = readScratchFolder(olderFolder(['ngram_buckets', 'ngram_orders']));
  assert.equal(read.config.ngram_buckets, 0);
  assert.equal(read.weights.has('ngram_embedding.weight'), false);
});

test('a file profile round-trips with its projection and the wider classifier; a folder from before it has none; a mismatched pair is refused', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'langlab-scratch-folder-'));
  const config = scratchConfig(2, { d_model: 8, num_layers: 1, num_heads: 2, max_length: 16, pooling: 'mean_max', profile_buckets: 64 });
  writeScratchFolder(dir, config, initScratchWeights(config, 1), ['a', 'b']);
  const { config: back, weights } = readScratchFolder(dir);
  assert.equal(back.profile_buckets, 64);
  assert.equal(back.profile_bytes, 4096);
  assert.deepEqual(weights.get('profile.weight')!.shape, [8, 64]);
  assert.ok(weights.get('profile.weight')!.data.every((v) => v === 0), 'the projection starts at zero');
  assert.deepEqual(weights.get('classifier.0.weight')!.shape, [4, 3 * 8]);
  const cfgFile = path.join(dir, 'config.json');
  const raw = JSON.parse(fs.readFileSync(cfgFile, 'utf8')) as Record<string, unknown>;
  fs.writeFileSync(cfgFile, JSON.stringify({ ...raw, profile_bytes: 0 }));
  assert.throws(() => readScratchFolder(dir), (e: Error) => e.message.includes(cfgFile) && e.message.includes('profile_buckets 64 and profile_bytes 0'));

  const read = readScratchFolder(olderFolder(['profile_buckets', 'profile_bytes']));
  assert.equal(read.config.profile_buckets, 0);
  assert.equal(read.weights.has('profile.weight'), false);
});
