// The main thread's handle on one engine process, whatever runs it: a worker thread under Node
// (browser mode, CLI, tests) or an Electron utilityProcess in the desktop app.

import type { FromEngine, ToEngine } from './protocol.ts';

/** One started engine process. */
export interface EnginePort {
  send(message: ToEngine): void;
  onMessage(listener: (message: FromEngine) => void): void;
  /**
   * Called once when the process is gone: `error` says why when it crashed or exited on its own,
   * and is null after `kill()`.
   */
  onExit(listener: (error: string | null) => void): void;
  /** Stops the process at once (no checkpoint is written). */
  kill(): void;
}

/** Starts an engine process running `entry` (a module path or file URL). */
export type EngineSpawner = (entry: string) => EnginePort;
