import type { RequestArgs, RunEstimate } from '../../../preload/contract.ts';
import { bridge } from '../lib/bridge.ts';
import { errorMessage } from '../lib/bridge-error.ts';

const DEBOUNCE_MS = 350;

/** The New Run form's size and cost estimate, asked for a moment after the form stops changing. */
export class RunEstimateState {
  #value = $state.raw<RunEstimate | undefined>();
  #error = $state<string | undefined>();
  #pending = $state(false);
  #generation = 0;

  get value(): RunEstimate | undefined {
    return this.#value;
  }
  get error(): string | undefined {
    return this.#error;
  }
  get pending(): boolean {
    return this.#pending;
  }

  /** Asks for an estimate of `args` (undefined clears it); returns the cancel for an effect's cleanup. */
  request(args: RequestArgs<'runs.estimate'> | undefined): () => void {
    const mine = ++this.#generation;
    if (!args) {
      this.#value = undefined;
      this.#error = undefined;
      this.#pending = false;
      return () => {};
    }
    this.#pending = true;
    const timer = setTimeout(() => {
      bridge.request['runs.estimate'](args).then(
        (estimate) => {
          if (mine !== this.#generation) return;
          this.#value = estimate;
          this.#error = undefined;
          this.#pending = false;
        },
        (err) => {
          if (mine !== this.#generation) return;
          this.#value = undefined;
          this.#error = errorMessage(err);
          this.#pending = false;
        },
      );
    }, DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }
}
