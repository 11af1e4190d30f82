import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadHfRoberta } from '../../../main/engine/io/hf-folder.ts';
import { writeTinyRoberta } from '../../../main/engine/io/tiny-roberta.ts';
import { readSafetensors, writeSafetensors } from '../../../main/engine/io/safetensors.ts';

const tinyDir = (labels: string[] | null = ['py', 'js']) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'langlab-hf-'));
  writeTinyRoberta(dir, { labels, max_length: 16 });
  return dir;
};

test('loads a tiny RoBERTa folder: config, encoder, head and tokenizer', () => {
  const m = loadHfRoberta(tinyDir());
  assert.equal(m.config.architecture, 'RobertaForSequenceClassification');
  assert.equal(m.config.num_hidden_layers, 2);
  assert.deepEqual(m.config.id2label, ['py', 'js']);
  assert.equal(m.encoder.get('embeddings.word_embeddings.weight')!.length, m.config.vocab_size * m.config.hidden_size);
  assert.equal(m.head!.get('classifier.out_proj.weight')!.length, 2 * m.config.hidden_size);
  const enc = m.tokenizer.encode(['def f(x):\n    return x', 'x'], 'longest');
  assert.equal(enc.batch, 2);
  assert.equal(enc.inputIds[0], 0n, 'rows start with <s>');
  assert.equal(enc.inputIds[enc.seqLen - 1 + enc.seqLen], 1n, 'short row padded with <pad>');
});

test('a bare RobertaModel folder loads without a head', () => {
  const m = loadHfRoberta(tinyDir(null));
  assert.equal(m.config.architecture, 'RobertaModel');
  assert.equal(m.head, null);
});

test('long inputs keep <s> and </s> and respect max_length', () => {
  const m = loadHfRoberta(tinyDir(), { max_length: 8 });
  const row = m.tokenizer.ids('a b c d e f g h i j k l m n o p');
  assert.equal(row.length, 8);
  assert.equal(row[0], 0);
  assert.equal(row[7], 2);
});

test('a missing file names the file and what to do', () => {
  for (const name of ['config.json', 'model.safetensors', 'tokenizer.json']) {
    const dir = tinyDir();
    fs.rmSync(path.join(dir, name));
    assert.throws(() => loadHfRoberta(dir), (e: Error) => e.message.includes(path.join(dir, name)) && e.message.includes('missing'));
  }
});

test('an unknown architecture is named with its file', () => {
  const dir = tinyDir();
  const cfgFile = path.join(dir, 'config.json');
  const cfg = JSON.parse(fs.readFileSync(cfgFile, 'utf8'));
  cfg.architectures = ['GPT2LMHeadModel'];
  fs.writeFileSync(cfgFile, JSON.stringify(cfg));
  assert.throws(() => loadHfRoberta(dir), new RegExp(`unknown architecture GPT2LMHeadModel in ${cfgFile.replace(/[.\\/]/g, '\\$&')}`));
});

test('a tensor whose shape disagrees with config.json is named with both shapes', () => {
  const dir = tinyDir();
  const cfgFile = path.join(dir, 'config.json');
  const cfg = JSON.parse(fs.readFileSync(cfgFile, 'utf8'));
  cfg.intermediate_size = 48;
  fs.writeFileSync(cfgFile, JSON.stringify(cfg));
  assert.throws(() => loadHfRoberta(dir),
    /model\.safetensors: tensor "roberta\.encoder\.layer\.0\.intermediate\.dense\.weight" has shape \[64, 32\] but config\.json implies \[48, 32\]/);
});

test('a missing tensor is named', () => {
  const dir = tinyDir();
  const f = path.join(dir, 'model.safetensors');
  const t = readSafetensors(f).tensors;
  t.delete('roberta.encoder.layer.1.output.dense.bias');
  writeSafetensors(f, t);
  assert.throws(() => loadHfRoberta(dir), /"roberta\.encoder\.layer\.1\.output\.dense\.bias" is missing/);
});

test('a tokenizer that does not load is a clear error naming tokenizer.json', () => {
  const dir = tinyDir();
  fs.writeFileSync(path.join(dir, 'tokenizer.json'), '{"version": "1.0", "model": {"type": "Martian"}}');
  assert.throws(() => loadHfRoberta(dir), /tokenizer\.json: the tokenizer does not load/);
  fs.writeFileSync(path.join(dir, 'tokenizer.json'), 'not json');
  assert.throws(() => loadHfRoberta(dir), /tokenizer\.json: the tokenizer does not load/);
});
