// The small pure pieces of start-up: which SQLite binary to load, what the error dialog says, the menu.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import type { MenuItemConstructorOptions } from 'electron';
import { LanglabError } from '../../../main/errors.ts';
import { appMenuTemplate } from '../../../main/app/menu.ts';
import { electronNativeBinding } from '../../../main/app/native-binding.ts';
import { startupErrorText } from '../../../main/app/startup-error.ts';

test('the Electron build of better-sqlite3 is used when present, from resources when packaged', () => {
  const all = () => true;
  assert.equal(
    electronNativeBinding({ isPackaged: false, resourcesPath: '/r', appRoot: '/repo', exists: all }),
    path.join('/repo', 'native', 'electron', 'better_sqlite3.node'),
  );
  assert.equal(
    electronNativeBinding({ isPackaged: true, resourcesPath: '/r', appRoot: '/app.asar', exists: all }),
    path.join('/r', 'native', 'better_sqlite3.node'),
  );
  assert.equal(electronNativeBinding({ isPackaged: false, resourcesPath: '/r', appRoot: '/repo', exists: () => false }), undefined);
});

test('a store that refuses to open shows its own message', () => {
  const err = new LanglabError('STORE_LOCKED', 'The store at /x is in use by browser mode (pid 12). Stop it first.');
  assert.deepEqual(startupErrorText(err, { isPackaged: true }), { title: 'Langlab cannot start', content: err.message });
});

test('a SQLite module built for plain Node says how to rebuild it', () => {
  const err = new Error('The module was compiled against a different Node.js version using NODE_MODULE_VERSION 115.');
  assert.match(startupErrorText(err, { isPackaged: false }).content, /npm run rebuild:electron-native/);
  assert.match(startupErrorText(err, { isPackaged: true }).content, /reinstall/);
  assert.match(startupErrorText('boom', { isPackaged: false }).content, /boom/);
});

function labels(items: MenuItemConstructorOptions[]): string[] {
  return items.map((i) => i.label ?? String(i.role));
}
function flat(items: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return items.flatMap((i) => [i, ...(Array.isArray(i.submenu) ? flat(i.submenu) : [])]);
}

test('the menu has the usual roles; devtools only unpackaged; the data folder command works', () => {
  let opened = 0;
  const actions = { openDataFolder: () => void opened++ };
  const linux = appMenuTemplate({ platform: 'linux', isPackaged: true, actions });
  assert.deepEqual(labels(linux), ['File', 'editMenu', 'View', 'windowMenu', 'help']);
  assert.ok(!flat(linux).some((i) => i.role === 'toggleDevTools' || i.role === 'reload'));
  assert.ok(flat(linux).some((i) => i.role === 'quit'));
  const dev = appMenuTemplate({ platform: 'linux', isPackaged: false, actions });
  assert.ok(flat(dev).some((i) => i.role === 'toggleDevTools'));
  const mac = appMenuTemplate({ platform: 'darwin', isPackaged: true, actions });
  assert.equal(mac[0].role, 'appMenu');
  const open = flat(linux).find((i) => i.label === 'Open Data Folder');
  (open?.click as (() => void) | undefined)?.();
  assert.equal(opened, 1);
});
