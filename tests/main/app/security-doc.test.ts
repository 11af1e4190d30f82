// docs/security.md answers Electron's 20-item security checklist with test names. This keeps the page
// honest: every item is there, each names a test or says why it does not apply, and every test it
// names exists in the file it names.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

const root = path.resolve(import.meta.dirname, '../../..');
const doc = fs.readFileSync(path.join(root, 'docs', 'security.md'), 'utf8');

/** `- tests/x.test.ts › name` lines of a piece of the page. */
const references = (text: string) => [...text.matchAll(/^- (tests\/\S+\.test\.ts) › (.+)$/gm)].map((m) => ({ file: m[1], name: m[2].trim() }));

/** Whether `file` declares a test called exactly `name`. */
function declares(file: string, name: string): boolean {
  const code = fs.readFileSync(path.join(root, file), 'utf8');
  return [`test('${name.replaceAll("'", "\\'")}'`, `test("${name}"`, `test(\`${name}\``].some((opening) => code.includes(opening));
}

test('docs/security.md answers all 20 checklist items in order, each with tests or a reason', () => {
  const checklist = doc.slice(doc.indexOf('## The checklist'), doc.indexOf('\n## ', doc.indexOf('## The checklist') + 1));
  const sections = checklist.split(/^### /m).slice(1);
  assert.deepEqual(sections.map((s) => Number(/^(\d+)\./.exec(s)?.[1])), Array.from({ length: 20 }, (_, i) => i + 1));
  for (const section of sections) {
    const title = section.split('\n')[0];
    assert.ok(references(section).length > 0 || /^Does not apply: /m.test(section), `${title}: a test or a reason`);
  }
});

test('every test the page names exists in the file it names', () => {
  const refs = references(doc);
  assert.ok(refs.length >= 40);
  const missing = refs.filter(({ file, name }) => !fs.existsSync(path.join(root, file)) || !declares(file, name));
  assert.deepEqual(missing, []);
});

test('the README links the page', () => {
  assert.match(fs.readFileSync(path.join(root, 'README.md'), 'utf8'), /\]\(docs\/security\.md\)/);
});
