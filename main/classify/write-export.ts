// Writes a job's export to a file the user picked: into a temporary file beside it, renamed over
// it once complete, so a failure never leaves half an export under the chosen name.
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** Streams `lines` into `file` (replacing it) through a temporary file in the same folder. */
export async function writeExportFile(file: string, lines: Iterable<string>): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.part`);
  try {
    await pipeline(Readable.from(lines), fs.createWriteStream(tmp));
    await fs.promises.rename(tmp, file);
  } catch (err) {
    await fs.promises.rm(tmp, { force: true });
    throw err;
  }
}
