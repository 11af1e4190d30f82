// The Classify list's rows follow their jobs' progress events (status and counts), and only an
// event of a job the list does not hold asks for the list again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClassificationJobSummary, JobOf } from '../../../preload/contract.ts';
import { isNewJob, liveJobRow } from '../../../renderer/src/classify/live-jobs.ts';

const row: ClassificationJobSummary = {
  id: 3, runId: 1, runName: 'r', modelPath: '/m', root: '/src', status: 'RUNNING', filesTotal: 0, filesDone: 0, filesSkipped: 0,
  error: null, threshold: 0, startedAt: 1000, endedAt: null, second: null, precision: 'float32',
};

function event(status: JobOf<'classify'>['status'], filesDone: number): JobOf<'classify'> {
  return {
    jobId: 'j', kind: 'classify', title: 't', status, startedAt: 1001, endedAt: null, error: null, storeId: 3, resultId: null,
    filesTotal: 500, filesFound: 500, filesDone, filesSkipped: 4, breakdown: [], withExtensionLabel: 0, disagreements: 0, withOtherLanguage: 0,
    unknown: { files: 0, bytes: 0 }, filesPerSecond: null, etaSeconds: null,
  };
}

test('a running row takes its counts and its end from the latest event', () => {
  assert.deepEqual(liveJobRow(row, undefined), row);
  const running = liveJobRow(row, event('running', 128));
  assert.equal(running.status, 'RUNNING');
  assert.deepEqual([running.filesDone, running.filesTotal, running.filesSkipped], [128, 500, 4]);
  assert.equal(liveJobRow(row, event('done', 500)).status, 'FINISHED');
  assert.equal(liveJobRow(row, event('failed', 200)).status, 'FAILED');
  assert.equal(liveJobRow(row, event('cancelled', 200)).status, 'KILLED');
});

test('a row the store has as ended keeps its status and counts', () => {
  const ended = { ...row, status: 'INTERRUPTED' as const, filesDone: 40 };
  assert.deepEqual(liveJobRow(ended, event('running', 128)), ended);
});

test('only a job the list does not hold is new', () => {
  assert.equal(isNewJob([row], 3), false);
  assert.equal(isNewJob([row], 4), true);
  assert.equal(isNewJob([row], null), false);
  assert.equal(isNewJob(undefined, 4), false);
});
