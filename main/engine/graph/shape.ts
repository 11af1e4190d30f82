/**
 * Static shapes with symbolic dimensions. A dimension is a number, or a name such as 'batch' that stays
 * dynamic in the ONNX model; autodiff needs ranks and which axes broadcast, so shapes are tracked here.
 */
export type Dim = number | string;
export type Shape = readonly Dim[];

/** NumPy/ONNX multidirectional broadcasting of two shapes. */
export function broadcastShapes(a: Shape, b: Shape, what: string): Dim[] {
  const rank = Math.max(a.length, b.length);
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    const da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
    const db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
    if (da === 1) out.push(db);
    else if (db === 1) out.push(da);
    else if (da === db) out.push(da);
    else if (typeof da === 'string' && typeof db === 'number') out.push(db);
    else if (typeof db === 'string' && typeof da === 'number') out.push(da);
    else if (typeof da === 'string' && typeof db === 'string') out.push(da);
    else throw new Error(`${what}: shapes [${a.join(',')}] and [${b.join(',')}] do not broadcast`);
  }
  return out;
}

/** Normalises a possibly negative axis against a rank. */
export function normAxis(axis: number, rank: number, what: string): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) throw new Error(`${what}: axis ${axis} is out of range for rank ${rank}`);
  return a;
}

/** Product of static dims, or null when any dim is symbolic. */
export function staticSize(s: Shape): number | null {
  let n = 1;
  for (const d of s) {
    if (typeof d !== 'number') return null;
    n *= d;
  }
  return n;
}

export function formatShape(s: Shape | null): string {
  return s === null ? '[?]' : `[${s.join(',')}]`;
}
