#!/usr/bin/env node
// The `langlab` command: the bundle out/electron/cli.mjs while it is newer than the sources
// (`npm run build:electron` writes it; scripts/cli-bundle.mjs decides), otherwise the TypeScript
// CLI through tsx's loader. LANGLAB_FROM_SOURCE=1 always runs the sources.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { freshCliBundle } from '../scripts/cli-bundle.mjs';

const bundle = freshCliBundle(path.resolve(import.meta.dirname, '..'));
let runCli;
if (bundle) ({ runCli } = await import(pathToFileURL(bundle).href));
else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ runCli } = await import('../main/cli/index.ts'));
}
process.exitCode = await runCli(process.argv.slice(2));
