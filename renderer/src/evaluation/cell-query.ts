import type { PredictionRow } from '../../../preload/contract.ts';

/** One page of the files behind a confusion-matrix cell, from wherever an evaluation keeps them. */
export type CellQuery = (q: { trueLabel: string; predictedLabel: string; offset: number; limit: number }) => Promise<{ rows: PredictionRow[]; total: number }>;
