// Keeps the provisioned registry's pull Secret in each namespace that uses it.
// Secrets are not watched (the operator's role has no list or watch on them),
// so each namespace is checked with one GET and then remembered for a while:
// passes in between make no request at all. A Secret of that name that the
// operator did not make (no managed-by label) is left alone.
import { FIELD_MANAGER, LABELS, MANAGED_BY } from '../api/v1alpha1/defaults.ts';
import { ForbiddenError, NotFoundError } from '@mcp-operator/kube-core/errors';
import { deepEqual } from '@mcp-operator/kube-core/json';
import { RESOURCES } from '@mcp-operator/kube-core/port';
import type { KubeObject, KubePort } from '@mcp-operator/kube-core/port';

/** How long a checked Secret is trusted before the next GET (it may be deleted by hand). */
const RECHECK_MS = 10 * 60_000;

export type PullSecretResult = 'created' | 'updated' | 'foreign' | 'unchanged';

export class PullSecretKeeper {
  readonly #port: KubePort;
  readonly #checked = new Map<string, { content: string; atMs: number }>();

  constructor(port: KubePort) {
    this.#port = port;
  }

  async ensure(secret: KubeObject, nowMs: number): Promise<PullSecretResult> {
    const namespace = secret.metadata.namespace!;
    const name = secret.metadata.name!;
    const content = JSON.stringify([name, secret.type, secret.data]);
    const checked = this.#checked.get(namespace);
    if (checked && checked.content === content && nowMs - checked.atMs < RECHECK_MS) {
      return 'unchanged';
    }
    try {
      const result = await this.#write(secret, namespace, name);
      this.#checked.set(namespace, { content, atMs: nowMs });
      return result;
    } catch (err) {
      if (err instanceof ForbiddenError) {
        throw new Error(
          `the operator may not manage the pull Secret ${namespace}/${name} (${err.message}); grant it the optional Secret role, or set spec.imagePullSecrets`,
        );
      }
      throw err;
    }
  }

  async #write(secret: KubeObject, namespace: string, name: string): Promise<PullSecretResult> {
    let live: KubeObject;
    try {
      live = await this.#port.get(RESOURCES.secrets, namespace, name);
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
      await this.#port.create(RESOURCES.secrets, secret, { fieldManager: FIELD_MANAGER });
      return 'created';
    }
    if (live.metadata.labels?.[LABELS.managedBy] !== MANAGED_BY) return 'foreign';
    // The type is immutable and always dockerconfigjson here: only the credentials change.
    if (deepEqual(live.data, secret.data)) return 'unchanged';
    await this.#port.update(
      RESOURCES.secrets,
      { ...live, data: secret.data },
      { fieldManager: FIELD_MANAGER },
    );
    return 'updated';
  }
}
