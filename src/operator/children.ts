// Writes one owned object toward its desired state: create when absent,
// update only when something the operator owns drifted, never touch an object
// of the same name that this MCPServer does not control. Reads come from the
// informer cache. On a cache miss the object is created at once (as
// controller-runtime's CreateOrUpdate does after a cached NotFound); only when
// the server answers AlreadyExists — an unlabelled object the cache does not
// hold, or the operator's own create the cache has not seen yet — is it read
// with one GET.
import { FIELD_MANAGER } from '../api/v1alpha1/defaults.ts';
import { AlreadyExistsError, NotFoundError } from '@mcp-operator/kube-core/errors';
import type { KubeObject, KubePort, ResourceRef } from '@mcp-operator/kube-core/port';
import { controlledBy, driftOf, mergeForUpdate } from './drift.ts';
import type { Observed } from './readiness.ts';

export interface ObjectReader {
  get<T extends KubeObject = KubeObject>(resource: ResourceRef, key: string): T | undefined;
  list<T extends KubeObject = KubeObject>(resource: ResourceRef): T[];
  /** The objects an index (registered with the manager) files under `value`. */
  byIndex<T extends KubeObject = KubeObject>(
    resource: ResourceRef,
    index: string,
    value: string,
  ): T[];
}

export type WriteKind = 'created' | 'updated';

export interface ChildResult {
  observed: Observed;
  /** Set when this pass wrote the object, with the paths that drifted for an update. */
  wrote?: { kind: WriteKind; fields: string[] };
}

/** The live object under `desired`'s name: from the cache, else from the API server. */
export async function liveObject(
  port: KubePort,
  cache: ObjectReader,
  resource: ResourceRef,
  namespace: string,
  name: string,
): Promise<KubeObject | undefined> {
  const cached = cache.get(resource, `${namespace}/${name}`);
  if (cached) return cached;
  try {
    return await port.get(resource, namespace, name);
  } catch (err) {
    if (err instanceof NotFoundError) return undefined;
    throw err;
  }
}

export async function ensureChild(
  port: KubePort,
  cache: ObjectReader,
  resource: ResourceRef,
  desired: KubeObject,
  ownerUID: string | undefined,
  /** The status already reports a foreign object here: read it rather than try a create. */
  knownForeign = false,
): Promise<ChildResult> {
  const namespace = desired.metadata.namespace!;
  const name = desired.metadata.name!;
  let live = knownForeign
    ? await liveObject(port, cache, resource, namespace, name)
    : cache.get(resource, `${namespace}/${name}`);
  if (!live) {
    try {
      const created = await port.create(resource, desired, { fieldManager: FIELD_MANAGER });
      return {
        observed: { state: 'owned', object: created },
        wrote: { kind: 'created', fields: [] },
      };
    } catch (err) {
      if (!(err instanceof AlreadyExistsError)) throw err;
      live = await liveObject(port, cache, resource, namespace, name);
      // Gone again in between: a race, retried as one.
      if (!live) throw err;
    }
  }
  if (!controlledBy(live, ownerUID)) {
    return { observed: { state: 'foreign', kind: resource.kind, name } };
  }
  const drift = driftOf(live, desired, FIELD_MANAGER);
  if (drift.length === 0) return { observed: { state: 'owned', object: live } };
  const updated = await port.update(resource, mergeForUpdate(live, desired, FIELD_MANAGER), {
    fieldManager: FIELD_MANAGER,
  });
  return {
    observed: { state: 'owned', object: updated },
    wrote: { kind: 'updated', fields: drift },
  };
}

/** Deletes the object if this MCPServer controls it (a route lost to another server). */
export async function removeChild(
  port: KubePort,
  cache: ObjectReader,
  resource: ResourceRef,
  namespace: string,
  name: string,
  ownerUID: string | undefined,
): Promise<boolean> {
  const live = await liveObject(port, cache, resource, namespace, name);
  if (!live || !controlledBy(live, ownerUID)) return false;
  try {
    await port.delete(resource, namespace, name, {
      ...(live.metadata.uid ? { preconditions: { uid: live.metadata.uid } } : {}),
    });
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err;
  }
  return true;
}
