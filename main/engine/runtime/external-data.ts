import fs from 'node:fs';
import path from 'node:path';
import type { Graph } from '../graph/graph.ts';
import { type SerializeOptions, toOnnxExternal } from '../graph/serialize.ts';

/** The external-data file written beside `<name>.onnx`. */
export function externalDataName(modelFile: string): string {
  return `${path.basename(modelFile)}.data`;
}

/**
 * Writes a graph as `modelFile` plus its large initializers in `<modelFile>.data` beside it, so a
 * session created from the path maps the weights from the file instead of copying them into its own
 * memory (onnxruntime maps external data on the CPU provider), and sessions over the same file share
 * those pages. Both files are written under temporary names and renamed, data first, so a reader
 * never sees a model whose data is missing or partial. Returns the model's path.
 */
export function writeModelWithExternalData(modelFile: string, g: Graph, options: SerializeOptions & { minBytes?: number } = {}): string {
  const location = externalDataName(modelFile);
  const { model, external } = toOnnxExternal(g, { ...options, externalData: { location, minBytes: options.minBytes } });
  const dir = path.dirname(modelFile);
  fs.mkdirSync(dir, { recursive: true });
  const dataPath = path.join(dir, location);
  const tmpData = `${dataPath}.tmp-${process.pid}`;
  const tmpModel = `${modelFile}.tmp-${process.pid}`;
  if (external.length === 0) {
    // Nothing large enough to map: one self-contained file, and no stale data file beside it.
    fs.writeFileSync(tmpModel, model);
    fs.renameSync(tmpModel, modelFile);
    fs.rmSync(dataPath, { force: true });
    return modelFile;
  }
  try {
    const fd = fs.openSync(tmpData, 'w');
    try {
      for (const t of external) {
        let done = 0;
        while (done < t.bytes.byteLength) done += fs.writeSync(fd, t.bytes, done, t.bytes.byteLength - done, t.offset + done);
      }
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.writeFileSync(tmpModel, model);
    fs.renameSync(tmpData, dataPath);
    fs.renameSync(tmpModel, modelFile);
  } catch (err) {
    fs.rmSync(tmpData, { force: true });
    fs.rmSync(tmpModel, { force: true });
    throw new Error(`could not write the model ${modelFile} with its external data: ${err instanceof Error ? err.message : String(err)}`);
  }
  return modelFile;
}

/** Removes a model written by `writeModelWithExternalData` and its data file (missing files are fine). */
export function removeModelWithExternalData(modelFile: string): void {
  fs.rmSync(modelFile, { force: true });
  fs.rmSync(path.join(path.dirname(modelFile), externalDataName(modelFile)), { force: true });
}
