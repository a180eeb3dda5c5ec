// The controller work queue, with client-go's semantics: keys are
// de-duplicated while they wait (the dirty set), a key is never handed to two
// workers at once (the processing set; a key re-added while processing is
// queued again on done()), delayed adds, and rate-limited retries.

import { realClock } from './clock.ts';
import type { Clock, Timer } from './clock.ts';
import { defaultControllerRateLimiter } from './rate-limiter.ts';
import type { RateLimiter } from './rate-limiter.ts';

export interface QueueMetrics {
  /** workqueue_adds_total */
  add(): void;
  /** workqueue_depth: keys waiting to be handed out (as client-go, includes keys re-added while processing). */
  depth(n: number): void;
  /** workqueue_retries_total: every accepted addAfter, hence every addRateLimited. */
  retry(): void;
  /** Seconds from the first add to the get that hands the key out. */
  queueDuration(seconds: number): void;
  /** Seconds from get to done. */
  workDuration(seconds: number): void;
}

export interface WorkQueueOptions {
  name: string;
  clock?: Clock;
  rateLimiter?: RateLimiter;
  metrics?: QueueMetrics;
}

export type QueueItem = { key: string; shutdown: false } | { key?: undefined; shutdown: true };

const noMetrics: QueueMetrics = {
  add() {},
  depth() {},
  retry() {},
  queueDuration() {},
  workDuration() {},
};

const SHUTDOWN: QueueItem = { shutdown: true };

export class WorkQueue {
  readonly name: string;
  readonly #clock: Clock;
  readonly #rateLimiter: RateLimiter;
  readonly #metrics: QueueMetrics;

  // FIFO of keys ready to hand out; each is in #dirty and not in #processing.
  #queue: string[] = [];
  #head = 0;
  // Keys that need processing: queued, or re-added while being processed.
  readonly #dirty = new Set<string>();
  readonly #processing = new Set<string>();
  // get() calls waiting for a key, oldest first.
  #getters: ((item: QueueItem) => void)[] = [];
  // addAfter entries; one per key, keeping the earliest time asked for.
  readonly #delayed = new Map<string, { readyAt: number; timer: Timer }>();
  readonly #addedAt = new Map<string, number>();
  readonly #startedAt = new Map<string, number>();
  #shuttingDown = false;
  #drainers: (() => void)[] = [];

  constructor(options: WorkQueueOptions) {
    this.name = options.name;
    this.#clock = options.clock ?? realClock;
    this.#rateLimiter = options.rateLimiter ?? defaultControllerRateLimiter(this.#clock);
    this.#metrics = options.metrics ?? noMetrics;
  }

  /** Marks a key as needing processing. No-op once shutting down. */
  add(key: string): void {
    if (this.#shuttingDown || this.#dirty.has(key)) return;
    this.#dirty.add(key);
    if (!this.#addedAt.has(key)) this.#addedAt.set(key, this.#clock.now());
    this.#metrics.add();
    this.#metrics.depth(this.#dirty.size);
    // A key being processed goes back in the queue on done(), not now.
    if (this.#processing.has(key)) return;
    this.#queue.push(key);
    this.#handOut();
  }

  /** Adds the key after `ms`; a key already waiting keeps the earlier time. */
  addAfter(key: string, ms: number): void {
    if (this.#shuttingDown) return;
    this.#metrics.retry();
    if (!(ms > 0)) {
      this.add(key);
      return;
    }
    const readyAt = this.#clock.now() + ms;
    const waiting = this.#delayed.get(key);
    if (waiting) {
      if (waiting.readyAt <= readyAt) return;
      waiting.timer.cancel();
    }
    const timer = this.#clock.setTimeout(() => {
      this.#delayed.delete(key);
      this.add(key);
    }, ms);
    this.#delayed.set(key, { readyAt, timer });
  }

  /** Re-adds a key after the rate limiter's wait; counts a failure for it. */
  addRateLimited(key: string): void {
    this.addAfter(key, this.#rateLimiter.when(key));
  }

  /** Resets the key's failure count; call when it was processed successfully. */
  forget(key: string): void {
    this.#rateLimiter.forget(key);
  }

  numRequeues(key: string): number {
    return this.#rateLimiter.numRequeues(key);
  }

  /**
   * Resolves with the next key, which the caller must pass to done(). Keys
   * still queued are handed out after shutDown (as client-go); `shutdown: true`
   * comes once the queue is shutting down and empty.
   */
  get(): Promise<QueueItem> {
    if (this.len() > 0) return Promise.resolve(this.#take());
    if (this.#shuttingDown) return Promise.resolve(SHUTDOWN);
    return new Promise((resolve) => this.#getters.push(resolve));
  }

  /** Ends processing of a key; a key re-added meanwhile is queued again. */
  done(key: string): void {
    // Unlike client-go, a key that was not handed out is ignored: queuing it
    // here would put a second copy of a waiting key in the queue.
    if (!this.#processing.delete(key)) return;
    const startedAt = this.#startedAt.get(key);
    this.#startedAt.delete(key);
    if (startedAt !== undefined) this.#metrics.workDuration(this.#secondsSince(startedAt));
    if (this.#dirty.has(key)) {
      this.#queue.push(key);
      this.#handOut();
    }
    if (this.#processing.size === 0) this.#releaseDrainers();
  }

  /** Keys ready to hand out. */
  len(): number {
    return this.#queue.length - this.#head;
  }

  /** Stops accepting keys, drops delayed adds and wakes waiting get()s. */
  shutDown(): void {
    this.#stop();
    // Also ends a shutDownWithDrain in progress, as client-go does.
    this.#releaseDrainers();
  }

  /** As shutDown, then resolves once every key handed out is done(). */
  shutDownWithDrain(): Promise<void> {
    this.#stop();
    if (this.#processing.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#drainers.push(resolve));
  }

  get shuttingDown(): boolean {
    return this.#shuttingDown;
  }

  #stop(): void {
    this.#shuttingDown = true;
    for (const { timer } of this.#delayed.values()) timer.cancel();
    this.#delayed.clear();
    // Getters wait only while the queue is empty, so they all get shutdown.
    const getters = this.#getters;
    this.#getters = [];
    for (const resolve of getters) resolve(SHUTDOWN);
  }

  #handOut(): void {
    while (this.#getters.length > 0 && this.len() > 0) {
      const resolve = this.#getters.shift();
      // Marked as processing here, before the getter runs, so no other get()
      // can receive the same key in between.
      resolve?.(this.#take());
    }
  }

  #take(): QueueItem {
    const key = this.#queue[this.#head];
    if (key === undefined) throw new Error(`work queue ${this.name}: take from an empty queue`);
    this.#head++;
    // Compact now and then so the array does not grow without bound.
    if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
    this.#processing.add(key);
    this.#dirty.delete(key);
    this.#metrics.depth(this.#dirty.size);
    const addedAt = this.#addedAt.get(key);
    this.#addedAt.delete(key);
    if (addedAt !== undefined) this.#metrics.queueDuration(this.#secondsSince(addedAt));
    this.#startedAt.set(key, this.#clock.now());
    return { key, shutdown: false };
  }

  #releaseDrainers(): void {
    const drainers = this.#drainers;
    this.#drainers = [];
    for (const resolve of drainers) resolve();
  }

  #secondsSince(ms: number): number {
    return (this.#clock.now() - ms) / 1000;
  }
}
