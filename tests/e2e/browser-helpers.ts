// Shared by the end-to-end tests: a browser-mode server over a temporary store, Chromium,
// fixed answers for requests whose server side is tested elsewhere, and screenshots in both themes.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { RequestArgs, RequestName, RequestResult } from '../../preload/contract.ts';
import { startBackend, type Backend } from '../../main/api/backend.ts';
import { RENDERER_DIST } from '../../main/server/browser-mode.ts';
import { startServer, type RunningServer } from '../../main/server/server.ts';
import { tempDir } from '../helpers/temp.ts';

export const CHROMIUM = '/usr/bin/chromium';
export const SHOTS = path.resolve(import.meta.dirname, '../../test-results/screenshots');
/** In CI a missing browser fails the run; on a developer machine without it the file is skipped. */
export const skip = !existsSync(CHROMIUM) && !process.env.CI ? 'Debian chromium is not installed (apt-get install chromium)' : false;

export interface Served {
  backend: Backend;
  server: RunningServer;
  url: string;
}

/** Sets up Chromium once per file and returns a function that serves a fresh temporary store. */
export function useBrowser(): { browser: () => Browser; serve: (dataDir?: string) => Promise<Served> } {
  let browser: Browser | undefined;
  const servers: Served[] = [];
  before(async () => {
    if (skip) return;
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: install Debian's chromium package`);
    mkdirSync(SHOTS, { recursive: true });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  after(async () => {
    await browser?.close();
    for (const s of servers) {
      await s.server.close();
      s.backend.close();
    }
  });
  return {
    browser: () => browser!,
    serve: async (dataDir = tempDir()) => {
      const backend = startBackend({ runtime: 'browser', dataDir });
      const server = await startServer({ dispatch: backend.dispatch, events: backend.events, staticDir: RENDERER_DIST, port: 0 });
      const served = { backend, server, url: server.url };
      servers.push(served);
      return served;
    },
  };
}

/** Answers one request in this page with `answer` (its arguments as the page sent them). */
export async function stub<K extends RequestName>(page: Page, name: K, answer: (args: RequestArgs<K>) => RequestResult<K>): Promise<void> {
  await page.route(`**/api/${name}`, async (route) => {
    const args = JSON.parse(route.request().postData() ?? '{}') as RequestArgs<K>;
    await route.fulfill({ contentType: 'application/json', body: JSON.stringify({ ok: true, result: answer(args) }) });
  });
}

/** The URL of a route of the app, with the server's token. */
export function at(served: Served, hash: string): string {
  return `${served.url}#${hash}`;
}

/** Fails the test on any uncaught page error; call `check()` at the end. */
export function collectErrors(page: Page): { check: () => void } {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return { check: () => assert.deepEqual(errors, []) };
}

/**
 * A screenshot of the whole page. The app scrolls inside <main>, so the viewport is stretched to
 * its content for the picture and put back afterwards.
 */
export async function shot(page: Page, name: string): Promise<void> {
  const viewport = page.viewportSize() ?? { width: 1280, height: 800 };
  const height = await page.evaluate(() => document.querySelector('main')?.scrollHeight ?? 0);
  if (height > viewport.height) await page.setViewportSize({ width: viewport.width, height: Math.min(height + 60, 6000) });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
  await page.setViewportSize(viewport);
}
