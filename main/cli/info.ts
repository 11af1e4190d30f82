import { listExecutionProviders, onnxruntimeVersion } from '../api/providers.ts';
import { APP_VERSION } from '../api/service.ts';
import { type CliCommand, openCliStore, parseCommandArgs, resolveHome } from './command.ts';

/** `langlab info`: where the data lives and what this machine can run (the Settings page, in a terminal). */
export const infoCommand: CliCommand = {
  name: 'info',
  summary: 'show the data folder, the store and the execution providers',
  async run(argv) {
    const { values } = parseCommandArgs('info', argv, {});
    if (values.help) {
      console.log('Usage: langlab info [--home <dir>] [--json]');
      return 0;
    }
    const store = openCliStore(values.home);
    const info = {
      version: APP_VERSION,
      dataDir: resolveHome(values.home),
      storePath: store.file,
      schemaVersion: store.schemaVersion,
      onnxruntimeVersion: onnxruntimeVersion(),
      providers: await listExecutionProviders(),
    };
    store.close();
    if (values.json) {
      console.log(JSON.stringify(info));
      return 0;
    }
    console.log(`Langlab ${info.version}`);
    console.log(`Data folder: ${info.dataDir}`);
    console.log(`Store:       ${info.storePath} (schema ${info.schemaVersion})`);
    console.log(`onnxruntime-node ${info.onnxruntimeVersion}; providers:`);
    for (const p of info.providers) console.log(`  ${p.name.padEnd(9)} ${p.available ? 'available    ' : 'not installed'}  ${p.detail}`);
    return 0;
  },
};
