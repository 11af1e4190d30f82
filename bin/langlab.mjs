#!/usr/bin/env node
// The `langlab` command: loads the TypeScript CLI through tsx's loader and runs it.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../main/cli/index.ts');
process.exitCode = await runCli(process.argv.slice(2));
