// Engine processes in the desktop app: each training run gets an Electron utilityProcess (a Node
// child process Chromium manages), so a crash or an out-of-memory in the engine never takes the app
// down. The same protocol as the worker threads that browser mode and the CLI use.

import { fileURLToPath } from 'node:url';
import type { EnginePort, EngineSpawner } from '../trainer/host/engine-port.ts';
import type { FromEngine, ToEngine } from '../trainer/host/protocol.ts';

/** The slice of an Electron UtilityProcess the spawner uses. */
export interface UtilityChildLike {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  on(event: 'error', listener: (type: string, location: string, report: string) => void): unknown;
  kill(): boolean;
}

/** Electron's `utilityProcess` module, as far as the spawner needs it. */
export interface UtilityProcessLike {
  fork(modulePath: string, args?: string[], options?: { serviceName?: string; stdio?: 'inherit' | 'pipe' | 'ignore' }): UtilityChildLike;
}

/** An EngineSpawner over utilityProcess.fork; `entry` must be a bundled .mjs/.js file. */
export function utilityProcessSpawner(utilityProcess: UtilityProcessLike): EngineSpawner {
  return (entry) => {
    // A path, not a URL's pathname: an install folder such as "Program Files" must not stay %20-encoded.
    const modulePath = entry.startsWith('file:') ? fileURLToPath(entry) : entry;
    const child = utilityProcess.fork(modulePath, [], { serviceName: 'Langlab engine', stdio: 'inherit' });
    let killed = false;
    let fatal: string | null = null;
    const exitListeners: ((error: string | null) => void)[] = [];
    child.on('error', (type, location) => {
      fatal = `${type} at ${location}`;
    });
    child.on('exit', (code) => {
      const error = killed ? null : fatal ?? `it exited with code ${code}`;
      for (const l of exitListeners) l(error);
    });
    const port: EnginePort = {
      send: (message: ToEngine) => child.postMessage(message),
      onMessage: (listener) => child.on('message', (m) => listener(m as FromEngine)),
      onExit: (listener) => exitListeners.push(listener),
      kill: () => {
        killed = true;
        child.kill();
      },
    };
    return port;
  };
}

