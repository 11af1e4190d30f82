import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClassifyProgress, classifyProgressLine } from '../../../main/cli/classify-progress.ts';

test('a progress line says files done of the total, files per second and the time left', () => {
  assert.equal(classifyProgressLine(12_345, 100_000, { filesPerSecond: 312.4, etaSeconds: 280 }), ' 12% 12,345 of 100,000 files  312 files/s  eta 4m40s');
  assert.equal(classifyProgressLine(0, 10, { filesPerSecond: null, etaSeconds: null }), '  0% 0 of 10 files  -- files/s  eta --');
});

test('piped, a line every ten seconds; on a terminal, one line redrawn in place and cleared before other output', () => {
  let now = 0;
  const piped: string[] = [];
  const p = new ClassifyProgress({ write: (t: string) => piped.push(t) }, () => now);
  p.found(100, 2);
  const rate = { filesPerSecond: 10, etaSeconds: 9 };
  p.update(10, 100, rate);
  now = 5000;
  p.update(60, 100, rate);
  now = 10_000;
  p.update(90, 100, rate);
  assert.deepEqual(piped, ['100 files to classify (2 left out so far).\n', `${classifyProgressLine(10, 100, rate)}\n`, `${classifyProgressLine(90, 100, rate)}\n`]);

  const tty: string[] = [];
  const t = new ClassifyProgress({ write: (s: string) => tty.push(s), isTTY: true }, () => now);
  t.update(10, 100, rate);
  now += 50;
  t.update(20, 100, rate);
  t.done();
  // Cleared for a batch's lines: drawn again at the next update, however soon.
  t.update(30, 100, rate);
  t.done();
  assert.deepEqual(tty, [`\r\x1b[K${classifyProgressLine(10, 100, rate)}`, '\r\x1b[K', `\r\x1b[K${classifyProgressLine(30, 100, rate)}`, '\r\x1b[K']);
});
