// `npm run bench:chaos -- --quick` inside `npm test`: three kill -9s in each scenario (training from
// the command line, browser mode's engine and the whole server, a stepwise dataset save, a
// classification job, checkpoint writes), and nothing may be corrupt, lost or resumed differently.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';

test('bench:chaos --quick: kills leave the store whole, lose no checkpoint, and resumed runs match the uninterrupted one', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.resolve('bench/chaos.ts'), '--quick', '--seed', '18'], { encoding: 'utf8', timeout: 600_000 });
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const summary = lines.at(-1)!;
  const problems = lines.slice(0, -1).flatMap((l) => l.problems as string[]);
  assert.deepEqual(problems, [], r.stderr.slice(-3000));
  assert.equal(lines.length, 7, 'six scenarios and the summary');
  for (const scenario of lines.slice(0, -1)) assert.ok((scenario.kills as number) >= 3, `${String(scenario.scenario)}: ${String(scenario.kills)} kills`);
  assert.equal(summary.corrupt, 0);
  assert.equal(summary.lost, 0);
  assert.equal(summary.resumed_equal, true);
  assert.ok((summary.resumed_runs as number) >= 3, 'a killed run was resumed to its end in each training scenario');
  assert.equal(summary.seed, 18);
  assert.equal(r.status, 0, r.stderr.slice(-3000));
});
