import { defineCommand } from './command.ts';

/** `langlab info`: where the data lives and what this machine can run (the Settings page, in a terminal; `app.info`). */
export const infoCommand = defineCommand({
  name: 'info',
  summary: 'show the data folder, the store and the execution providers',
  options: {},
  usage: () => 'Usage: langlab info [--home <dir>] [--json]',
  async run({ values }, ctx) {
    const service = await ctx.service();
    let app, providers;
    try {
      app = await service.call('app.info', {});
      providers = await service.call('app.providers', {});
    } finally {
      service.close();
    }
    // The keys (and their order) the command has always printed; app.info has more.
    const info = {
      version: app.version,
      dataDir: app.dataDir,
      storePath: app.storePath,
      schemaVersion: app.schemaVersion,
      onnxruntimeVersion: app.onnxruntimeVersion,
      providers,
    };
    if (values.json) {
      console.log(JSON.stringify(info));
      return 0;
    }
    console.log(`Langlab ${info.version}`);
    console.log(`Data folder: ${info.dataDir}`);
    console.log(`Store:       ${info.storePath} (schema ${info.schemaVersion})`);
    console.log(`onnxruntime-node ${info.onnxruntimeVersion}; providers:`);
    for (const p of info.providers) {
      console.log(`  ${p.name.padEnd(9)} ${p.status.padEnd(13)}  ${p.device ?? (p.status === 'unusable' || p.status === 'not-installed' ? 'no device found' : '')}`);
      console.log(`  ${''.padEnd(9)} ${p.detail}`);
    }
    return 0;
  },
});
