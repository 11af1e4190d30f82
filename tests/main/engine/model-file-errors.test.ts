// Broken model files bench:fuzz found answered as INTERNAL errors or not at all: the engine's
// errors now carry a code the service passes on, and each names the file at fault.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { Classifier } from '../../../main/engine/export/classifier.ts';
import { ModelFolderError, parseRobertaConfig, robertaConfigJson } from '../../../main/engine/io/roberta-config.ts';
import { SafetensorsError } from '../../../main/engine/io/safetensors.ts';
import { tinyRobertaConfig, writeTinyRoberta } from '../../../main/engine/io/tiny-roberta.ts';
import { TokenizerLoadError } from '../../../main/engine/tokenize/hf-tokenizer.ts';
import { toErrorPayload } from '../../../main/errors.ts';
import { checkModelFolder } from '../../../main/trainer/host/model-check.ts';
import { tempDir } from '../../helpers/temp.ts';

test('the engine\'s file errors reach the user as INVALID_ARGUMENT; a Node error code does not pass for one', () => {
  for (const err of [new SafetensorsError('w.safetensors: bad'), new ModelFolderError('config.json: bad'), new TokenizerLoadError('tokenizer.json: bad')]) {
    assert.deepEqual(toErrorPayload(err), { code: 'INVALID_ARGUMENT', message: err.message });
  }
  const enoent = Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT' });
  assert.equal(toErrorPayload(enoent).code, 'INTERNAL');
});

test('"architectures" that is not a list of names is an error naming it, even with model_type roberta', () => {
  const raw = { ...robertaConfigJson(tinyRobertaConfig(), null), model_type: 'roberta' };
  for (const bad of [1.5, 'RobertaModel', [1], {}]) {
    assert.throws(() => parseRobertaConfig({ ...raw, architectures: bad }, 'm/config.json'), /^ModelFolderError: m\/config\.json: "architectures" must be a list of names/);
  }
});

test('a pad_token_id beyond the vocabulary or the position table is an error naming it', () => {
  const raw = robertaConfigJson(tinyRobertaConfig(), null) as { vocab_size: number; max_position_embeddings: number };
  for (const pad of [raw.vocab_size, 1e12, raw.max_position_embeddings - 1]) {
    assert.throws(() => parseRobertaConfig({ ...raw, pad_token_id: pad }, 'm/config.json'), new RegExp(`^ModelFolderError: m/config\\.json: pad_token_id ${pad} must be below vocab_size`));
  }
});

test('a null layer_norm_eps, dropout or pad_token_id is an error naming it; an absent one takes its default', () => {
  const raw = robertaConfigJson(tinyRobertaConfig(), null) as Record<string, unknown>;
  for (const key of ['layer_norm_eps', 'hidden_dropout_prob', 'pad_token_id']) {
    assert.throws(() => parseRobertaConfig({ ...raw, [key]: null }, 'm/config.json'), new RegExp(`^ModelFolderError: m/config\\.json: "${key}" must be a non-negative (number|integer), found null`));
  }
  const { layer_norm_eps: _eps, ...absent } = raw;
  assert.equal(parseRobertaConfig(absent, 'm/config.json').layer_norm_eps, 1e-5);
});

test('a config with more encoder layers than any model has is refused at once, naming the field', () => {
  const raw = robertaConfigJson(tinyRobertaConfig(), null) as Record<string, unknown>;
  assert.throws(() => parseRobertaConfig({ ...raw, num_hidden_layers: 1e12 }, 'm/config.json'), /^ModelFolderError: m\/config\.json: "num_hidden_layers" must be at most 1024, found 1000000000000$/);
  assert.equal(parseRobertaConfig({ ...raw, num_hidden_layers: 24 }, 'm/config.json').num_hidden_layers, 24);
});

test('models.check names model.safetensors when it is a folder', () => {
  const dir = tempDir();
  writeTinyRoberta(dir, { hidden_size: 8, num_hidden_layers: 1, num_attention_heads: 2, intermediate_size: 16, max_length: 16 });
  const weights = path.join(dir, 'model.safetensors');
  fs.rmSync(weights);
  fs.mkdirSync(weights);
  assert.throws(() => checkModelFolder(dir), (err: Error & { code?: string }) => err.code === 'INVALID_ARGUMENT' && err.message === `${weights}: it is not a file. Is it a complete .safetensors file?`);
});

test('an export whose langlab-model.json is not JSON, or null, is an error naming it', async () => {
  for (const text of ['{"labels": [', 'null']) {
    const dir = tempDir();
    const file = path.join(dir, 'langlab-model.json');
    fs.writeFileSync(file, text);
    await assert.rejects(Classifier.load(dir), (err: Error) => err.message.startsWith(`${file}: not `) && /export the model again$/.test(err.message));
  }
});
