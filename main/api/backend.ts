import type { AppInfo } from '../../preload/contract.ts';
import { acquireInstanceLock } from '../store/lock.ts';
import { dataDirectory, storePath } from '../store/paths.ts';
import { openStore, type Store } from '../store/store.ts';
import { createDispatch, type Dispatch } from './dispatch.ts';
import { EventHub } from './events.ts';
import { createService } from './service.ts';

/** Everything a transport needs: the dispatcher, the event hub, and a way to shut down. */
export interface Backend {
  readonly dispatch: Dispatch;
  readonly events: EventHub;
  readonly store: Store;
  readonly dataDir: string;
  close(): void;
}

export interface BackendOptions {
  runtime: AppInfo['runtime'];
  /** Defaults to LANGLAB_HOME or the platform's user-data folder. */
  dataDir?: string;
  nativeBinding?: string;
}

/**
 * Starts the app's backend: takes the single-instance lock on the data folder, opens the store
 * (recovering runs a crash left RUNNING) and builds the service. Shared by Electron and browser mode.
 */
export function startBackend(options: BackendOptions): Backend {
  const dataDir = options.dataDir ?? dataDirectory();
  const lock = acquireInstanceLock(dataDir, options.runtime === 'electron' ? 'desktop app' : 'browser mode');
  let store: Store;
  try {
    store = openStore({ file: storePath(dataDir), nativeBinding: options.nativeBinding, recoverCrashed: true });
  } catch (err) {
    lock.release();
    throw err;
  }
  const events = new EventHub();
  const dispatch = createDispatch(createService({ store, dataDir, events, runtime: options.runtime }));
  return {
    dispatch,
    events,
    store,
    dataDir,
    close() {
      store.close();
      lock.release();
    },
  };
}
