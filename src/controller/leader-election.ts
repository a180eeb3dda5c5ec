// Leader election on a coordination.k8s.io/v1 Lease, with client-go's
// semantics: candidates poll the Lease, take it when it is free or when its
// holder has not renewed for a lease duration *as measured on our own clock*
// (remote timestamps are written for humans, never trusted), and the leader
// renews every retry period, giving up when it cannot renew within the renew
// deadline. Optimistic concurrency on resourceVersion decides every race.
import { realClock } from './clock.ts';
import type { Clock } from './clock.ts';
import { NotFoundError } from '@mcp-operator/kube-core/errors';
import { RESOURCES } from '@mcp-operator/kube-core/port';
import type { KubeObject, KubePort } from '@mcp-operator/kube-core/port';
import { microTime } from '@mcp-operator/kube-core/time';

export { microTime };

export interface LeaderElectionOptions {
  port: KubePort;
  namespace: string;
  /** Lease name, e.g. 'mcp-runtime-operator.mcpruntime.org'. */
  name: string;
  /** Holder identity (pod name + random suffix). */
  identity: string;
  /** How long a standby waits, after it last saw the Lease change, before taking over. Default 15 s. */
  leaseDurationMs?: number;
  /** How long the leader keeps retrying a failed renewal before it gives up. Default 10 s. */
  renewDeadlineMs?: number;
  /** Interval between attempts, to acquire (with jitter) or to renew. Default 2 s. */
  retryPeriodMs?: number;
  clock?: Clock;
  fieldManager?: string;
  /** Called once leadership is acquired; `signal` aborts when it is lost or released. */
  onStartedLeading(signal: AbortSignal): void;
  /** Called after leading ends, whether lost or released; not called if this elector never led. */
  onStoppedLeading(): void;
  /** Called when the observed holder changes; '' means the Lease was released and nobody holds it. */
  onNewLeader?(identity: string): void;
  /** Failed API calls and throwing callbacks, for logging; the elector carries on regardless. */
  onError?(err: Error): void;
}

export const DEFAULT_LEASE_DURATION_MS = 15_000;
export const DEFAULT_RENEW_DEADLINE_MS = 10_000;
export const DEFAULT_RETRY_PERIOD_MS = 2_000;
/** client-go's JitterFactor: a candidate waits retryPeriod × (1 + up to 1.2) between attempts. */
export const JITTER_FACTOR = 1.2;

/** The fields of a Lease's spec the election reads and writes. */
interface LeaseRecord {
  holderIdentity: string;
  leaseDurationSeconds: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions: number;
}

interface Lease extends KubeObject {
  spec?: {
    holderIdentity?: string | null;
    leaseDurationSeconds?: number | null;
    acquireTime?: string | null;
    renewTime?: string | null;
    leaseTransitions?: number | null;
    [key: string]: unknown;
  };
}

/** What one attempt found: we hold the Lease, someone else validly does, or the API call failed. */
type Attempt = 'held' | 'held-by-other' | 'failed';

const EMPTY_RECORD: LeaseRecord = {
  holderIdentity: '',
  leaseDurationSeconds: 0,
  leaseTransitions: 0,
};

export class LeaderElector {
  readonly identity: string;
  readonly #options: LeaderElectionOptions;
  readonly #clock: Clock;
  readonly #leaseDurationMs: number;
  readonly #renewDeadlineMs: number;
  readonly #retryPeriodMs: number;
  readonly #fieldManager: string;

  /** The last Lease read from or written to the server: the base (and resourceVersion) of our updates. */
  #lease: Lease | undefined;
  /** The record last seen, and when (our clock) it was first seen in that state. */
  #observed: LeaseRecord = EMPTY_RECORD;
  #observedKey = '';
  #observedAt = 0;
  /** When the attempt behind our last successful write started: the leader's deadlines count from it. */
  #renewedAt = 0;
  #reportedLeader = '';
  #leading = false;
  #running = false;

  constructor(options: LeaderElectionOptions) {
    this.#options = options;
    this.identity = options.identity;
    this.#clock = options.clock ?? realClock;
    this.#leaseDurationMs = options.leaseDurationMs ?? DEFAULT_LEASE_DURATION_MS;
    this.#renewDeadlineMs = options.renewDeadlineMs ?? DEFAULT_RENEW_DEADLINE_MS;
    this.#retryPeriodMs = options.retryPeriodMs ?? DEFAULT_RETRY_PERIOD_MS;
    this.#fieldManager = options.fieldManager ?? 'mcp-runtime-operator';
    if (!options.identity) throw new Error('leader election: identity must not be empty');
    if (!options.namespace || !options.name) {
      throw new Error('leader election: the Lease namespace and name must not be empty');
    }
    if (!(this.#retryPeriodMs > 0)) {
      throw new Error('leader election: retryPeriod must be greater than zero');
    }
    // The same checks as client-go: a leader must give up before a standby may take over, and
    // have room for more than one retry before it gives up.
    if (!(this.#leaseDurationMs > this.#renewDeadlineMs)) {
      throw new Error('leader election: leaseDuration must be greater than renewDeadline');
    }
    if (!(this.#renewDeadlineMs > JITTER_FACTOR * this.#retryPeriodMs)) {
      throw new Error(
        `leader election: renewDeadline must be greater than retryPeriod × ${JITTER_FACTOR}`,
      );
    }
  }

  /** Whether this elector is leading now (between acquiring and losing or releasing the Lease). */
  isLeader(): boolean {
    return this.#leading;
  }

  /**
   * Campaigns until leader, then renews. Resolves 'lost' when renewing failed for the renew
   * deadline (or another holder was seen), 'stopped' when `signal` aborts (after releasing the
   * Lease if held). Stop the work the Lease protects before aborting `signal`: the release lets a
   * standby start at once.
   */
  async run(signal: AbortSignal): Promise<'lost' | 'stopped'> {
    if (this.#running) throw new Error('leader election: run() is already running');
    this.#running = true;
    try {
      if (!(await this.#acquire(signal))) return 'stopped';

      const leading = new AbortController();
      this.#leading = true;
      this.#callback(() => this.#options.onStartedLeading(leading.signal));
      const result = await this.#renew(signal);
      this.#leading = false;
      leading.abort();
      // On 'lost' the Lease is left to expire: the leaseDuration − renewDeadline margin is the
      // time our work gets to stop before a standby may start.
      if (result === 'stopped') await this.#release();
      this.#callback(() => this.#options.onStoppedLeading());
      return result;
    } finally {
      this.#leading = false;
      this.#running = false;
    }
  }

  /** Tries until the Lease is ours; false when `signal` aborted first. */
  async #acquire(signal: AbortSignal): Promise<boolean> {
    while (!signal.aborted) {
      // An attempt is never abandoned half-way: if it wins the Lease we must know, to release it.
      const attempt = await this.#tryAcquireOrRenew();
      this.#maybeReportTransition();
      if (attempt === 'held' && signal.aborted) {
        await this.#release();
        return false;
      }
      // A win whose answer came so late that a leader would already have given up is not
      // trusted: a standby may have seen the write long ago. The next attempt confirms it.
      if (attempt === 'held' && this.#clock.now() < this.#leaderDeadline()) return true;
      const jitter = Math.random() * JITTER_FACTOR * this.#retryPeriodMs;
      await this.#clock.sleep(this.#retryPeriodMs + jitter, signal);
    }
    return false;
  }

  /** Renews every retry period until a renewal round fails ('lost') or `signal` aborts ('stopped'). */
  async #renew(signal: AbortSignal): Promise<'lost' | 'stopped'> {
    for (;;) {
      await this.#clock.sleep(this.#retryPeriodMs, signal);
      if (signal.aborted) return 'stopped';
      const round = await this.#renewRound(signal);
      this.#maybeReportTransition();
      if (round !== 'renewed') return round;
    }
  }

  /**
   * When the leader gives up if it has not renewed: as client-go, a renew deadline after the
   * retry-period wait, but counted from when the last successful write *started*, so a slow
   * answer cannot stretch leadership past what standbys observed.
   */
  #leaderDeadline(): number {
    return this.#renewedAt + this.#retryPeriodMs + this.#renewDeadlineMs;
  }

  /** One renewal: retries every retry period until success, or the leader deadline passes. */
  async #renewRound(signal: AbortSignal): Promise<'renewed' | 'lost' | 'stopped'> {
    const deadline = new AbortController();
    const timer = this.#clock.setTimeout(
      () => deadline.abort(),
      this.#leaderDeadline() - this.#clock.now(),
    );
    const expired = new Promise<'expired'>((resolve) =>
      deadline.signal.addEventListener('abort', () => resolve('expired'), { once: true }),
    );
    try {
      for (;;) {
        // A hung request must not keep us leading past the deadline, so the attempt is raced.
        const attempt = await Promise.race([this.#tryAcquireOrRenew(), expired]);
        if (attempt === 'held') return 'renewed';
        if (attempt === 'expired') return 'lost';
        // Stricter than client-go, which retries until the deadline: someone else holding a
        // valid Lease means we are not the leader any more.
        if (attempt === 'held-by-other') return 'lost';
        if (signal.aborted) return 'stopped';
        await this.#clock.sleep(this.#retryPeriodMs, AbortSignal.any([signal, deadline.signal]));
        if (signal.aborted) return 'stopped';
        if (deadline.signal.aborted) return 'lost';
      }
    } finally {
      timer.cancel();
    }
  }

  /** One attempt to take or keep the Lease. */
  async #tryAcquireOrRenew(): Promise<Attempt> {
    const now = this.#clock.now();
    const desired: LeaseRecord = {
      holderIdentity: this.identity,
      leaseDurationSeconds: Math.max(1, Math.ceil(this.#leaseDurationMs / 1000)),
      acquireTime: microTime(now),
      renewTime: microTime(now),
      leaseTransitions: 0,
    };

    // Fast path: while our own Lease is valid, update from the copy we last wrote; no read.
    if (this.#lease && this.#observedIsUs() && this.#leaseValid(now)) {
      try {
        await this.#write({
          ...desired,
          acquireTime: this.#observed.acquireTime,
          leaseTransitions: this.#observed.leaseTransitions,
        });
        this.#renewedAt = now;
        return 'held';
      } catch (err) {
        this.#reportError(err);
      }
    }

    let current: Lease;
    try {
      current = await this.#options.port.get<Lease>(
        RESOURCES.leases,
        this.#options.namespace,
        this.#options.name,
      );
    } catch (err) {
      if (!(err instanceof NotFoundError)) {
        this.#reportError(err);
        return 'failed';
      }
      const created = await this.#create(desired);
      if (created === 'held') this.#renewedAt = now;
      return created;
    }

    this.#lease = current;
    const seen = recordOf(current);
    const key = recordKey(seen);
    if (key !== this.#observedKey) this.#observe(seen, key);
    if (seen.holderIdentity && !this.#observedIsUs() && this.#leaseValid(now)) {
      return 'held-by-other';
    }

    const next = this.#observedIsUs()
      ? { ...desired, acquireTime: seen.acquireTime, leaseTransitions: seen.leaseTransitions }
      : { ...desired, leaseTransitions: seen.leaseTransitions + 1 };
    try {
      await this.#write(next);
      this.#renewedAt = now;
      return 'held';
    } catch (err) {
      // A ConflictError here means another candidate won the race; we look again next period.
      this.#reportError(err);
      return 'failed';
    }
  }

  async #create(record: LeaseRecord): Promise<Attempt> {
    try {
      const created = await this.#options.port.create<Lease>(
        RESOURCES.leases,
        {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name: this.#options.name, namespace: this.#options.namespace },
          spec: specOf(record),
        },
        { fieldManager: this.#fieldManager },
      );
      this.#lease = created;
      this.#observe(record);
      return 'held';
    } catch (err) {
      // AlreadyExistsError: another candidate created it first; read it next period.
      this.#reportError(err);
      return 'failed';
    }
  }

  /** Replaces the Lease's spec, with the resourceVersion we last saw as the precondition. */
  async #write(record: LeaseRecord): Promise<void> {
    const base = this.#lease;
    if (!base) throw new Error('leader election: no Lease to update');
    const updated = await this.#options.port.update<Lease>(
      RESOURCES.leases,
      { ...base, metadata: { ...base.metadata }, spec: specOf(record) },
      { fieldManager: this.#fieldManager },
    );
    this.#lease = updated;
    this.#observe(record);
  }

  /** Hands the Lease back: empty holder and a 1 s duration, so a standby takes over on its next try. */
  async #release(): Promise<void> {
    if (!this.#observedIsUs() || !this.#lease) return;
    const now = microTime(this.#clock.now());
    try {
      await this.#write({
        holderIdentity: '',
        leaseDurationSeconds: 1,
        acquireTime: now,
        renewTime: now,
        leaseTransitions: this.#observed.leaseTransitions,
      });
    } catch (err) {
      this.#reportError(err);
    }
  }

  #observe(record: LeaseRecord, key = recordKey(record)): void {
    this.#observed = record;
    this.#observedKey = key;
    this.#observedAt = this.#clock.now();
  }

  #observedIsUs(): boolean {
    return this.#observed.holderIdentity === this.identity;
  }

  /** Valid until the holder's own lease duration has passed since we saw the record change. */
  #leaseValid(now: number): boolean {
    return this.#observedAt + this.#observed.leaseDurationSeconds * 1000 > now;
  }

  #maybeReportTransition(): void {
    const holder = this.#observed.holderIdentity;
    if (holder === this.#reportedLeader) return;
    this.#reportedLeader = holder;
    this.#callback(() => this.#options.onNewLeader?.(holder));
  }

  /** User callbacks must not break the election loop. */
  #callback(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.#reportError(err);
    }
  }

  #reportError(err: unknown): void {
    const error = err instanceof Error ? err : new Error(String(err));
    try {
      this.#options.onError?.(error);
    } catch {
      // A failing logger must not stop the election either.
    }
  }
}

function recordOf(lease: Lease): LeaseRecord {
  const spec = lease.spec ?? {};
  return {
    holderIdentity: spec.holderIdentity ?? '',
    leaseDurationSeconds: spec.leaseDurationSeconds ?? 0,
    ...(spec.acquireTime ? { acquireTime: spec.acquireTime } : {}),
    ...(spec.renewTime ? { renewTime: spec.renewTime } : {}),
    leaseTransitions: spec.leaseTransitions ?? 0,
  };
}

/** Stands in for client-go's raw-record comparison: any change restarts the expiry clock. */
function recordKey(r: LeaseRecord): string {
  return JSON.stringify([
    r.holderIdentity,
    r.leaseDurationSeconds,
    r.acquireTime ?? '',
    r.renewTime ?? '',
    r.leaseTransitions,
  ]);
}

function specOf(r: LeaseRecord): NonNullable<Lease['spec']> {
  return {
    holderIdentity: r.holderIdentity,
    leaseDurationSeconds: r.leaseDurationSeconds,
    ...(r.acquireTime ? { acquireTime: r.acquireTime } : {}),
    ...(r.renewTime ? { renewTime: r.renewTime } : {}),
    leaseTransitions: r.leaseTransitions,
  };
}
