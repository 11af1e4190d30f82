// A run's log: every line numbered, kept in the store (so a reconnecting view asks for what it
// missed with afterSeq), appended to <runDir>/log.txt for people reading files, and sent live.

import fs from 'node:fs';
import path from 'node:path';
import type { RunLogLine } from '../../../preload/contract.ts';
import { appendRunLog, lastLogSeq } from '../../store/run-logs.ts';
import type { StoreDb } from '../../store/store.ts';

/** The log file inside a run's folder. */
export const LOG_FILE = 'log.txt';

/** Writes one run's log lines; a resumed run continues the numbering. */
export class RunLog {
  #seq: number;
  readonly file: string;

  constructor(
    private readonly db: StoreDb,
    private readonly runId: number,
    runDir: string,
    private readonly emit: (line: RunLogLine) => void,
  ) {
    this.#seq = lastLogSeq(db, runId);
    this.file = path.join(runDir, LOG_FILE);
  }

  write(level: RunLogLine['level'], message: string, time = Date.now()): RunLogLine {
    const line: RunLogLine = { runId: this.runId, seq: ++this.#seq, level, message, time };
    appendRunLog(this.db, line);
    try {
      fs.appendFileSync(this.file, `${new Date(time).toISOString()} ${level.toUpperCase().padEnd(5)} ${message}\n`);
    } catch {
      // The store keeps the line; a missing or read-only folder must not stop the run.
    }
    this.emit(line);
    return line;
  }
}
