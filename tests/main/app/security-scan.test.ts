// Source scans for Electron's security checklist (docs/security.md): rules about where a dangerous API
// may be called at all, read from the TypeScript syntax tree of main/ and preload/ rather than grepped,
// so a comment or a string cannot satisfy or trip them. Each checker is also run on a bad snippet, to
// show it would fail if the code regressed.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';

const root = path.resolve(import.meta.dirname, '../../..');

/** Every TypeScript source under the given folders, relative to the repository, sorted. */
function sources(...folders: string[]): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = path.posix.join(dir, entry.name);
      if (entry.isDirectory()) walk(rel);
      else if (/\.(ts|mts)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) files.push(rel);
    }
  };
  for (const folder of folders) walk(folder);
  return files.sort();
}

const parse = (file: string, text = fs.readFileSync(path.join(root, file), 'utf8')) => ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);

/** Visits every node of a file. */
function each(node: ts.Node, visit: (node: ts.Node) => void): void {
  visit(node);
  node.forEachChild((child) => each(child, visit));
}

/** The name a call calls: `shell.openExternal(x)` and `openExternal(x)` are both 'openExternal'. */
function calleeName(call: ts.CallExpression | ts.NewExpression): string | undefined {
  const callee = call.expression;
  if (ts.isIdentifier(callee)) return callee.text;
  if (ts.isPropertyAccessExpression(callee)) return callee.name.text;
  return undefined;
}

const where = (node: ts.Node) => {
  const sf = node.getSourceFile();
  return `${sf.fileName}:${sf.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
};

// --- shell.openExternal only with a checked URL -------------------------------------------------

/**
 * Why a call to openExternal is safe, or undefined when nothing shows it is: either it sits in the
 * then-branch of `if (isExternalWebUrl(u))` and opens that same `u`, or it is the opener handed to
 * hardenWebContents, which calls it only after that same check (tests/main/app/harden-contents.test.ts).
 */
function openExternalGuard(call: ts.CallExpression): string | undefined {
  const arg = call.arguments[0]?.getText();
  for (let node: ts.Node = call; node.parent; node = node.parent) {
    const parent = node.parent;
    if (ts.isIfStatement(parent) && parent.thenStatement === node) {
      const cond = parent.expression;
      if (ts.isCallExpression(cond) && calleeName(cond) === 'isExternalWebUrl' && cond.arguments[0]?.getText() === arg) return 'checked by isExternalWebUrl';
    }
    if (ts.isCallExpression(parent) && calleeName(parent) === 'hardenWebContents' && parent.arguments.includes(node as ts.Expression)) {
      return 'passed to hardenWebContents';
    }
  }
  return undefined;
}

function unguardedOpenExternal(file: ts.SourceFile): string[] {
  const found: string[] = [];
  each(file, (node) => {
    if (ts.isCallExpression(node) && calleeName(node) === 'openExternal' && !openExternalGuard(node)) found.push(where(node));
  });
  return found;
}

test('every shell.openExternal call in main/ and preload/ opens only a URL checked to be http(s)', () => {
  const calls: string[] = [];
  for (const file of sources('main', 'preload')) {
    const sf = parse(file);
    assert.deepEqual(unguardedOpenExternal(sf), [], `${file} opens an unchecked URL`);
    each(sf, (node) => {
      if (ts.isCallExpression(node) && calleeName(node) === 'openExternal') calls.push(`${file}: ${openExternalGuard(node)}`);
    });
  }
  // The two call sites today: the window's page hardening, and the real shell it is given.
  assert.deepEqual(calls, ['main/app/desktop-app.ts: passed to hardenWebContents', 'main/app/harden-contents.ts: checked by isExternalWebUrl']);
  // The preload and the renderer never reach the shell at all.
  for (const file of [...sources('preload'), ...sources('renderer/src')]) assert.doesNotMatch(fs.readFileSync(path.join(root, file), 'utf8'), /\bshell\b.*openExternal|openExternal\s*\(/, file);
});

test('the openExternal checker flags an unchecked call, a check of another value, and a call outside the check', () => {
  const bad = [
    'shell.openExternal(url);',
    'if (isExternalWebUrl(safe)) shell.openExternal(url);',
    'if (isExternalWebUrl(url)) {} else shell.openExternal(url);',
    'if (isAppUrl(url)) openExternal(url);',
    'hardenLater(contents, (u) => shell.openExternal(u));',
  ];
  for (const code of bad) assert.equal(unguardedOpenExternal(parse('bad.ts', code)).length, 1, code);
  const good = ['if (isExternalWebUrl(url)) void shell.openExternal(url);', 'hardenWebContents(contents, (u) => shell.openExternal(u));'];
  for (const code of good) assert.deepEqual(unguardedOpenExternal(parse('good.ts', code)), [], code);
});

// --- IPC handlers in one place, each behind the sender check ---------------------------------------

const IPC_REGISTRATION = new Set(['handle', 'handleOnce', 'on', 'once', 'addListener']);

/** Places that register an ipcMain listener (`ipcMain.handle(...)`, `wiring.ipcMain.on(...)`). */
function ipcRegistrations(file: ts.SourceFile): string[] {
  const found: string[] = [];
  each(file, (node) => {
    if (!ts.isCallExpression(node) || !ts.isPropertyAccessExpression(node.expression)) return;
    const target = node.expression.expression;
    const targetName = ts.isIdentifier(target) ? target.text : ts.isPropertyAccessExpression(target) ? target.name.text : '';
    if (targetName === 'ipcMain' && IPC_REGISTRATION.has(node.expression.name.text)) found.push(where(node));
  });
  return found;
}

test('IPC handlers are registered only in main/app/ipc.ts, and there only behind isTrustedSender', () => {
  const registrations = sources('main', 'preload').flatMap((file) => ipcRegistrations(parse(file)));
  assert.equal(registrations.length, 1);
  assert.match(registrations[0], /^main\/app\/ipc\.ts:/);
  // The one handler refuses before it dispatches: its body starts with the sender check.
  const ipc = parse('main/app/ipc.ts');
  let checked = false;
  each(ipc, (node) => {
    if (!ts.isCallExpression(node) || calleeName(node) !== 'handle') return;
    const listener = node.arguments[1];
    assert.ok(listener && ts.isArrowFunction(listener) && ts.isBlock(listener.body));
    const first = listener.body.statements[0];
    assert.ok(first && ts.isIfStatement(first) && /^!isTrustedSender\(event, /.test(first.expression.getText()), where(node));
    checked = true;
  });
  assert.ok(checked);
  assert.equal(ipcRegistrations(parse('bad.ts', 'ipcMain.on("x", () => {}); electron.ipcMain.handle("y", f);')).length, 2);
});

// --- One kind of window, loaded from app:// ----------------------------------------------------------

const WINDOW_CLASSES = new Set(['BrowserWindow', 'BrowserView', 'WebContentsView', 'BaseWindow']);

function windowProblems(file: ts.SourceFile): string[] {
  const found: string[] = [];
  each(file, (node) => {
    if (ts.isNewExpression(node) && WINDOW_CLASSES.has(calleeName(node) ?? '')) {
      const arg = node.arguments?.[0];
      if (!arg || !ts.isCallExpression(arg) || calleeName(arg) !== 'mainWindowOptions') found.push(`${where(node)}: a window not made from mainWindowOptions`);
    }
    if (ts.isCallExpression(node) && calleeName(node) === 'loadFile') found.push(`${where(node)}: loadFile (file://)`);
    if (ts.isCallExpression(node) && calleeName(node) === 'loadURL') {
      const arg = node.arguments[0];
      if (!arg || !ts.isIdentifier(arg) || arg.text !== 'APP_START_URL') found.push(`${where(node)}: loadURL of something other than APP_START_URL`);
    }
    if ((ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateHead(node)) && /^file:\/\//i.test(node.text)) {
      found.push(`${where(node)}: a file:// URL`);
    }
  });
  return found;
}

test('every window is made from mainWindowOptions and loads only the app:// start page, never file://', () => {
  for (const file of sources('main/app', 'preload')) assert.deepEqual(windowProblems(parse(file)), [], file);
  const bad = [
    'new BrowserWindow({ webPreferences: { sandbox: false } });',
    'new electron.WebContentsView();',
    'win.loadFile("index.html");',
    'win.loadURL(`file://${dir}/index.html`);',
    'win.loadURL("https://example.com");',
  ];
  for (const code of bad) assert.ok(windowProblems(parse('bad.ts', code)).length > 0, code);
  assert.deepEqual(windowProblems(parse('good.ts', 'new BrowserWindow(mainWindowOptions(s)); void w.loadURL(APP_START_URL);')), []);
});

// --- No renderer setting turned back on -------------------------------------------------------------

/** webPreferences and <webview> settings that must never appear with these values. */
const UNSAFE_SETTINGS: Record<string, (value: ts.Expression) => boolean> = {
  nodeIntegration: (v) => v.kind !== ts.SyntaxKind.FalseKeyword,
  nodeIntegrationInWorker: (v) => v.kind !== ts.SyntaxKind.FalseKeyword,
  nodeIntegrationInSubFrames: (v) => v.kind !== ts.SyntaxKind.FalseKeyword,
  contextIsolation: (v) => v.kind !== ts.SyntaxKind.TrueKeyword,
  sandbox: (v) => v.kind !== ts.SyntaxKind.TrueKeyword,
  webSecurity: (v) => v.kind !== ts.SyntaxKind.TrueKeyword,
  allowRunningInsecureContent: (v) => v.kind !== ts.SyntaxKind.FalseKeyword,
  webviewTag: (v) => v.kind !== ts.SyntaxKind.FalseKeyword,
  experimentalFeatures: (v) => v.kind !== ts.SyntaxKind.FalseKeyword,
  enableBlinkFeatures: () => true,
  allowpopups: () => true,
};

function unsafeSettings(file: ts.SourceFile): string[] {
  const found: string[] = [];
  each(file, (node) => {
    if (ts.isPropertyAssignment(node) && ts.isIdentifier(node.name)) {
      const rule = UNSAFE_SETTINGS[node.name.text];
      if (rule?.(node.initializer)) found.push(`${where(node)}: ${node.getText()}`);
    }
    if (ts.isShorthandPropertyAssignment(node) && node.name.text in UNSAFE_SETTINGS) found.push(`${where(node)}: ${node.name.text} from a variable`);
  });
  return found;
}

test('no source sets a renderer security preference to anything but its safe literal value', () => {
  for (const file of sources('main', 'preload')) assert.deepEqual(unsafeSettings(parse(file)), [], file);
  for (const code of ['({ sandbox: false })', '({ webviewTag: true })', '({ contextIsolation: isDev })', '({ enableBlinkFeatures: "X" })', '({ nodeIntegration })']) {
    assert.equal(unsafeSettings(parse('bad.ts', code)).length, 1, code);
  }
  // The renderer has no <webview> element to set them on.
  const markup = [path.join('renderer', 'index.html'), ...walkSvelte('renderer/src')];
  for (const file of markup) assert.doesNotMatch(fs.readFileSync(path.join(root, file), 'utf8'), /<webview\b/i, file);
});

function walkSvelte(dir: string): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.svelte'))
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)));
}

// --- The preload exposes one bridge, never Electron itself ------------------------------------------

test('the preload exposes exactly one object, built by createIpcBridge, and never ipcRenderer itself', () => {
  const exposures: ts.CallExpression[] = [];
  for (const file of sources('preload', 'main')) {
    each(parse(file), (node) => {
      if (ts.isCallExpression(node) && calleeName(node) === 'exposeInMainWorld') exposures.push(node);
    });
  }
  assert.equal(exposures.length, 1);
  const [call] = exposures;
  assert.match(where(call), /^preload\/preload\.ts:/);
  const value = call.arguments[1];
  assert.ok(value && ts.isCallExpression(value) && calleeName(value) === 'createIpcBridge', value?.getText());
  // What that object holds (named functions only, no ipcRenderer) is checked by running the built
  // preload in a sandbox: tests/main/app/build-electron.test.ts.
});
