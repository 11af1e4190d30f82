import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { SHOTS, skip, useBrowser } from './browser-helpers.ts';

const { browser, serve: serveHome } = useBrowser();
const temps: string[] = [];

// Made here rather than with tests/helpers/temp.ts, whose clean-up inside a `before` hook runs too early.
function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

function write(root: string, rel: string, content: string | Buffer): void {
  const abs = path.join(root, rel);
  mkdirSync(path.dirname(abs), { recursive: true });
  writeFileSync(abs, content);
}

/** Three languages (python has more than a page of files; java in five projects), an empty file, a binary one and a copy. */
function smallDataset(): string {
  const root = tempDir('langlab-e2e-ds-');
  for (let i = 0; i < 60; i++) {
    write(root, `python/mod${String(i).padStart(2, '0')}.py`, `import os\n\n\ndef handler_${i}(path):\n    """Reads ${i} lines."""\n    with open(path) as f:\n        return [line for line in f][:${i}]\n${'# filler\n'.repeat(i * 3)}`);
  }
  for (let i = 0; i < 20; i++) {
    write(root, `javascript/app${i}.js`, `export function render${i}(items) {\n  return items.map((x) => x * ${i}).filter(Boolean);\n}\n`);
    write(root, `java/project${i % 5}/Main${i}.java`, `public class Main${i} {\n  public static void main(String[] args) {\n    System.out.println(${i});\n  }\n}\n`);
  }
  // Near-copies (one identifier renamed) that the seeded split is likely to put on both sides.
  for (let i = 0; i < 6; i++) {
    const body = (name: string) => `export function summarise${i}(${name}) {\n  const total = ${name}.reduce((sum, item) => sum + item.price * item.count, 0);\n  const names = ${name}.map((item) => item.name.trim().toLowerCase());\n  return { total, names, size: ${name}.length, first: names[0] ?? null };\n}\n`;
    write(root, `javascript/near${i}a.js`, body('orders'));
    write(root, `javascript/near${i}b.js`, body('order_list'));
  }
  write(root, 'python/empty.py', '');
  write(root, 'java/blob.class', Buffer.from([0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 0x34]));
  write(root, 'javascript/copy.js', `export function render3(items) {\n  return items.map((x) => x * 3).filter(Boolean);\n}\n`);
  return root;
}

/** Enough files that a scan is still running when the Cancel button is pressed. */
function largeDataset(): string {
  const root = tempDir('langlab-e2e-big-');
  for (const c of ['python', 'javascript', 'java']) {
    mkdirSync(path.join(root, c, 'src'), { recursive: true });
    for (let i = 0; i < 6000; i++) writeFileSync(path.join(root, c, 'src', `f${i}.txt`), `${c} file ${i}\nvalue = ${i * 7}\n`);
  }
  return root;
}

let small: string;
let large: string;

before(() => {
  if (skip) return;
  small = smallDataset();
  large = largeDataset();
});

after(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

const serve = () => serveHome(tempDir('langlab-e2e-home-'));

async function addFolder(page: Page, folder: string): Promise<void> {
  await page.getByTestId('add-dataset-form').waitFor();
  await page.getByLabel('Dataset folder').fill(folder);
  await page.getByTestId('add-dataset-submit').click();
}

for (const scheme of ['light', 'dark'] as const) {
  test(`add a folder dataset, read its report, browse its files, cancel a large scan, delete (${scheme})`, { skip }, async () => {
    const { backend, server } = await serve();
    const page = await browser().newPage({ viewport: { width: 1280, height: 900 }, colorScheme: scheme });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const shot = (name: string, fullPage = false) => page.screenshot({ path: path.join(SHOTS, `datasets-${name}-${scheme}.png`), fullPage });

    await page.goto(server.url);
    await page.getByRole('heading', { name: 'No datasets yet' }).waitFor();
    await page.getByRole('link', { name: 'Add dataset' }).click();
    await page.getByText('Build from repositories').click();
    await page.getByLabel('Folder of code 1').waitFor();
    await shot('build-form');
    await page.getByText('Folder per language').click();

    // A path that does not exist is refused by the server before anything starts.
    await addFolder(page, path.join(small, 'missing'));
    await page.getByRole('alert').waitFor();
    assert.match((await page.getByRole('alert').textContent()) ?? '', /missing does not exist/);
    await shot('add-error');

    await addFolder(page, small);
    await page.getByTestId('dataset-facts').waitFor();
    assert.match(page.url(), /#\/datasets\/\d+$/);
    assert.match((await page.getByTestId('dataset-facts').textContent()) ?? '', /3\s*classes.*112\s*files/s);
    const classes = (await page.getByTestId('dataset-classes').textContent()) ?? '';
    for (const label of ['python', 'javascript', 'java']) assert.match(classes, new RegExp(label));
    assert.match((await page.getByTestId('split-sizes').textContent()) ?? '', /train.*validation.*test/s);
    await page.getByTestId('length-histogram').locator('canvas').waitFor();
    const skipped = page.getByTestId('skipped-list');
    assert.match((await skipped.textContent()) ?? '', /empty or whitespace only.*NUL bytes/s);
    await skipped.getByText('empty or whitespace only').click();
    await skipped.getByText('python/empty.py').waitFor();
    const issues = (await page.getByTestId('data-issues').textContent()) ?? '';
    assert.match(issues, /1\s*duplicate copy dropped/);
    assert.match(issues, /[1-9]\d*\s*near-duplicate pairs? across splits/);
    await page.getByTestId('near-duplicates').getByText('javascript/near1a.js').first().waitFor();
    // Java's five projects are held out whole; the flat classes are split per file, and the page says which is which.
    const projects = page.getByTestId('dataset-projects');
    assert.match((await projects.textContent()) ?? '', /hold out whole projects, with their files in every language, where a class has at least three/);
    assert.match((await projects.locator('tr', { hasText: 'java' }).first().textContent()) ?? '', /java\s*by project\s*5\s*3 · 1 · 1/);
    assert.match((await projects.locator('tr', { hasText: 'python' }).textContent()) ?? '', /per file/);
    await shot('report', true);

    // The file browser pages through python (60 files, 50 a page) and opens one highlighted.
    const browserPanel = page.getByTestId('file-browser');
    await browserPanel.getByTestId('browse-class').selectOption('python');
    await browserPanel.getByTestId('browse-range').filter({ hasText: '1–50 of 60' }).waitFor();
    await browserPanel.getByRole('button', { name: 'Next page' }).click();
    await browserPanel.getByTestId('browse-range').filter({ hasText: '51–60 of 60' }).waitFor();
    await browserPanel.getByTestId('browse-files').getByRole('button').first().click();
    const code = browserPanel.getByTestId('code-view');
    await code.waitFor();
    assert.equal(await code.getAttribute('data-language'), 'python');
    assert.ok((await code.locator('.hljs-keyword').count()) > 0, 'python keywords are highlighted');
    await browserPanel.scrollIntoViewIfNeeded();
    await shot('file');

    // A scan of 18,000 files shows its progress and stops on Cancel, saving nothing.
    await page.goto(server.url + '#/datasets/new');
    await addFolder(page, large);
    const progress = page.getByTestId('task-progress');
    await progress.waitFor();
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="task-files"]')?.textContent?.replace(/\D/g, '')) > 0);
    await shot('progress');
    await progress.getByTestId('task-cancel').click();
    await page.locator('[data-testid="task-progress"][data-status="cancelled"]').waitFor();
    assert.match((await progress.getByTestId('task-phase').textContent()) ?? '', /nothing was saved/);
    await shot('cancelled');
    assert.equal((backend.store.db.prepare('SELECT count(*) FROM datasets').pluck().get() as number), 1);

    await page.goto(server.url + '#/datasets');
    await page.getByTestId('dataset-card').waitFor();
    assert.equal(await page.getByTestId('dataset-card').count(), 1);
    await shot('list');

    // A split stored before projects were held out across classes: one of a java test project's files in training.
    backend.store.db.prepare(`UPDATE dataset_files SET split = 'train' WHERE rowid = (SELECT rowid FROM dataset_files WHERE label = 'java' AND split = 'test' LIMIT 1)`).run();
    await page.getByTestId('dataset-card').getByRole('link').click();
    const leak = page.getByTestId('project-leak');
    await leak.waitFor();
    assert.match((await leak.textContent()) ?? '', /1 java project\s+has files in more than one split.*add its folder again/s);
    assert.match((await page.getByTestId('dataset-projects').locator('tr', { hasText: 'java' }).first().textContent()) ?? '', /\(1 shared\)/);
    await page.getByTestId('dataset-projects').scrollIntoViewIfNeeded();
    await shot('project-leak');

    await page.getByTestId('dataset-delete').click();
    await page.getByTestId('confirm-dialog').getByRole('button', { name: 'Delete dataset' }).click();
    await page.getByRole('heading', { name: 'No datasets yet' }).waitFor();
    assert.deepEqual(errors, []);
    await page.close();
  });
}

test('a report with more conflicts than one screenful reveals them 200 at a time', { skip }, async () => {
  const root = tempDir('langlab-e2e-conflicts-');
  for (let i = 0; i < 10; i++) {
    write(root, `python/ok${i}.py`, `def f${i}(x):\n    return x + ${i}\n`);
    write(root, `java/Ok${i}.java`, `class Ok${i} { int f() { return ${i}; } }\n`);
  }
  // The same text under two labels: every copy is a conflict and is dropped.
  for (let i = 0; i < 205; i++) {
    write(root, `python/c${i}.py`, `value_${i} = ${i}\n`);
    write(root, `java/C${i}.java`, `value_${i} = ${i}\n`);
  }
  const { server } = await serve();
  const page = await browser().newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(server.url + '#/datasets/new');
  await addFolder(page, root);
  const issues = page.getByTestId('data-issues');
  await issues.waitFor();
  await issues.getByText(/205\s*conflicts/).click();
  assert.equal(await issues.locator('ul.group').count(), 200);
  await issues.getByRole('button', { name: 'Show 5 more of 5 conflicts' }).scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(SHOTS, 'datasets-conflicts-more.png') });
  await issues.getByRole('button', { name: 'Show 5 more of 5 conflicts' }).click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="data-issues"] ul.group').length === 205);
  assert.equal(await issues.getByRole('button', { name: /more of/ }).count(), 0);
  await page.close();
});

for (const scheme of ['light', 'dark'] as const) {
  test(`a dataset page names its options as the form does, searches file names, opens near-copies side by side, and a second add of the same folder is flagged (${scheme})`, { skip }, async () => {
    const { server } = await serve();
    const page = await browser().newPage({ viewport: { width: 1280, height: 900 }, colorScheme: scheme });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const shot = (name: string, fullPage = false) => page.screenshot({ path: path.join(SHOTS, `datasets-${name}-${scheme}.png`), fullPage });

    // Every bad field of the Add form is reported at once.
    await page.goto(server.url + '#/datasets/new');
    await page.getByTestId('add-dataset-form').waitFor();
    await page.getByLabel('Seed').fill('x');
    await page.getByLabel('Test fraction').fill('0x1');
    await page.getByTestId('add-dataset-submit').click();
    const alert = (await page.getByRole('alert').textContent()) ?? '';
    assert.match(alert, /Give the dataset folder\. Seed must be a whole number \(got "x"\)\. Test fraction must be a number \(got "0x1"\)\./);
    await page.getByLabel('Seed').fill('42');
    await page.getByLabel('Test fraction').fill('0.2');

    await addFolder(page, small);
    const facts = page.getByTestId('dataset-facts');
    await facts.waitFor();
    const first = page.url();
    assert.equal(await page.getByTestId('same-fingerprint').count(), 0);
    // "Made with" reads as the form: its labels, the largest file in KB.
    const options = await page.getByTestId('dataset-options').locator('dt, dd').allTextContents();
    assert.deepEqual(options.slice(0, 8), ['Seed', '42', 'Test fraction', '0.2', 'Validation fraction (of the rest)', '0.1', 'Largest file (KB)', '1024']);

    // File names are searched across every class.
    const files = page.getByTestId('file-browser');
    await files.getByLabel('Search file names').fill('NEAR1');
    await files.getByTestId('browse-range').filter({ hasText: '1–2 of 2' }).waitFor();
    assert.deepEqual((await files.getByTestId('browse-files').locator('.path').allTextContents()).sort(), ['javascript/near1a.js', 'javascript/near1b.js']);
    await files.getByLabel('Search file names').fill('no-such-name');
    await files.getByText('No file name here contains “no-such-name”.').waitFor();

    // A near-duplicate pair opens side by side.
    const pairs = page.getByTestId('near-duplicates');
    await pairs.getByRole('button', { name: /^Compare / }).first().click();
    const pair = page.getByTestId('near-pair');
    await pair.getByTestId('code-view').nth(1).waitFor();
    assert.equal(await pair.getByTestId('code-view').count(), 2);
    assert.match((await pair.textContent()) ?? '', /export function summarise/);
    await shot('near-pair');
    await page.keyboard.press('Escape');
    await pair.waitFor({ state: 'detached' });
    await shot('report-named', true);

    // The same folder again: the form says it was added, and the copy's page offers the original.
    await page.goto(server.url + '#/datasets/new');
    await page.getByTestId('add-dataset-form').waitFor();
    await page.getByLabel('Dataset folder').fill(small + '/');
    await page.getByTestId('added-before').getByRole('link').waitFor();
    await shot('added-before');
    await page.getByTestId('add-dataset-submit').click();
    const same = page.getByTestId('same-fingerprint');
    await same.waitFor();
    assert.notEqual(page.url(), first);
    await shot('same-fingerprint');
    await same.getByRole('link').click();
    await page.waitForURL(first);
    assert.deepEqual(errors, []);
    await page.close();
  });
}
