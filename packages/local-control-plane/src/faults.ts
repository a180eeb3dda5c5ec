// Fault injection and request accounting for the local API server, as a
// typed API (the admin HTTP endpoint maps onto it).

export type Verb =
  | 'get'
  | 'list'
  | 'watch'
  | 'create'
  | 'update'
  | 'patch'
  | 'delete'
  | 'deletecollection'
  | 'discovery';

export interface RequestMatch {
  verb?: Verb;
  /** Plural resource, optionally with a subresource: `mcpservers`, `mcpservers/status`. */
  resource?: string;
  namespace?: string;
}

/** What an injected failure answers: the code, and optionally the Status's reason and message. */
export interface InjectedFailure {
  code: number;
  reason?: string;
  message?: string;
  /**
   * When to come back: the answer's details.retryAfterSeconds and its
   * Retry-After header, as kube-apiserver sends them with a 429.
   */
  retryAfterSeconds?: number;
}

export interface FailureRule extends RequestMatch, InjectedFailure {
  /** How many matching requests fail; then the rule is spent. */
  count: number;
}

/**
 * A share of matching requests fails, until cleared. Which ones is decided by
 * a PRNG seeded with `seed`: the n-th matching request fails or not, and with
 * which answer, the same way on every run with the same seed.
 */
export interface RandomFailureRule extends RequestMatch {
  /** The share of matching requests that fail, from 0 to 1. */
  rate: number;
  /** The answers, one picked at random (equal odds) for each failing request. */
  failures: InjectedFailure[];
  seed: number;
}

export interface LatencyRule extends RequestMatch {
  ms: number;
}

export interface RequestRecord {
  verb: Verb;
  resource: string;
  namespace?: string;
  name?: string;
  /** The field manager when the request named one, else the User-Agent's product. */
  client: string;
  user: string;
  code: number;
  time: number;
}

/** mulberry32: a small, fast PRNG with 32 bits of state; numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface ActiveRandomRule {
  rule: RandomFailureRule;
  random: () => number;
}

function matches(rule: RequestMatch, request: RequestMatch): boolean {
  return (
    (rule.verb === undefined || rule.verb === request.verb) &&
    (rule.resource === undefined || rule.resource === request.resource) &&
    (rule.namespace === undefined || rule.namespace === request.namespace)
  );
}

export class Faults {
  #failures: FailureRule[] = [];
  #random: ActiveRandomRule[] = [];
  #latencies: LatencyRule[] = [];
  #requests: RequestRecord[] = [];

  /** Fail the next `count` requests matching verb/resource with `code`. */
  failNext(rule: FailureRule): void {
    this.#failures.push({ ...rule });
  }

  /**
   * Fail `rate` of the requests matching verb/resource/namespace (until
   * cleared), each with one of `failures`, chosen by a PRNG seeded with `seed`.
   */
  failRandomly(rule: RandomFailureRule): void {
    if (!(rule.rate >= 0 && rule.rate <= 1)) {
      throw new RangeError(`failRandomly: rate must be within 0–1, got ${rule.rate}`);
    }
    if (rule.failures.length === 0)
      throw new RangeError('failRandomly: no failures to answer with');
    this.#random.push({
      rule: { ...rule, failures: rule.failures.map((f) => ({ ...f })) },
      random: seededRandom(rule.seed),
    });
  }

  /** Delay matching requests by `ms` (until cleared). */
  addLatency(rule: LatencyRule): void {
    this.#latencies.push({ ...rule });
  }

  clear(): void {
    this.#failures = [];
    this.#random = [];
    this.#latencies = [];
  }

  /**
   * The failure to inject for this request, if any: a counted rule first
   * (spending one of its count), else the first random rule, in the order
   * added, whose draw fails it. Every matching random rule draws, whichever
   * answers, so each one's sequence depends only on its seed and the
   * requests it matches.
   */
  takeFailure(request: RequestMatch): InjectedFailure | undefined {
    const rule = this.#failures.find((r) => r.count > 0 && matches(r, request));
    if (rule) {
      rule.count--;
      this.#failures = this.#failures.filter((r) => r.count > 0);
      return rule;
    }
    let failure: InjectedFailure | undefined;
    for (const { rule: random, random: next } of this.#random) {
      if (!matches(random, request)) continue;
      const draw = next();
      const pick = next();
      if (!failure && draw < random.rate) {
        failure = random.failures[Math.floor(pick * random.failures.length)]!;
      }
    }
    return failure;
  }

  latencyFor(request: RequestMatch): number {
    return this.#latencies.filter((r) => matches(r, request)).reduce((sum, r) => sum + r.ms, 0);
  }

  record(record: RequestRecord): void {
    this.#requests.push(record);
  }

  /** Every request served since the last reset, oldest first. */
  requests(
    filter: Partial<Pick<RequestRecord, 'verb' | 'resource' | 'client' | 'namespace'>> = {},
  ): RequestRecord[] {
    return this.#requests.filter((r) =>
      Object.entries(filter).every(
        ([k, v]) => v === undefined || r[k as keyof RequestRecord] === v,
      ),
    );
  }

  /** Counts by `verb resource` (and client when asked), for assertions and benchmarks. */
  countRequests(
    by: 'verb-resource' | 'verb-resource-client' = 'verb-resource',
  ): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const r of this.#requests) {
      const key =
        by === 'verb-resource' ? `${r.verb} ${r.resource}` : `${r.verb} ${r.resource} ${r.client}`;
      counts[key] = (counts[key] ?? 0) + 1;
    }
    return counts;
  }

  resetRequests(): void {
    this.#requests = [];
  }
}
