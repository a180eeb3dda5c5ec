// Every status write comes back as an update event of the MCPServer. A pass
// for it would find nothing to do; controller-runtime users drop such events
// with a predicate. This one drops only the echo of the operator's own write:
// the same spec and metadata, and exactly the status it wrote. A status
// someone else changed still wakes the reconciler, which writes it back.
//
// Until that event arrives the cache holds the version the write replaced, and
// a pass in between (a child's event) would write with its stale
// resourceVersion and lose to the operator's own write (409). Such a pass
// starts from the write's answer instead, as the cache will have it.
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
  /** The write's answer, kept only until the cache moves past `replaced`. */
  answer?: KubeObject;
  /** The resourceVersion the write replaced. */
  replaced?: string;
}

export class StatusEchoes {
  readonly #written = new Map<string, OwnWrite>();

  /**
   * A status write of `written` (as the API server answered it: what its
   * update event will carry) over `replaced`, the version the pass read.
   */
  wrote(key: string, replaced: KubeObject, written: KubeObject): void {
    this.#written.set(key, {
      digest: digest((written as { status?: unknown }).status),
      answer: written,
      replaced: replaced.metadata.resourceVersion,
    });
  }

  /** After a write lost to a newer version: the next update, whatever it holds, needs a pass. */
  forget(key: string): void {
    this.#written.delete(key);
  }

  /**
   * The newest copy of a server: the answer to this operator's last status
   * write while the cache still holds the version that write replaced, else
   * the cached one.
   */
  latest<T extends KubeObject>(key: string, cached: T): T {
    const own = this.#written.get(key);
    if (!own?.answer) return cached;
    if (cached.metadata.resourceVersion === own.replaced) return own.answer as T;
    own.answer = undefined; // the cache has the write, or something newer
    return cached;
  }

  /** Whether `updated` differs from `old` only by the status this operator last wrote for `key`. */
  isEcho(key: string, old: KubeObject, updated: KubeObject): boolean {
    const written = this.#written.get(key);
    if (written === undefined) return false;
    written.answer = undefined; // the cache is past the version the write replaced
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
