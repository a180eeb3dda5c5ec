// What the simulated controllers share: their field manager, timers that stop
// with them, and a status comparison that ignores condition times.
import { deepEqual, isObject } from '@mcp-operator/kube-core/json';

/** The field manager of the simulated controllers' status writes. */
export const SIMULATION_MANAGER = 'local-control-plane';

/** Timeouts a controller cancels when it stops. */
export class Timers {
  readonly #pending = new Set<NodeJS.Timeout>();

  later(fn: () => void, ms: number): void {
    const timer = setTimeout(() => {
      this.#pending.delete(timer);
      fn();
    }, ms);
    this.#pending.add(timer);
  }

  clear(): void {
    for (const timer of this.#pending) clearTimeout(timer);
    this.#pending.clear();
  }
}

/** Status equality that ignores when conditions last changed. */
export function sameStatus(a: unknown, b: unknown): boolean {
  const withoutTimes = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(withoutTimes);
    if (!isObject(v)) return v;
    return Object.fromEntries(
      Object.entries(v)
        .filter(([k]) => k !== 'lastUpdateTime' && k !== 'lastTransitionTime')
        .map(([k, x]) => [k, withoutTimes(x)]),
    );
  };
  return deepEqual(withoutTimes(a), withoutTimes(b));
}
