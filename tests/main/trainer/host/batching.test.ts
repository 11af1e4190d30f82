import assert from 'node:assert/strict';
import { mock, test } from 'node:test';
import type { MetricRecord } from '../../../../main/store/metrics.ts';
import { MetricBatcher } from '../../../../main/trainer/host/metric-batcher.ts';

test('metrics are written in one batch per interval, and whatever is left when flushed', () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    const batches: MetricRecord[][] = [];
    const b = new MetricBatcher((points) => batches.push(points), 1000);
    for (let step = 1; step <= 50; step++) b.add([{ key: 'train_loss', step, value: 1 / step }]);
    assert.equal(batches.length, 0, 'nothing is written per step');
    mock.timers.tick(1000);
    assert.deepEqual(batches.map((x) => x.length), [50]);
    b.add([{ key: 'val_loss', step: 51, value: 0.5 }]);
    b.flush();
    assert.deepEqual(batches.map((x) => x.length), [50, 1]);
    mock.timers.tick(5000);
    assert.equal(batches.length, 2, 'no empty writes');
  } finally {
    mock.timers.reset();
  }
});
