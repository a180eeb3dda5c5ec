// Retry pacing for the work queue, with client-go's workqueue rate limiter
// semantics: a per-key exponential backoff, an overall token bucket, and the
// max of several limiters.

import { realClock } from './clock.ts';
import type { Clock } from './clock.ts';

export interface RateLimiter {
  /** How long to wait before the key's next try (ms); counts a failure. */
  when(key: string): number;
  forget(key: string): void;
  numRequeues(key: string): number;
}

/** Per key: base * 2^failures, capped at max. Callers forget a key on success. */
export class ExponentialFailureRateLimiter implements RateLimiter {
  readonly #baseMs: number;
  readonly #maxMs: number;
  readonly #failures = new Map<string, number>();

  constructor(baseMs = 5, maxMs = 300_000) {
    if (!(baseMs >= 0) || !(maxMs >= 0)) {
      throw new RangeError(`backoff must be non-negative, got base ${baseMs}ms, max ${maxMs}ms`);
    }
    this.#baseMs = baseMs;
    this.#maxMs = maxMs;
  }

  when(key: string): number {
    const failures = this.#failures.get(key) ?? 0;
    this.#failures.set(key, failures + 1);
    // 2 ** n reaches Infinity for large n, which the cap absorbs.
    return Math.min(this.#baseMs * 2 ** failures, this.#maxMs);
  }

  forget(key: string): void {
    this.#failures.delete(key);
  }

  numRequeues(key: string): number {
    return this.#failures.get(key) ?? 0;
  }
}

/**
 * One bucket for all keys (like client-go's BucketRateLimiter over
 * x/time/rate): starts full with `burst` tokens, refills at `qps`. Every
 * `when` reserves a token, going into debt when empty, so the returned wait
 * spaces callers 1/qps apart once the burst is spent. Keys are not tracked.
 */
export class TokenBucketRateLimiter implements RateLimiter {
  readonly #qps: number;
  readonly #burst: number;
  readonly #clock: Clock;
  #tokens: number;
  #last: number;

  constructor(qps = 10, burst = 100, clock: Clock = realClock) {
    if (!(qps > 0)) throw new RangeError(`qps must be positive, got ${qps}`);
    if (!(burst >= 1)) throw new RangeError(`burst must be at least 1, got ${burst}`);
    this.#qps = qps;
    this.#burst = burst;
    this.#clock = clock;
    this.#tokens = burst;
    this.#last = clock.now();
  }

  when(_key: string): number {
    if (this.#qps === Infinity) return 0;
    const now = this.#clock.now();
    // A clock that steps backwards refills nothing rather than draining.
    const elapsed = Math.max(0, now - this.#last);
    this.#last = Math.max(this.#last, now);
    this.#tokens = Math.min(this.#burst, this.#tokens + (elapsed * this.#qps) / 1000);
    this.#tokens -= 1;
    return this.#tokens >= 0 ? 0 : (-this.#tokens * 1000) / this.#qps;
  }

  forget(_key: string): void {}

  numRequeues(_key: string): number {
    return 0;
  }
}

/** Asks every limiter (so each counts the failure) and returns the longest wait. */
export class MaxOfRateLimiter implements RateLimiter {
  readonly #limiters: readonly RateLimiter[];

  constructor(...limiters: RateLimiter[]) {
    this.#limiters = limiters;
  }

  when(key: string): number {
    let wait = 0;
    for (const limiter of this.#limiters) wait = Math.max(wait, limiter.when(key));
    return wait;
  }

  forget(key: string): void {
    for (const limiter of this.#limiters) limiter.forget(key);
  }

  numRequeues(key: string): number {
    let n = 0;
    for (const limiter of this.#limiters) n = Math.max(n, limiter.numRequeues(key));
    return n;
  }
}

/**
 * client-go's default controller limiter: max(exponential 5ms..300s per key,
 * token bucket 10 qps / 100 burst). The cap is the spec's 5 minutes, not
 * client-go's 1000s.
 */
export function defaultControllerRateLimiter(clock: Clock = realClock): RateLimiter {
  return new MaxOfRateLimiter(
    new ExponentialFailureRateLimiter(5, 300_000),
    new TokenBucketRateLimiter(10, 100, clock),
  );
}
