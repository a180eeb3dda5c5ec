// A reflector and informer in one: lists, then watches from the list's
// resourceVersion, keeps a cache and tells handlers what changed. Unlike the
// stock client-node informer it never gives up while running: clean ends
// resume, 410 relists, other failures back off and retry, and a watchdog
// restarts watches that go silent.
import { GoneError, NotFoundError, TransportError } from '@mcp-operator/kube-core/errors';
import { apiVersionOf } from '@mcp-operator/kube-core/port';
import type {
  KubeObject,
  KubePort,
  ListOptions,
  ListResult,
  ResourceRef,
  WatchEvent,
  WatchHandle,
  WatchOptions,
} from '@mcp-operator/kube-core/port';
import { exponentialBackoff } from './backoff.ts';
import type { Backoff } from './backoff.ts';
import { ObjectCache, objectKey } from './cache.ts';
import { realClock } from './clock.ts';
import type { Clock, Timer } from './clock.ts';
import { applyChange, changeForEvent, diffList } from './informer-changes.ts';
import type { Change } from './informer-changes.ts';
import { afterWatch } from './informer-policy.ts';
import type { WatchOutcome } from './informer-policy.ts';

export { ShortWatchError, WatchStalledError } from './informer-policy.ts';

export interface EventHandler<T> {
  onAdd?(obj: T): void;
  onUpdate?(oldObj: T, newObj: T): void;
  onDelete?(obj: T): void;
}

export interface InformerOptions {
  resource: ResourceRef;
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Periodic onUpdate(obj, obj) for every cached object; 0 or unset = off. */
  resyncPeriodMs?: number;
  /** Server-side timeout per watch. Default: random 300–600 s, as client-go. */
  watchTimeoutSeconds?: number;
  /** No event or bookmark for this long → restart the watch. Default 90 s. */
  stallTimeoutMs?: number;
  /** A list page that has not answered after this long counts as failed. Default 60 s. */
  listTimeoutMs?: number;
  /**
   * Objects per list page. A page is decoded and trimmed before the next is
   * asked for, so a fresh start over thousands of objects never holds them all
   * as decoded JSON at once. Default 100: client-go's pager asks for 500, but
   * four informers listing 500 Deployments each at once took a fresh operator
   * over 5 000 servers to 260 MiB; with 100, 217 MiB.
   */
  listPageSize?: number;
  /** Backoff on errors other than 410. Defaults 800 ms → 30 s, as client-go's reflector. */
  backoff?: { initialMs?: number; maxMs?: number };
  clock?: Clock;
  /** For logging; the informer keeps going regardless. */
  onError?(err: Error): void;
  /**
   * Trims each object before it is cached and handed to handlers (as
   * controller-runtime's cache TransformFunc): what the controllers never read
   * need not stay in memory. Must not mutate its argument. A watch event's
   * object comes with `previous`, the cached version it replaces, whose
   * unchanged parts the result may share (cached objects are never changed).
   */
  transform?(obj: KubeObject, previous?: KubeObject): KubeObject;
}

const DEFAULT_STALL_TIMEOUT_MS = 90_000;
const DEFAULT_LIST_TIMEOUT_MS = 60_000;
const DEFAULT_LIST_PAGE_SIZE = 100;
const MIN_WATCH_TIMEOUT_SECONDS = 300;

type State = 'new' | 'running' | 'stopped';

export class Informer<T extends KubeObject = KubeObject> {
  readonly cache: ObjectCache<T>;
  readonly #port: KubePort;
  readonly #options: InformerOptions;
  readonly #clock: Clock;
  readonly #backoff: Backoff;
  readonly #stallTimeoutMs: number;
  readonly #items = new Map<string, T>();
  readonly #handlers: EventHandler<T>[] = [];
  readonly #syncWaiters = new Set<(synced: boolean) => void>();
  readonly #abort = new AbortController();
  #state: State = 'new';
  #synced = false;
  #lastResourceVersion = '';
  #needList = true;
  /** Whether the next watch starts from a list made just before it. */
  #freshFromList = false;
  #loop: Promise<void> = Promise.resolve();
  #resyncTimer: Timer | undefined;

  constructor(port: KubePort, options: InformerOptions) {
    this.#port = port;
    this.#options = options;
    this.#clock = options.clock ?? realClock;
    this.#backoff = exponentialBackoff(options.backoff);
    this.#stallTimeoutMs = options.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS;
    this.cache = new ObjectCache(this.#items);
  }

  /** A handler added late first gets onAdd for every object already cached. */
  addHandler(handler: EventHandler<T>): void {
    this.#handlers.push(handler);
    for (const obj of [...this.#items.values()]) {
      this.#call(() => handler.onAdd?.(obj));
    }
  }

  /** Lists then watches, forever, until stop(). */
  start(): void {
    if (this.#state === 'running') return;
    if (this.#state === 'stopped') throw new Error('a stopped informer cannot be started again');
    this.#state = 'running';
    this.#loop = this.#run();
  }

  /** Ends the watch, cancels timers and waits for the loop to finish. */
  async stop(): Promise<void> {
    if (this.#state !== 'stopped') {
      this.#state = 'stopped';
      this.#abort.abort();
      this.#resyncTimer?.cancel();
      for (const wake of [...this.#syncWaiters]) wake(false);
    }
    await this.#loop;
  }

  /** True once the first successful list has been delivered to the cache and handlers. */
  hasSynced(): boolean {
    return this.#synced;
  }

  /** Resolves true when synced, false when the informer stops or `signal` aborts first. */
  waitForSync(signal?: AbortSignal): Promise<boolean> {
    if (this.#synced) return Promise.resolve(true);
    if (this.#state === 'stopped' || signal?.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = (synced: boolean) => {
        this.#syncWaiters.delete(done);
        signal?.removeEventListener('abort', onAbort);
        resolve(synced);
      };
      const onAbort = () => done(false);
      this.#syncWaiters.add(done);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  get #running(): boolean {
    return this.#state === 'running';
  }

  async #run(): Promise<void> {
    while (this.#running) {
      try {
        await this.#step();
      } catch (err) {
        // A bug of ours must not end the informer for good either.
        this.#report(err);
        await this.#sleep(this.#backoff.next());
      }
    }
  }

  /** One list (when needed) or one watch, and the wait that follows it. */
  async #step(): Promise<void> {
    if (this.#needList) {
      const error = await this.#list();
      if (!this.#running) return;
      if (error) {
        this.#report(error);
        await this.#sleep(this.#backoff.next());
        return;
      }
      this.#needList = false;
      this.#freshFromList = true;
    }
    const outcome = await this.#watchOnce();
    if (!outcome || !this.#running) return;
    if (outcome.progressed) this.#backoff.reset();
    const next = afterWatch(outcome, this.#freshFromList, this.#stallTimeoutMs);
    this.#freshFromList = false;
    if (next.error) this.#report(next.error);
    if (next.relist) this.#needList = true;
    if (next.backoff) await this.#sleep(this.#backoff.next());
  }

  /** Lists and folds the result into the cache; returns the failure, if any. */
  async #list(): Promise<Error | undefined> {
    let listed: { items: T[]; resourceVersion: string } | undefined;
    try {
      listed = await this.#listPages();
    } catch (err) {
      // As client-go: a resource the server does not serve has no objects;
      // say so (and unblock waitForSync) while retrying.
      if (err instanceof NotFoundError) this.#replace([], '');
      return asError(err);
    }
    if (listed === undefined) return undefined;
    this.#replace(listed.items, listed.resourceVersion);
    return undefined;
  }

  /**
   * Every object, a page at a time (normalized as each page arrives); undefined
   * once the informer stops. As client-go's pager does, a continue token the
   * server has let expire (410) means one whole list instead.
   */
  async #listPages(): Promise<{ items: T[]; resourceVersion: string } | undefined> {
    const { resource, listTimeoutMs = DEFAULT_LIST_TIMEOUT_MS } = this.#options;
    let limit: number | undefined = this.#options.listPageSize ?? DEFAULT_LIST_PAGE_SIZE;
    const items: T[] = [];
    let next: string | undefined;
    for (;;) {
      let page: ListResult<T> | undefined;
      try {
        page = await this.#untilStopped(
          this.#port.list<T>(resource, {
            ...this.#selectors(),
            ...(limit ? { limit } : {}),
            ...(next ? { continue: next } : {}),
          }),
          listTimeoutMs,
        );
      } catch (err) {
        if (!(next && err instanceof GoneError)) throw err;
        // Start over, whole.
        items.length = 0;
        next = limit = undefined;
        continue;
      }
      if (page === undefined) return undefined;
      for (const obj of page.items) items.push(this.#normalize(obj));
      // Every page reads the first page's snapshot and carries its resourceVersion.
      if (!page.continue) return { items, resourceVersion: page.resourceVersion };
      next = page.continue;
    }
  }

  /** Makes the cache equal a fresh (normalized) list, telling handlers only about differences. */
  #replace(normalized: readonly T[], resourceVersion: string): void {
    for (const change of diffList(this.#items, normalized)) this.#apply(change);
    this.#lastResourceVersion = resourceVersion;
    if (!this.#synced) {
      this.#synced = true;
      for (const wake of [...this.#syncWaiters]) wake(true);
      this.#scheduleResync();
    }
  }

  /** Runs one watch until it ends, fails, stalls or the informer stops (undefined). */
  #watchOnce(): Promise<WatchOutcome | undefined> {
    const signal = this.#abort.signal;
    if (signal.aborted) return Promise.resolve(undefined);
    const startedAt = this.#clock.now();
    const startedFrom = this.#lastResourceVersion;
    return new Promise((resolve) => {
      let settled = false;
      let handle: WatchHandle | undefined;
      let watchdog: Timer | undefined;
      const settle = (ending: WatchOutcome['ending'] | 'stopped') => {
        if (settled) return;
        settled = true;
        watchdog?.cancel();
        signal.removeEventListener('abort', onAbort);
        handle?.stop();
        // Progress means the resourceVersion moved; a stream that only repeats
        // itself must not keep resetting the backoff.
        const progressed = this.#lastResourceVersion !== startedFrom;
        resolve(
          ending === 'stopped'
            ? undefined
            : { ending, progressed, lastedMs: this.#clock.now() - startedAt },
        );
      };
      const onAbort = () => settle('stopped');
      // The watchdog also covers a watch request that never gets an answer.
      const arm = () => {
        watchdog?.cancel();
        watchdog = this.#clock.setTimeout(() => settle('stalled'), this.#stallTimeoutMs);
      };
      const onEvent = (event: WatchEvent<T>) => {
        // Events from a stream we already gave up on must not touch the cache.
        if (settled) return;
        if (event.type === 'ERROR') return settle(event.error);
        arm();
        if (event.type === 'BOOKMARK') {
          if (event.resourceVersion) this.#lastResourceVersion = event.resourceVersion;
          return;
        }
        const obj = this.#normalize(event.object, this.#items.get(objectKey(event.object)));
        const change = changeForEvent(this.#items, event.type, obj);
        if (change) this.#apply(change);
        if (obj.metadata.resourceVersion) this.#lastResourceVersion = obj.metadata.resourceVersion;
      };
      signal.addEventListener('abort', onAbort, { once: true });
      arm();
      let opening: Promise<WatchHandle>;
      try {
        opening = this.#port.watch<T>(this.#options.resource, this.#watchOptions(), onEvent);
      } catch (err) {
        return settle(asError(err));
      }
      opening.then(
        (opened) => {
          if (settled) return opened.stop();
          handle = opened;
          opened.done.then(
            (err) => settle(err ?? 'clean'),
            (err: unknown) => settle(asError(err)),
          );
        },
        (err: unknown) => settle(asError(err)),
      );
    });
  }

  #watchOptions(): WatchOptions {
    const seconds =
      this.#options.watchTimeoutSeconds ??
      Math.floor(MIN_WATCH_TIMEOUT_SECONDS * (1 + Math.random()));
    return {
      ...this.#selectors(),
      resourceVersion: this.#lastResourceVersion,
      allowBookmarks: true,
      timeoutSeconds: seconds,
    };
  }

  #selectors(): ListOptions {
    const { namespace, labelSelector, fieldSelector } = this.#options;
    return {
      ...(namespace ? { namespace } : {}),
      ...(labelSelector ? { labelSelector } : {}),
      ...(fieldSelector ? { fieldSelector } : {}),
    };
  }

  #apply(change: Change<T>): void {
    this.cache.reindex(
      change.key,
      change.type === 'delete' ? undefined : change.type === 'add' ? change.obj : change.newObj,
    );
    applyChange(this.#items, change);
    for (const handler of [...this.#handlers]) {
      this.#call(() => {
        if (change.type === 'add') handler.onAdd?.(change.obj);
        else if (change.type === 'update') handler.onUpdate?.(change.oldObj, change.newObj);
        else handler.onDelete?.(change.obj);
      });
    }
  }

  #scheduleResync(): void {
    const period = this.#options.resyncPeriodMs ?? 0;
    if (!(period > 0) || !this.#running) return;
    this.#resyncTimer = this.#clock.setTimeout(() => {
      if (!this.#running) return;
      for (const obj of [...this.#items.values()]) {
        for (const handler of [...this.#handlers]) this.#call(() => handler.onUpdate?.(obj, obj));
      }
      this.#scheduleResync();
    }, period);
  }

  /** List items often come without apiVersion and kind; handlers expect both. Then the transform. */
  #normalize(obj: T, previous?: T): T {
    const { resource } = this.#options;
    const typed =
      obj.apiVersion && obj.kind
        ? obj
        : {
            ...obj,
            apiVersion: obj.apiVersion || apiVersionOf(resource),
            kind: obj.kind || resource.kind,
          };
    return this.#options.transform ? (this.#options.transform(typed, previous) as T) : typed;
  }

  /** Resolves with the promise's value, undefined when the informer stops first; rejects on timeout. */
  #untilStopped<V>(promise: Promise<V>, timeoutMs: number): Promise<V | undefined> {
    const signal = this.#abort.signal;
    return new Promise((resolve, reject) => {
      const finish = () => {
        timer.cancel();
        signal.removeEventListener('abort', onAbort);
      };
      const onAbort = () => {
        finish();
        resolve(undefined);
      };
      const timer = this.#clock.setTimeout(() => {
        finish();
        reject(new TransportError(`no answer to the list within ${timeoutMs} ms`));
      }, timeoutMs);
      signal.addEventListener('abort', onAbort, { once: true });
      promise.then(
        (value) => {
          finish();
          resolve(value);
        },
        (err: unknown) => {
          finish();
          reject(asError(err));
        },
      );
    });
  }

  #sleep(ms: number): Promise<void> {
    return this.#clock.sleep(ms, this.#abort.signal);
  }

  /** Runs handler code; what it throws is reported, never allowed to stop the informer. */
  #call(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.#report(err);
    }
  }

  #report(err: unknown): void {
    try {
      this.#options.onError?.(asError(err));
    } catch {
      // A failing error reporter has nowhere left to report to.
    }
  }
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
