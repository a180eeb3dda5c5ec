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

export interface FailureRule extends RequestMatch {
  /** How many matching requests fail; then the rule is spent. */
  count: number;
  code: number;
  reason?: string;
  message?: string;
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

function matches(rule: RequestMatch, request: RequestMatch): boolean {
  return (
    (rule.verb === undefined || rule.verb === request.verb) &&
    (rule.resource === undefined || rule.resource === request.resource) &&
    (rule.namespace === undefined || rule.namespace === request.namespace)
  );
}

export class Faults {
  #failures: FailureRule[] = [];
  #latencies: LatencyRule[] = [];
  #requests: RequestRecord[] = [];

  /** Fail the next `count` requests matching verb/resource with `code`. */
  failNext(rule: FailureRule): void {
    this.#failures.push({ ...rule });
  }

  /** Delay matching requests by `ms` (until cleared). */
  addLatency(rule: LatencyRule): void {
    this.#latencies.push({ ...rule });
  }

  clear(): void {
    this.#failures = [];
    this.#latencies = [];
  }

  /** The failure to inject for this request, if any (spends one of its count). */
  takeFailure(request: RequestMatch): FailureRule | undefined {
    const rule = this.#failures.find((r) => r.count > 0 && matches(r, request));
    if (!rule) return undefined;
    rule.count--;
    this.#failures = this.#failures.filter((r) => r.count > 0);
    return rule;
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
