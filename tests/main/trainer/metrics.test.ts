import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { classificationReport } from '../../../main/trainer/metrics.ts';

interface Row { precision: number; recall: number; f1: number; support: number }
interface Case {
  name: string; labels: string[]; y_true: number[]; y_pred: number[];
  rows: (Row & { label: string })[]; macro: Row; weighted: Row; accuracy: number; confusion: number[][];
}
const fixture = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '../../fixtures/metrics/expected.json'), 'utf8')) as { cases: Case[] };

function close(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= 1e-12, `${what}: ${actual} != ${expected}`);
}

for (const c of fixture.cases) {
  test(`classification report equals scikit-learn's: ${c.name}`, () => {
    const r = classificationReport(c.labels, c.y_true, c.y_pred);
    assert.deepEqual(r.labels, c.labels);
    assert.deepEqual(r.confusion, c.confusion);
    close(r.accuracy, c.accuracy, 'accuracy');
    c.rows.forEach((want, i) => {
      assert.equal(r.rows[i].label, want.label);
      for (const k of ['precision', 'recall', 'f1', 'support'] as const) close(r.rows[i][k], want[k], `${want.label} ${k}`);
    });
    for (const k of ['precision', 'recall', 'f1', 'support'] as const) {
      close(r.macro[k], c.macro[k], `macro ${k}`);
      close(r.weighted[k], c.weighted[k], `weighted ${k}`);
    }
  });
}

test('the fixture covers a class never predicted and a class absent from the truth', () => {
  const names = fixture.cases.map((c) => c.name);
  assert.ok(names.includes('never-predicted') && names.includes('absent-from-truth'));
});

test('mismatched vectors are refused', () => {
  assert.throws(() => classificationReport(['a', 'b'], [0, 1], [0]), /2 true labels but 1 predictions/);
});
