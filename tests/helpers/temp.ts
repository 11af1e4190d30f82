import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after } from 'node:test';

/**
 * A fresh temporary folder, removed when the test file finishes. The removal retries: a worker a
 * test's code left to finish (the store's WAL checkpoint after close) may still write a file there
 * while the folder is emptied, and rmdir then fails with ENOTEMPTY (seen once in CI).
 */
export function tempDir(prefix = 'langlab-test-'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  after(() => rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 }));
  return dir;
}
