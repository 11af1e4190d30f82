import assert from 'node:assert/strict';
import { mock, test } from 'node:test';
import { TrailingThrottle } from '../../../main/jobs/throttle.ts';

function withClock(body: (clock: { now: () => number; advance: (ms: number) => void }) => void): void {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    let now = 0;
    body({
      now: () => now,
      advance: (ms) => {
        now += ms;
        mock.timers.tick(ms);
      },
    });
  } finally {
    mock.timers.reset();
  }
}

test('progress goes out at once, then at most once per interval, never losing the latest', () => {
  withClock(({ now, advance }) => {
    const sent: number[] = [];
    const t = new TrailingThrottle<number>((v) => sent.push(v), 250, now);
    for (let step = 1; step <= 100; step++) {
      t.push(step);
      advance(10);
    }
    // 1000 ms of updates every 10 ms: the first, then one per 250 ms.
    assert.ok(sent.length <= 6, `sent ${sent.length}`);
    assert.equal(sent[0], 1);
    advance(250);
    assert.equal(sent.at(-1), 100, 'the last update is delivered');
  });
});

test('the last update of an interval goes out when the interval ends, with nothing after it', () => {
  withClock(({ now, advance }) => {
    const sent: string[] = [];
    const t = new TrailingThrottle<string>((v) => sent.push(v), 200, now);
    t.push('first');
    advance(50);
    t.push('second');
    advance(50);
    t.push('last');
    assert.deepEqual(sent, ['first'], 'updates inside the interval wait');
    advance(99);
    assert.deepEqual(sent, ['first']);
    advance(1);
    assert.deepEqual(sent, ['first', 'last'], 'the interval ends with its latest update; the one it replaced is not sent');
    advance(10_000);
    assert.deepEqual(sent, ['first', 'last'], 'nothing is sent twice');
  });
});

test('flush sends the pending update at once; stop drops it', () => {
  withClock(({ now, advance }) => {
    const sent: number[] = [];
    const t = new TrailingThrottle<number>((v) => sent.push(v), 1000, now);
    t.push(1);
    t.push(2);
    t.flush();
    assert.deepEqual(sent, [1, 2]);
    t.flush();
    assert.deepEqual(sent, [1, 2], 'no pending update, nothing sent');
    t.push(3);
    t.stop();
    advance(5000);
    assert.deepEqual(sent, [1, 2]);
  });
});
