import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../../helpers/temp.ts';

const root = path.resolve(import.meta.dirname, '../../..');

test('--home chooses the data folder for every command, the dataset command included', () => {
  for (const [command, home] of [['dataset', tempDir()], ['runs', tempDir()]] as const) {
    const args = command === 'dataset' ? ['dataset', 'list', '--home', home, '--json'] : ['runs', `--home=${home}`, '--json'];
    const env = { ...process.env };
    delete env.LANGLAB_HOME;
    const result = spawnSync(process.execPath, [path.join(root, 'bin', 'langlab.mjs'), ...args], { cwd: root, env, encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    assert.ok(existsSync(path.join(home, 'langlab.db')), `${command} opened the store in ${home}`);
  }
});
