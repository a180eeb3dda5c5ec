// Field ownership across the scale subresource, after apimachinery's
// managedfields.ScaleHandler: the parent's managedFields seen from its
// autoscaling/v1 Scale (only the owners of the replicas field, owning the
// Scale's spec.replicas), and the Scale's managedFields after a write mapped
// back onto the parent.
import type { ManagedFieldsEntry } from '../types.ts';
import { type FieldPath, FieldSet, difference } from './field-set.ts';
import { type Managers, decodeManagers, encodeManagers } from './managers.ts';

/** The version a Scale is served in, whatever the parent's. */
export const SCALE_API_VERSION = 'autoscaling/v1';

const REPLICAS_IN_SCALE: FieldPath = ['f:spec', 'f:replicas'];

/** Per apiVersion of the parent, the path of its replicas field (ResourcePathMappings). */
export type ReplicasPaths = Readonly<Record<string, FieldPath>>;

/**
 * The replicas path of each parent kind served with a scale subresource, per
 * version (pkg/registry/apps/deployment/storage's replicasPathInDeployment).
 */
const REPLICAS_PATHS: Readonly<Record<string, ReplicasPaths>> = {
  'apps/Deployment': {
    'apps/v1beta1': ['f:spec', 'f:replicas'],
    'apps/v1beta2': ['f:spec', 'f:replicas'],
    'apps/v1': ['f:spec', 'f:replicas'],
  },
};

export function replicasPathsOf(group: string, kind: string): ReplicasPaths {
  const paths = REPLICAS_PATHS[`${group}/${kind}`];
  if (!paths) throw new Error(`no replicas path known for ${group}/${kind}`);
  return paths;
}

/**
 * ToSubresource: the parent's entries that own its replicas field, each now
 * owning only the Scale's spec.replicas in autoscaling/v1 (manager, operation,
 * subresource and time kept). Entries of versions without a mapping are left out.
 */
export function scaleManagedFields(
  parent: ManagedFieldsEntry[] | undefined,
  paths: ReplicasPaths,
): ManagedFieldsEntry[] {
  const out: Managers = new Map();
  for (const [id, m] of decodeManagers(parent)) {
    const path = paths[m.apiVersion];
    if (!path || !m.set.has(path)) continue;
    out.set(id, {
      ...m,
      apiVersion: SCALE_API_VERSION,
      set: FieldSet.fromPaths([REPLICAS_IN_SCALE]),
    });
  }
  return encodeManagers(out);
}

/**
 * ToParent: the parent's entries after a write through the Scale. An entry of
 * the parent that owns its replicas field keeps it only while the same
 * identity still owns it in the Scale's entries (else the field is taken from
 * it, and the entry goes when nothing is left); entries not owning it stay as
 * they are; entries of versions without a mapping go. Every other identity of
 * the Scale owning spec.replicas becomes an entry in `apiVersion` (the
 * request's version of the parent) owning the parent's replicas field, with
 * the time the parent had for that identity, if any: the Scale's own
 * timestamps are not carried over, so a manager new to the parent gets none.
 * Updaters' identities include their apiVersion, which is autoscaling/v1 in
 * the Scale's view, so they never match the parent's and count as new.
 */
export function parentManagedFields(
  parent: ManagedFieldsEntry[] | undefined,
  scale: ManagedFieldsEntry[] | undefined,
  apiVersion: string,
  paths: ReplicasPaths,
): ManagedFieldsEntry[] {
  const parentManagers = decodeManagers(parent);
  const scaleManagers = decodeManagers(scale);
  const out: Managers = new Map();
  for (const [id, m] of parentManagers) {
    const path = paths[m.apiVersion];
    if (!path) continue;
    if (!m.set.has(path)) {
      out.set(id, m);
    } else if (scaleManagers.has(id)) {
      out.set(id, m);
      scaleManagers.delete(id);
    } else {
      const rest = difference(m.set, FieldSet.fromPaths([path]));
      if (!rest.isEmpty()) out.set(id, { ...m, set: rest });
    }
  }
  const target = paths[apiVersion];
  if (!target) throw new Error(`no replicas path known for ${apiVersion}`);
  for (const [id, m] of scaleManagers) {
    if (!m.set.has(REPLICAS_IN_SCALE)) continue;
    const time = parentManagers.get(id)?.time;
    out.set(id, {
      manager: m.manager,
      operation: m.operation,
      apiVersion,
      ...(m.subresource ? { subresource: m.subresource } : {}),
      ...(time ? { time } : {}),
      set: FieldSet.fromPaths([target]),
    });
  }
  return encodeManagers(out);
}
