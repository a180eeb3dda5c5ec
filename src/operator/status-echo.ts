// Every status write comes back as an update event of the MCPServer. A pass
// for it would find nothing to do; controller-runtime users drop such events
// with a predicate. This one drops only the echo of the operator's own write:
// the same spec and metadata, and exactly the status it wrote. A status
// someone else changed still wakes the reconciler, which writes it back.
//
// Until that event arrives the cache holds the version the write replaced, and
// a pass in between (a child's event) would write with its stale
// resourceVersion and lose to the operator's own write (409). Such a pass
// starts from the object as the write left it instead (only the written status
// and resourceVersion are kept: a whole answer would outlive young garbage).
import { createHash } from 'node:crypto';
import { goJson } from '@mcp-operator/kube-core/go-format';
import { deepEqual } from '@mcp-operator/kube-core/json';
import type { KubeObject } from '@mcp-operator/kube-core/port';

/** Metadata whose change needs a pass even when the generation stays (copied to children, or deletion). */
const WATCHED_METADATA = [
  'generation',
  'labels',
  'annotations',
  'deletionTimestamp',
  'finalizers',
  'ownerReferences',
] as const;

interface OwnWrite {
  /** Of the status as written (not the status: thousands of servers). */
  digest: string;
  /**
   * Until the cache moves past the version the write replaced: that version,
   * and what the write changed in it (a status write changes nothing else).
   */
  pending?: { replaced?: string; resourceVersion?: string; status: unknown };
}

export class StatusEchoes {
  readonly #written = new Map<string, OwnWrite>();

  /**
   * A status write over `replaced` (the version the pass read), answered with
   * `written`: what its update event will carry.
   */
  wrote(key: string, replaced: KubeObject, written: KubeObject): void {
    const status = (written as { status?: unknown }).status;
    this.#written.set(key, {
      digest: digest(status),
      pending: {
        replaced: replaced.metadata.resourceVersion,
        resourceVersion: written.metadata.resourceVersion,
        status,
      },
    });
  }

  /** After a write lost to a newer version: the next update, whatever it holds, needs a pass. */
  forget(key: string): void {
    this.#written.delete(key);
  }

  /**
   * The newest copy of a server: while the cache still holds the version this
   * operator's last status write replaced, that version with the written
   * status and its resourceVersion; else the cached one.
   */
  latest<T extends KubeObject>(key: string, cached: T): T {
    const own = this.#written.get(key);
    const pending = own?.pending;
    if (!own || !pending) return cached;
    if (cached.metadata.resourceVersion !== pending.replaced) {
      own.pending = undefined; // the cache has the write, or something newer
      return cached;
    }
    return {
      ...cached,
      metadata: { ...cached.metadata, resourceVersion: pending.resourceVersion },
      status: pending.status,
    };
  }

  /** Whether `updated` differs from `old` only by the status this operator last wrote for `key`. */
  isEcho(key: string, old: KubeObject, updated: KubeObject): boolean {
    const written = this.#written.get(key);
    if (written === undefined) return false;
    written.pending = undefined; // the cache is past the version the write replaced
    for (const field of WATCHED_METADATA) {
      if (!deepEqual(old.metadata[field], updated.metadata[field])) return false;
    }
    if (!deepEqual((old as { spec?: unknown }).spec, (updated as { spec?: unknown }).spec)) {
      return false;
    }
    return digest((updated as { status?: unknown }).status) === written.digest;
  }
}

/** Of Go's JSON encoding, keys sorted: the API server may send a status's keys in another order. */
function digest(value: unknown): string {
  return createHash('sha1').update(goJson(value)).digest('base64');
}
