import type { Events } from '../../../preload/contract.ts';
import { bridge } from './bridge.ts';

/** Calls `reload` whenever the store reports a change of this kind; returns the unsubscribe. */
export function onStoreChanged(what: Events['store.changed']['what'], reload: () => void): () => void {
  return bridge.events['store.changed']((change) => {
    if (change.what === what) reload();
  });
}
