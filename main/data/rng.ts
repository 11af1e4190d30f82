// Seeded draws for splits and samples: the generator itself is preload/seeded-random.ts (shared
// with sweeps' random search), and per-name sub-seeds.
export { seededRandom } from '../../preload/seeded-random.ts';

/** Derives an independent seed per name (a class label, a project) from one user seed. */
export function subSeed(seed: number, name: string): number {
  let h = (seed ^ 0x811c9dc5) >>> 0;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** Fisher-Yates in place. */
export function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}
