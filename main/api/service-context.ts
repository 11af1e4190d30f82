import packageJson from '../../package.json' with { type: 'json' };
import type { AppInfo } from '../../preload/contract.ts';
import type { Store } from '../store/store.ts';
import type { EventHub } from './events.ts';

/** The application version, from package.json (a JSON import, so the Electron bundle inlines it). */
export const APP_VERSION: string = packageJson.version;

/** What the service calls to let the user pick paths (`system.pickPath`); resolves to [] when the dialog is dismissed. */
export type PathPicker = (kind: 'folder' | 'folders' | 'file', title?: string) => Promise<string[]>;

/** What the service calls to let the user pick where a file is saved; resolves to null when the dialog is dismissed. */
export type SavePathPicker = (o: { title: string; defaultName: string; filter: { name: string; extensions: string[] } }) => Promise<string | null>;

/** What every handler file gets: the open store, the data folder, the event hub. */
export interface ServiceContext {
  store: Store;
  dataDir: string;
  events: EventHub;
  runtime: AppInfo['runtime'];
  runs: import('../trainer/host/run-manager.ts').RunManager; // training runs off the main thread, one per backend
  sweeps: import('../trainer/host/sweep-runner.ts').SweepRunner; // sweeps: queues of runs, one trial at a time, one runner per backend
  predictor: import('../trainer/host/predictor.ts').Predictor; // ranked predictions from exported models, off the main thread, one per backend
  jobs: import('../jobs/registry.ts').JobRegistry; // long operations (dataset scans, evaluations, classifications), one registry per backend
  classify: import('../classify/jobs.ts').ClassifyJobs; // batch-classification jobs (store-backed jobs in the registry)
  nativeBinding?: string; // better-sqlite3 built for Electron, for workers of this process that open the store; desktop app only
  pickPath?: PathPicker; // the native dialog; desktop app only
  pickSavePath?: SavePathPicker; // the native save dialog; desktop app only
}

/** The handlers of one part of the contract. */
export type HandlersFor<R> = {
  [K in keyof R]: R[K] extends { args: infer A; result: infer T } ? (args: A) => Promise<T> : never;
};
