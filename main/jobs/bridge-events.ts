import type { EventName, Events } from '../../preload/contract.ts';

/**
 * Where the owners of long operations (the job registry, the run manager, classification) send
 * their events. The service's event hub is one; naming this narrow interface here keeps trainer/
 * and classify/ from importing the service (main/api/) that drives them.
 */
export interface BridgeEvents {
  emit<K extends EventName>(name: K, payload: Events[K]): void;
}
