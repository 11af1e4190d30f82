// `langlab classify <runA>,<runB> <folder>`: both runs' models over one read of each file; with
// --disagreeing --json one line per file the models disagree on and a summary line; the label sets
// may differ (named on stderr); bad pairs are refused naming the run, with nothing stored.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { getComparison } from '../../../main/store/job-comparison.ts';
import { listJobs } from '../../../main/store/jobs.ts';
import { storePath } from '../../../main/store/paths.ts';
import { openStore } from '../../../main/store/store.ts';
import { exportedRun, pyJsTree } from '../../helpers/exported-run.ts';
import { seedDataset } from '../../helpers/seed.ts';
import { tempDir } from '../../helpers/temp.ts';

function langlab(args: string[], home: string) {
  const r = spawnSync(process.execPath, [path.resolve('bin/langlab.mjs'), ...args], { encoding: 'utf8', env: { ...process.env, LANGLAB_HOME: home } });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** A store with two finished runs of different label sets (seeds picked so the untrained models agree on some files only), an unfinished one and one whose model is gone. */
function home(): { home: string; a: number; b: number; running: number; gone: number } {
  const dir = tempDir();
  const store = openStore({ file: storePath(dir) });
  const datasetId = seedDataset(store.db);
  const run = (name: string, labels: string[], seed: number, status: 'FINISHED' | 'RUNNING' = 'FINISHED') => exportedRun(store.db, dir, { name, datasetId, labels, seed, status });
  const a = run('three labels', ['java', 'javascript', 'python'], 5).runId;
  const b = run('with ruby', ['javascript', 'python', 'ruby'], 7).runId;
  const running = run('still training', ['javascript', 'python'], 1, 'RUNNING').runId;
  const lost = run('deleted model', ['javascript', 'python'], 2);
  fs.rmSync(lost.modelDir, { recursive: true });
  store.close();
  return { home: dir, a, b, running, gone: lost.runId };
}

function tree(): string {
  return pyJsTree(30);
}

type Side = { label: string; confidence: number };
type PairLine = { path: string; a: Side; b: Side; agree: boolean | null };
type Summary = { summary: { runs: number[]; files: number; compared: number; disagreements: number; outside_shared: number; shared_labels: string[]; only_a: string[]; only_b: string[]; job?: number } };

test('two runs: --disagreeing --json gives one line per disagreeing file and a summary; each side matches its run alone; --store records both', () => {
  const h = home();
  const root = tree();
  const every = langlab(['classify', `${h.a},${h.b}`, root, '--json'], h.home);
  assert.equal(every.status, 0, every.stderr);
  const lines = every.stdout.trim().split('\n').map((l) => JSON.parse(l) as PairLine | Summary);
  const summary = (lines.pop() as Summary).summary;
  const files = lines as PairLine[];
  assert.equal(files.length, 60);
  assert.deepEqual(Object.keys(files[0]), ['path', 'a', 'b', 'agree']);
  assert.deepEqual([summary.runs, summary.files, summary.shared_labels, summary.only_a, summary.only_b], [[h.a, h.b], 60, ['javascript', 'python'], ['java'], ['ruby']]);
  assert.equal(summary.disagreements, files.filter((f) => f.agree === false).length);
  assert.equal(summary.compared + summary.outside_shared, 60);
  assert.ok(summary.disagreements > 0 && summary.outside_shared > 0, JSON.stringify(summary));
  assert.match(every.stderr, new RegExp(`Runs ${h.a} and ${h.b} have different labels: compared over the 2 both have \\(javascript, python\\); only run ${h.a} has java; only run ${h.b} has ruby`));

  // Each side is what its run's model says alone, in the one-run line format (unchanged).
  for (const [runId, side] of [[h.a, 'a'], [h.b, 'b']] as const) {
    const alone = langlab(['classify', String(runId), root, '--json', '--threshold', '0'], h.home);
    assert.equal(alone.status, 0, alone.stderr);
    const byPath = new Map(alone.stdout.trim().split('\n').map((l) => JSON.parse(l) as { path: string; label: string; confidence: number }).map((l) => [l.path, l]));
    assert.deepEqual(Object.keys(JSON.parse(alone.stdout.split('\n')[0]) as object), ['path', 'label', 'confidence', 'extension_label', 'top', 'unknown']);
    for (const f of files) {
      assert.equal(f[side].label, byPath.get(f.path)!.label, `${side} ${f.path}`);
      assert.ok(Math.abs(f[side].confidence - byPath.get(f.path)!.confidence) < 1e-5);
    }
  }

  // Without --json: a tab-separated line a file with both labels and confidences, then the summary on stderr.
  const text = langlab(['classify', `${h.a},${h.b}`, root, '--disagreeing'], h.home);
  assert.equal(text.status, 0, text.stderr);
  const first = files.find((f) => f.agree === false)!;
  assert.equal(text.stdout.split('\n')[0], `${first.path}\t${first.a.label} ${(100 * first.a.confidence).toFixed(1)}%\t${first.b.label} ${(100 * first.b.confidence).toFixed(1)}%\t(disagree)`);
  assert.match(text.stderr, new RegExp(`the two models disagree on ${summary.disagreements} `));

  const only = langlab(['classify', `${h.a},${h.b}`, root, '--disagreeing', '--json', '--store'], h.home);
  assert.equal(only.status, 0, only.stderr);
  const disagreeing = only.stdout.trim().split('\n').map((l) => JSON.parse(l) as PairLine | Summary);
  const stored = (disagreeing.pop() as Summary).summary;
  assert.deepEqual((disagreeing as PairLine[]).map((f) => f.path), files.filter((f) => f.agree === false).map((f) => f.path));
  assert.ok((disagreeing as PairLine[]).every((f) => f.a.label !== f.b.label && f.agree === false));
  assert.equal(stored.disagreements, disagreeing.length);
  const store = openStore({ file: storePath(h.home) });
  const [job] = listJobs(store.db);
  assert.equal(stored.job, job.id);
  assert.deepEqual([job.status, job.runId, job.second?.runId], ['FINISHED', h.a, h.b]);
  assert.equal(getComparison(store.db, job.id)!.disagreements, stored.disagreements);
  store.close();
});

test('the same run twice, an unfinished run, a lost model folder and one-model flags are refused, naming the run; nothing is stored', () => {
  const h = home();
  const root = tree();
  const refused = (target: string, pattern: RegExp, extra: string[] = []) => {
    const r = langlab(['classify', target, root, '--json', '--store', ...extra], h.home);
    assert.notEqual(r.status, 0, `${target} should be refused`);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, pattern);
  };
  refused(`${h.a},${h.a}`, new RegExp(`Run ${h.a} is given twice; pick two different runs to compare`));
  refused(`${h.a},${h.running}`, new RegExp(`Run ${h.running} \\(still training\\) is RUNNING, not finished`));
  refused(`${h.gone},${h.a}`, new RegExp(`Run ${h.gone} has no exported model \\(it is FINISHED but its model folder is gone\\)`));
  refused(`${h.a},${h.b}`, /--threshold applies to one model/, ['--threshold', '0.5']);
  refused(`${h.a},${h.b}`, /--int8 applies to one model/, ['--int8']);
  const store = openStore({ file: storePath(h.home) });
  assert.deepEqual(listJobs(store.db), []);
  store.close();
});
