import type { AppInfo } from '../../preload/contract.ts';
import { acquireInstanceLock } from '../store/lock.ts';
import { dataDirectory, ensureDataDirectory, storePath } from '../store/paths.ts';
import { openStore, type Store } from '../store/store.ts';
import { interruptOwnLrFinds } from '../store/lr-finds.ts';
import type { EngineSpawner } from '../trainer/host/engine-port.ts';
import { Predictor } from '../trainer/host/predictor.ts';
import { RunManager } from '../trainer/host/run-manager.ts';
import { SweepRunner } from '../trainer/host/sweep-runner.ts';
import { CLASSIFY_INFERENCE_THREADS, CLASSIFY_WORKERS } from '../classify/classify-folder.ts';
import { ClassifyJobs } from '../classify/jobs.ts';
import { JobRegistry } from '../jobs/registry.ts';
import { createDispatch, type Dispatch } from './dispatch.ts';
import { EventHub } from './events.ts';
import { createService } from './service.ts';
import type { PathPicker, SavePathPicker } from './service-context.ts';

/** Everything a transport needs: the dispatcher, the event hub, and a way to shut down. */
export interface Backend {
  readonly dispatch: Dispatch;
  readonly events: EventHub;
  readonly store: Store;
  readonly dataDir: string;
  readonly runs: RunManager;
  readonly sweeps: SweepRunner;
  /** Stops jobs, the prediction worker, sweeps and training runs (they end INTERRUPTED, resumable), then closes the store and the lock. */
  close(): void;
}

export interface BackendOptions {
  runtime: AppInfo['runtime'];
  /** Defaults to LANGLAB_HOME or the platform's user-data folder. */
  dataDir?: string;
  nativeBinding?: string;
  /** How engine processes start (Electron: utilityProcess); worker threads by default. */
  spawnEngine?: EngineSpawner;
  /** The engine module those processes run; the worker table's engine entry by default (tests pass fakes). */
  engineEntry?: string;
  /** The native file dialog (desktop app only; browser mode shows a path field). */
  pickPath?: PathPicker;
  /** The native save dialog (desktop app only; browser mode downloads instead). */
  pickSavePath?: SavePathPicker;
  /**
   * Whether this backend owns the data folder (default true): it takes the single-instance lock.
   * The command line runs beside the app on the same store, so it passes false. Every backend
   * recovers what a crashed process left (RUNNING runs and jobs, half-saved datasets): recovery
   * touches only work whose owner process is gone, so the app's live runs are left alone, and a
   * run a killed `langlab train` left RUNNING can be resumed from the command line.
   */
  exclusive?: boolean;
  /** Intra-op threads for training runs; every core when absent (`langlab train --threads`). */
  threads?: number;
}


/**
 * Starts the app's backend: takes the single-instance lock on the data folder, opens the store
 * (recovering runs a crash left RUNNING) and builds the service. Shared by Electron and browser mode.
 */
export function startBackend(options: BackendOptions): Backend {
  const dataDir = options.dataDir ?? dataDirectory();
  const exclusive = options.exclusive ?? true;
  ensureDataDirectory(dataDir);
  const lock = exclusive ? acquireInstanceLock(dataDir, options.runtime === 'electron' ? 'desktop app' : 'browser mode') : null;
  let store: Store;
  try {
    store = openStore({ file: storePath(dataDir), nativeBinding: options.nativeBinding, recoverCrashed: true, checkpointInWorker: true });
  } catch (err) {
    lock?.release();
    throw err;
  }
  const events = new EventHub();
  const jobs = new JobRegistry((info) => events.emit('job.progress', info));
  const runs = new RunManager({
    store,
    dataDir,
    events,
    jobs,
    ...(options.spawnEngine ? { spawn: options.spawnEngine } : {}),
    ...(options.engineEntry ? { engineEntry: options.engineEntry } : {}),
    ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
    ...(options.threads !== undefined ? { threads: options.threads } : {}),
  });
  const sweeps = new SweepRunner({ store, runs, jobs, events });
  // One prediction worker for the Try it box and evaluations on datasets; classification jobs spread
  // their batches over workers of their own, one per core (each starts on a job's first batch).
  const predictor = new Predictor();
  const classifyPredictor = new Predictor({ workers: CLASSIFY_WORKERS });
  const classify = new ClassifyJobs({
    db: store.db,
    events,
    jobs,
    predict: (modelDir, texts) => classifyPredictor.predict(modelDir, texts, undefined, CLASSIFY_INFERENCE_THREADS),
    predictPair: (modelDirs, texts) => classifyPredictor.predictPair(modelDirs, texts, undefined, CLASSIFY_INFERENCE_THREADS),
    folderOptions: { inFlight: 2 * CLASSIFY_WORKERS },
  });
  const dispatch = createDispatch(createService({
    store, dataDir, events, runtime: options.runtime, runs, sweeps, predictor, jobs, classify,
    ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
    ...(options.pickPath ? { pickPath: options.pickPath } : {}),
    ...(options.pickSavePath ? { pickSavePath: options.pickSavePath } : {}),
  }));
  let closed = false;
  return {
    dispatch,
    events,
    store,
    dataDir,
    runs,
    sweeps,
    close() {
      // Once only: a second close (a test's cleanup after the app closed) finds the store closed.
      if (closed) return;
      closed = true;
      // Jobs and runs stop before the store closes, so none of them writes to a closed store.
      jobs.cancelAll();
      void predictor.close(); // stops its worker once the answers still due are in
      void classifyPredictor.close();
      // Sweeps first: they end INTERRUPTED and start no further trial when their run is stopped.
      sweeps.close();
      runs.close();
      interruptOwnLrFinds(store.db);
      store.close();
      lock?.release();
    },
  };
}
