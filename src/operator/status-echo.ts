// Every status write comes back as an update event of the MCPServer. A pass
// for it would find nothing to do; controller-runtime users drop such events
// with a predicate. This one drops only the echo of the operator's own write:
// the same spec and metadata, and exactly the status it wrote. A status
// someone else changed still wakes the reconciler, which writes it back.
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

export class StatusEchoes {
  /** A digest per key (not the status: thousands of servers). */
  readonly #written = new Map<string, string>();

  /** `status` as the API server answered the write: what its update event will carry. */
  wrote(key: string, status: unknown): void {
    this.#written.set(key, digest(status));
  }

  forget(key: string): void {
    this.#written.delete(key);
  }

  /** Whether `updated` differs from `old` only by the status this operator last wrote for `key`. */
  isEcho(key: string, old: KubeObject, updated: KubeObject): boolean {
    const written = this.#written.get(key);
    if (written === undefined) return false;
    for (const field of WATCHED_METADATA) {
      if (!deepEqual(old.metadata[field], updated.metadata[field])) return false;
    }
    if (!deepEqual((old as { spec?: unknown }).spec, (updated as { spec?: unknown }).spec)) {
      return false;
    }
    return digest((updated as { status?: unknown }).status) === written;
  }
}

/** Of Go's JSON encoding, keys sorted: the API server may send a status's keys in another order. */
function digest(value: unknown): string {
  return createHash('sha1').update(goJson(value)).digest('base64');
}
