// The sweep form's rows as typed become the service's axes; text that is not a number is named.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newAxisRow, rowsToAxes, sweepableKeys } from '../../../renderer/src/sweeps/sweep-form.ts';

test('rows become grid and range axes; text that is not a number names its row', () => {
  const lr = { ...newAxisRow('learning_rate', 'scratch'), mode: 'range' as const };
  assert.deepEqual([lr.low, lr.high, lr.log], ['0.0001', '0.01', true], 'a learning rate starts as a log range around its default');
  const rows = [
    lr,
    { ...newAxisRow('dropout', 'scratch'), values: '0, 0.1 ,, 0.2' },
    newAxisRow('max_pooling', 'scratch'),
  ];
  assert.deepEqual(rowsToAxes(rows), {
    axes: [
      { key: 'learning_rate', kind: 'range', low: 0.0001, high: 0.01, scale: 'log' },
      { key: 'dropout', kind: 'grid', values: [0, 0.1, 0.2] },
      { key: 'max_pooling', kind: 'grid', values: [true, false] },
    ],
    error: null,
  });
  assert.match(rowsToAxes([{ ...rows[1], values: '0, lots' }]).error ?? '', /"lots" in the values of dropout is not a number/);
  assert.match(rowsToAxes([{ ...lr, high: '' }]).error ?? '', /range of learning_rate needs two numbers/);
  assert.match(rowsToAxes([{ ...rows[2], values: 'yes' }]).error ?? '', /max_pooling takes true or false, got "yes"/);
});

test('a batch size starts as halved to doubled; only the model kind\'s own keys are offered', () => {
  const bs = newAxisRow('batch_size', 'scratch');
  assert.deepEqual([bs.values, bs.low, bs.high], ['16', '8', '32']);
  const pretrained = sweepableKeys('pretrained').map((k) => k.key);
  assert.ok(pretrained.includes('unfreeze_last_n_layers') && !pretrained.includes('d_model'));
});
