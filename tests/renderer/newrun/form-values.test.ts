import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultHyperparameters, parseDecimal } from '../../../preload/hyperparameters.ts';
import { formErrors, formValues, groupedSpecs, relevantHyperparameters, switchKind, toHyperparameters } from '../../../renderer/src/newrun/form-values.ts';

test('the form starts at the reference defaults and round-trips to hyperparameters', () => {
  const values = formValues('pretrained');
  assert.equal(values.learning_rate, '0.00002');
  assert.equal(values.freeze_base_model, true);
  const hp = toHyperparameters(values);
  assert.equal(hp.learning_rate, 2e-5);
  assert.equal(hp.batch_size, 16);
  assert.deepEqual(formErrors(values, 'pretrained'), {});
});

test('a re-run takes the stored values it knows and ignores the rest', () => {
  const values = formValues('scratch', { learning_rate: 0.001, d_model: 128, model: 'scratch', dropout: 'x' });
  assert.equal(values.learning_rate, '0.001');
  assert.equal(values.d_model, '128');
  assert.equal(values.dropout, String(defaultHyperparameters('scratch').dropout), 'a stored value that is not a number takes the default');
});

test('a run stored before attention_dropout existed re-runs with its dropout on attention too', () => {
  assert.equal(formValues('scratch').attention_dropout, '0');
  assert.equal(formValues('scratch', { dropout: 0.2 }).attention_dropout, '0.2');
  assert.equal(formValues('scratch', { dropout: 0.2, attention_dropout: 0.05 }).attention_dropout, '0.05');
  assert.equal(formValues('pretrained').attention_dropout, '0.1');
});

test('a run stored before max_pooling existed re-runs with mean pooling only', () => {
  assert.equal(formValues('scratch', { dropout: 0.1 }).max_pooling, false);
  assert.equal(formValues('scratch', { dropout: 0.1, max_pooling: true }).max_pooling, true);
  assert.equal(formValues('scratch').max_pooling, defaultHyperparameters('scratch').max_pooling);
});

test('a run stored before n-gram embeddings existed re-runs without the table; new runs get the defaults\' table', () => {
  assert.equal(formValues('scratch', { dropout: 0.1 }).ngram_buckets, '0');
  assert.equal(formValues('scratch', { dropout: 0.1, ngram_buckets: 4096 }).ngram_buckets, '4096');
  assert.equal(formValues('scratch').ngram_buckets, String(defaultHyperparameters('scratch').ngram_buckets));
  assert.match(formErrors({ ...formValues('scratch'), ngram_buckets: '-1' }, 'scratch').ngram_buckets ?? '', /N-gram buckets \(ngram_buckets\) must be a whole number 0 to 4194304, got -1/);
});

test('out-of-range, empty and non-numeric values each say the allowed range', () => {
  const values = { ...formValues('scratch'), batch_size: '0', learning_rate: '', dropout: 'lots' };
  const errors = formErrors(values, 'scratch');
  assert.match(errors.batch_size ?? '', /1 to 1024, got 0/);
  assert.match(errors.learning_rate ?? '', /empty.*above 0, up to 1/);
  assert.match(errors.dropout ?? '', /"lots" is not a decimal number.*0 to 0\.9/);
});

test("the checked model's limits apply to a pretrained run", () => {
  const values = { ...formValues('pretrained'), max_length: '1024', unfreeze_last_n_layers: '9' };
  const errors = formErrors(values, 'pretrained', { maxPositions: 512, numLayers: 6 });
  assert.match(errors.max_length ?? '', /at most 512/);
  assert.match(errors.unfreeze_last_n_layers ?? '', /at most 6/);
});

test('groups list only the fields of the model kind, and the request carries only those', () => {
  const scratchKeys = groupedSpecs('scratch').flatMap((g) => g.specs.map((s) => s.key));
  assert.ok(scratchKeys.includes('d_model') && !scratchKeys.includes('freeze_base_model'));
  const sent = relevantHyperparameters(toHyperparameters(formValues('pretrained')), 'pretrained');
  assert.ok('freeze_base_model' in sent && !('d_model' in sent));
});

test('numbers are decimal only: hexadecimal, binary, Infinity and blanks are errors, not numbers', () => {
  for (const [text, value] of [['16', 16], [' 2e-5 ', 2e-5], ['.5', 0.5], ['1.', 1], ['-3', -3], ['1E3', 1000]] as const) assert.equal(parseDecimal(text), value, text);
  for (const text of ['0x1', '0b1', '0o7', 'Infinity', '', '1,5', '1e', '--1']) assert.ok(Number.isNaN(parseDecimal(text)), text);
  const errors = formErrors({ ...formValues('scratch'), batch_size: '0x10' }, 'scratch');
  assert.match(errors.batch_size ?? '', /"0x10" is not a decimal number/);
});

test('switching the model kind keeps typed values the new kind accepts and gives the rest its defaults', () => {
  const typed = { ...formValues('scratch'), batch_size: '8', learning_rate: '5e-4', d_model: '256', epochs: '0' };
  const pretrained = switchKind(typed, 'scratch', 'pretrained');
  assert.equal(pretrained.batch_size, '8');
  assert.equal(pretrained.learning_rate, '5e-4');
  assert.equal(pretrained.epochs, String(defaultHyperparameters('pretrained').epochs), 'an invalid value is not carried over');
  assert.equal(pretrained.max_length, String(defaultHyperparameters('pretrained').max_length), 'an untouched default follows the kind');
  assert.equal(switchKind(pretrained, 'pretrained', 'scratch').d_model, String(defaultHyperparameters('scratch').d_model));
});
