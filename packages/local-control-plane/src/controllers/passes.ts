// How the controllers that rescan the store (the namespace controller, the
// garbage collector) pace and guard their passes.
import { ApiError } from '../errors.ts';
import type { Change, Store } from '../store.ts';
import type { ResourceType } from '../types.ts';

/** The field manager of their writes: kube-controller-manager runs both. */
export const CONTROLLER_MANAGER = 'kube-controller-manager';

/**
 * Runs a pass once after a burst of the changes it wants (a microtask after
 * the first, so a burst of deletes costs one scan, not one per delete), and
 * once when started.
 */
export class Passes {
  readonly #store: Store;
  readonly #wants: (storage: ResourceType, change: Change) => boolean;
  readonly #run: () => void;
  #scheduled = false;
  #unsubscribe: (() => void) | undefined;

  constructor(
    store: Store,
    wants: (storage: ResourceType, change: Change) => boolean,
    run: () => void,
  ) {
    this.#store = store;
    this.#wants = wants;
    this.#run = run;
  }

  start(): void {
    this.#unsubscribe = this.#store.onChange((storage, change) => {
      if (this.#wants(storage, change)) this.#schedule();
    });
    this.#schedule();
  }

  stop(): void {
    this.#unsubscribe?.();
    this.#scheduled = false;
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => {
      if (!this.#scheduled) return;
      this.#scheduled = false;
      this.#run();
    });
  }

  cancel(): void {
    this.#scheduled = false;
  }
}

/**
 * A controller's write that another write may have beaten (the object gone
 * or changed meanwhile): the API error is dropped, as the change that beat it
 * asks for another pass. Anything else is a bug and is thrown.
 */
export function attempt(write: () => unknown): void {
  try {
    write();
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
  }
}
