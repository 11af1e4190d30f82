import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { HYPERPARAMETERS } from '../../../preload/hyperparameters.ts';
import { finiteNumber, parseCommandLine, UsageError, wholeNumber } from '../../../main/cli/args.ts';
import { HYPERPARAMETER_OPTIONS, hyperparametersFromFlags } from '../../../main/cli/hyperparameter-flags.ts';
import { tempDir } from '../../helpers/temp.ts';

const root = path.resolve(import.meta.dirname, '../../..');
const OPTIONS = { name: { type: 'string' }, language: { type: 'string', multiple: true }, disagreeing: { type: 'boolean' } } as const;

function langlab(args: string[]) {
  const env = { ...process.env };
  delete env.LANGLAB_HOME;
  const r = spawnSync(process.execPath, [path.join(root, 'bin', 'langlab.mjs'), ...args], { cwd: root, env, encoding: 'utf8' });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

test('the parser reads values, booleans, repeated options and positionals; global options are always there', () => {
  const { values, positionals } = parseCommandLine('x', ['a', '--name', 'n1', '--language=Go', '--disagreeing', '--language', 'Rust', 'b', '--json', '--home=/h', '-h'], OPTIONS);
  assert.deepEqual(positionals, ['a', 'b']);
  assert.equal(values.name, 'n1');
  assert.deepEqual(values.language, ['Go', 'Rust']);
  assert.equal(values.disagreeing, true);
  assert.equal(values.json, true);
  assert.equal(values.home, '/h');
  assert.equal(values.help, true);
  // `--` ends the options.
  const later = parseCommandLine('x', ['--name', 'a', '--', '--json', '--name', 'b'], OPTIONS);
  assert.equal(later.values.name, 'a');
  assert.equal(later.values.json, undefined);
  assert.deepEqual(later.positionals, ['--json', '--name', 'b']);
});

test('a single option given twice is a usage error naming it, whatever the values and spellings (found by bench:fuzz)', () => {
  for (const argv of [['--name', 'a', '--name', 'b'], ['--name=a', '--name', 'a'], ['--disagreeing', '--disagreeing'], ['--home', '/a', 'x', '--home=/b'], ['-h', '--help']]) {
    assert.throws(() => parseCommandLine('x', argv, OPTIONS), (err: Error) => err instanceof UsageError && /^The option --(name|disagreeing|home|help) is given twice; give it once\. See `langlab x --help`\.$/.test(err.message), argv.join(' '));
  }
});

test('a value option takes the next argument even when it starts with a dash', () => {
  assert.equal(parseCommandLine('train', ['--learning-rate', '-1'], HYPERPARAMETER_OPTIONS).values['learning-rate'], '-1');
});

test('an unknown flag, a missing value and a value given to a boolean are usage errors naming the command', () => {
  const cases: [string[], RegExp][] = [
    [['--warp', '9'], /^Unknown option --warp\. See `langlab x --help`\.$/],
    [['-z'], /^Unknown option -z\./],
    [['--name'], /^The option --name needs a value\./],
    [['--disagreeing=yes'], /^The option --disagreeing takes no value; got 'yes'\./],
    [['--constructor', '1'], /^Unknown option --constructor\./],
  ];
  for (const [argv, message] of cases) {
    assert.throws(() => parseCommandLine('x', argv, OPTIONS), (err: unknown) => err instanceof UsageError && err.code === 'INVALID_ARGUMENT' && message.test(err.message), argv.join(' '));
  }
});

test('numbers are checked where they are read: a bad number is a usage error with the flag and the value', () => {
  assert.equal(wholeNumber('dataset', 'cap', undefined), undefined);
  assert.equal(wholeNumber('dataset', 'cap', '12'), 12);
  assert.throws(() => wholeNumber('dataset', 'cap', 'many'), /--cap must be a whole number; got 'many'\. See `langlab dataset --help`\.$/);
  assert.throws(() => wholeNumber('predict', 'top', '0', 1), /--top must be a positive whole number; got '0'/);
  assert.throws(() => wholeNumber('dataset', 'seed', ' '), UsageError);
  assert.equal(finiteNumber('dataset', 'test', '0.25'), 0.25);
  assert.throws(() => finiteNumber('dataset', 'test', 'Infinity'), /--test must be a decimal number; got 'Infinity'/);
  // Decimal only, as the form: other notations JavaScript's Number() reads are refused, not guessed.
  for (const raw of ['0x10', '0b1', '0o7', '1e3', '-0', '+3', '1.0', '99999999999999999999']) assert.throws(() => wholeNumber('runs', 'limit', raw), /--limit must be a whole number/, raw);
  assert.throws(() => finiteNumber('dataset', 'test', '0x10'), /--test must be a decimal number; got '0x10'/);
  assert.ok(Object.is(finiteNumber('dataset', 'test', '-0'), 0), '-0 reads as 0');
  assert.equal(finiteNumber('dataset', 'test', '.5'), 0.5);
});

test('training flags come from HYPERPARAMETERS in kebab-case and are checked with the same table', () => {
  assert.deepEqual(Object.keys(HYPERPARAMETER_OPTIONS), HYPERPARAMETERS.map((s) => s.key.replaceAll('_', '-')));
  const flags = (argv: string[]) => parseCommandLine('train', argv, HYPERPARAMETER_OPTIONS).values;
  // Only what was given comes back, typed; booleans take true|false.
  assert.deepEqual(hyperparametersFromFlags(flags(['--batch-size', '8', '--learning-rate', '0.001', '--max-pooling', 'false']), 'scratch'), {
    batch_size: 8,
    learning_rate: 0.001,
    max_pooling: false,
  });
  assert.deepEqual(hyperparametersFromFlags(flags(['--max-pooling=TRUE']), 'scratch'), { max_pooling: true });
  const refused: [string[], RegExp][] = [
    [['--max-pooling', 'maybe'], /^--max-pooling takes true or false, got 'maybe'\./],
    [['--epochs', 'lots'], /^--epochs takes a number \(.*\), got 'lots'\./],
    [['--batch-size', '0x10'], /^--batch-size takes a number \(.*\), got '0x10'\./],
    [['--batch-size', '0'], /^Batch size \(batch_size\) must be a whole number 1 to 1024, got 0\./],
    [['--learning-rate', '-1'], /learning_rate\) must be a number above 0, up to 1, got -1\./],
    [['--batch-size', '2.5'], /batch_size\) must be a whole number 1 to 1024, got 2\.5\./],
  ];
  for (const [argv, message] of refused) assert.throws(() => hyperparametersFromFlags(flags(argv), 'scratch'), (err: unknown) => err instanceof UsageError && message.test(err.message), argv.join(' '));
});

test('--home works before and after the command name, and an unknown flag exits with 2', () => {
  const before = tempDir();
  const after = tempDir();
  const first = langlab(['--home', before, 'runs', '--json']);
  assert.equal(first.status, 0, first.stderr);
  assert.deepEqual(JSON.parse(first.stdout), { runs: [], total: 0 });
  assert.ok(existsSync(path.join(before, 'langlab.db')), 'the store was opened in the folder given before the command');
  const second = langlab(['runs', '--json', '--home', after]);
  assert.equal(second.status, 0, second.stderr);
  assert.ok(existsSync(path.join(after, 'langlab.db')), 'the store was opened in the folder given after the command');

  const unknown = langlab(['runs', '--warp', '--home', before]);
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /^langlab runs: Unknown option --warp\. See `langlab runs --help`\./);
  const bad = langlab(['runs', '--limit', 'ten', '--home', before]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--limit must be a positive whole number; got 'ten'/);
});
