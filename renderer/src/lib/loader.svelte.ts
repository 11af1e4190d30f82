import { errorMessage } from './bridge-error.ts';

/**
 * One piece of data loaded through the bridge, with its loading and error state. Views call
 * `reload()` when the store says it changed; a slow older answer never overwrites a newer one.
 */
export class Loader<T> {
  #value = $state.raw<T | undefined>(undefined);
  #error = $state<string | undefined>(undefined);
  #loading = $state(false);
  #generation = 0;
  readonly #fetch: () => Promise<T>;

  constructor(fetch: () => Promise<T>) {
    this.#fetch = fetch;
  }

  get value(): T | undefined {
    return this.#value;
  }
  get error(): string | undefined {
    return this.#error;
  }
  get loading(): boolean {
    return this.#loading;
  }

  async reload(): Promise<void> {
    const generation = ++this.#generation;
    this.#loading = true;
    try {
      const value = await this.#fetch();
      if (generation !== this.#generation) return;
      this.#value = value;
      this.#error = undefined;
    } catch (err) {
      if (generation === this.#generation) this.#error = errorMessage(err);
    } finally {
      if (generation === this.#generation) this.#loading = false;
    }
  }
}
