// Exponential backoff with jitter and a hard cap, for retrying list and watch
// calls without hammering a struggling API server.

export interface Backoff {
  /** The delay before the next attempt, in milliseconds; each call grows the base delay. */
  next(): number;
  /** Back to the initial delay (after the caller made progress). */
  reset(): void;
}

export interface BackoffOptions {
  /** First base delay. Default 800 ms, like client-go's reflector. */
  initialMs?: number;
  /** No delay ever exceeds this. Default 30 s, like client-go's reflector. */
  maxMs?: number;
  /** Growth per attempt. Default 2. */
  factor?: number;
  /** Fraction of the base delay taken off at random, 0–1. Default 0.5. */
  jitter?: number;
  /** A source of numbers in [0, 1); tests pass a fixed one. */
  random?: () => number;
}

/**
 * Attempt n waits a random time in [base·(1−jitter), base] where
 * base = min(initial·factorⁿ, max). Jitter is taken off rather than added
 * so the cap holds, while clients that failed together still spread out.
 */
export function exponentialBackoff(options: BackoffOptions = {}): Backoff {
  const initialMs = options.initialMs ?? 800;
  const maxMs = Math.max(options.maxMs ?? 30_000, initialMs);
  const factor = options.factor ?? 2;
  const jitter = options.jitter ?? 0.5;
  const random = options.random ?? Math.random;
  if (!(initialMs >= 0)) throw new RangeError(`backoff initialMs must be ≥ 0, got ${initialMs}`);
  if (!(factor >= 1)) throw new RangeError(`backoff factor must be ≥ 1, got ${factor}`);
  if (!(jitter >= 0 && jitter <= 1))
    throw new RangeError(`backoff jitter must be within 0–1, got ${jitter}`);

  let base = initialMs;
  return {
    next() {
      const delay = base * (1 - jitter * random());
      base = Math.min(base * factor, maxMs);
      return delay;
    },
    reset() {
      base = initialMs;
    },
  };
}
