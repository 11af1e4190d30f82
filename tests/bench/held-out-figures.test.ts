import assert from 'node:assert/strict';
import { test } from 'node:test';
import { heldOutFigures, projectFigures, type ScoredFile } from '../../bench/held-out-figures.ts';

const file = (trueLabel: string, predictedLabel: string, project: string | null, top = [predictedLabel, trueLabel]): ScoredFile =>
  ({ trueLabel, predictedLabel, project, top: top.map((label) => ({ label })) });

test('by project: a class is the mean of its projects, so a large family counts once', () => {
  // Perl: one family of 8 files all wrong, two projects of one file each right.
  const perl = [...Array.from({ length: 8 }, () => file('perl', 'shell', 'texinfo')), file('perl', 'perl', 'a'), file('perl', 'perl', 'b')];
  // Python (a core language): one project half right, read as shell, with Python second among the core labels.
  const python = [file('python', 'python', 'c'), file('python', 'shell', 'c', ['shell', 'python']), file('python', 'python', 'd'), file('python', 'python', 'd')];
  const f = heldOutFigures([...perl, ...python]);
  assert.equal(f.per_class.perl.accuracy, 0.2, 'by file, 2 of 10');
  const p = f.by_project!;
  assert.deepEqual(p.per_class.perl, { projects: 3, accuracy: 0.6667, worst: [{ project: 'texinfo', files: 8, accuracy: 0 }] });
  assert.deepEqual(p.per_class.python, { projects: 2, accuracy: 0.75, worst: [{ project: 'c', files: 2, accuracy: 0.5 }] });
  assert.ok(Math.abs(p.mean_class_accuracy - (2 / 3 + 0.75) / 2) < 1e-12);
  assert.equal(p.core8_accuracy, 0.75, 'only Python is core');
  assert.equal(p.core8_accuracy_restricted, 1, 'restricted to the core labels, shell is not a choice: Python is read right');
});

test('by project is null when any file names no project', () => {
  assert.equal(projectFigures([file('perl', 'perl', 'a'), file('perl', 'perl', null)]), null);
  assert.equal(projectFigures([]), null);
});
