// Server-side apply and field ownership (metadata.managedFields), after the
// apiserver's field manager and structured-merge-diff's Updater.
import { errors } from '../errors.ts';
import type { KubeObject } from '../types.ts';
import { FieldSet, difference, intersection, onlyTop, toFieldsV1, union } from './field-set.ts';
import { type Comparison, compareValues, toFieldSet } from './field-walk.ts';
import { clone, deepEqual, isObject, type JsonObject } from '@mcp-operator/kube-core/json';
import { TypedValueError } from './list-items.ts';
import {
  type Manager,
  type Managers,
  capUpdaters,
  conflictError,
  decodeManagers,
  encodeManagers,
  identity,
} from './managers.ts';
import type { MergeInfo } from './merge-info.ts';
import { unknownError } from './patch-errors.ts';
import { dropNulls, mergeApplied, removeEmptied, removePaths } from './ssa-merge.ts';

export interface ApplyInput {
  live: KubeObject | undefined; // undefined → apply creates
  applied: KubeObject; // the apply configuration (already parsed from YAML/JSON)
  manager: string; // fieldManager (required; the server checks presence)
  force: boolean;
  info: MergeInfo;
  apiVersion: string;
  subresource?: 'status' | 'scale'; // apply to /status: only status fields are merged; /scale: the Scale view
  now: string; // RFC 3339 time for managedFields[].time
}

export interface UpdateInput {
  before: KubeObject | undefined; // undefined for create
  after: KubeObject; // the object after a create / update / patch (non-apply)
  manager: string; // fieldManager query param, or derived from the user agent by the caller
  info: MergeInfo;
  apiVersion: string;
  subresource?: 'status' | 'scale';
  now: string;
}

const STATUS = 'f:status';

/** Fields nobody owns: identity and server-maintained metadata (the field manager's strip set). */
const stripped: FieldSet = FieldSet.fromPaths([
  ['f:apiVersion'],
  ['f:kind'],
  ['f:metadata'],
  ...[
    'name',
    'namespace',
    'creationTimestamp',
    'selfLink',
    'uid',
    'clusterName',
    'generation',
    'managedFields',
    'resourceVersion',
  ].map((field) => ['f:metadata', `f:${field}`]),
]);

/** What a manager may own through this endpoint: everything, or only status on /status. */
function scoped(set: FieldSet, subresource: string | undefined): FieldSet {
  const kept = difference(set, stripped);
  return subresource === 'status' ? onlyTop(kept, STATUS) : kept;
}

function withoutManagedFields(obj: KubeObject | undefined): JsonObject {
  if (!obj) return {};
  const copy = clone(obj) as JsonObject;
  if (isObject(copy.metadata)) delete copy.metadata.managedFields;
  return copy;
}

/**
 * The object without metadata.managedFields, sharing everything else with it:
 * for reading (compareValues) and for withManagedFields, which replaces only
 * the metadata it is given.
 */
function strippedOfManagedFields(obj: KubeObject | undefined): JsonObject {
  if (!obj) return {};
  if (!isObject(obj.metadata)) return { ...obj };
  const { managedFields: _mf, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}

function withManagedFields(obj: JsonObject, managers: Managers): KubeObject {
  capUpdaters(managers);
  const entries = encodeManagers(managers);
  const metadata = isObject(obj.metadata) ? obj.metadata : {};
  if (entries.length > 0) metadata.managedFields = entries;
  else delete metadata.managedFields;
  obj.metadata = metadata;
  return obj as KubeObject;
}

function gvkString(apiVersion: string, kind: string): string {
  const slash = apiVersion.lastIndexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  return `${group}/${version}, Kind=${kind}`;
}

/** The set an apply configuration claims; bad list keys fail as the apiserver's typed conversion does. */
function appliedSet(config: JsonObject, input: ApplyInput): FieldSet {
  try {
    return scoped(toFieldSet(config, input.info, true), input.subresource);
  } catch (error) {
    if (!(error instanceof TypedValueError)) throw error;
    const meta = input.applied.metadata ?? {};
    const where = `${meta.namespace ?? ''}/${meta.name ?? ''}; ${gvkString(input.apiVersion, input.applied.kind)}`;
    throw unknownError(`failed to create typed patch object (${where}): ${error.message}`);
  }
}

function checkApplied(input: ApplyInput): void {
  if (!input.manager) {
    throw errors.invalid('PatchOptions', 'meta.k8s.io', '', [
      {
        type: 'FieldValueRequired',
        field: 'fieldManager',
        message: 'Required value: is required for apply requests',
      },
    ]);
  }
  if (input.applied.apiVersion !== input.apiVersion) {
    throw errors.badRequest(
      `Incorrect version specified in apply patch. Specified patch version: ${input.applied.apiVersion}, expected: ${input.apiVersion}`,
    );
  }
  if (input.applied.metadata?.managedFields != null) {
    throw errors.badRequest('metadata.managedFields must be nil');
  }
}

/**
 * Other managers lose what the change removed; what it added or modified under
 * their ownership is a conflict. Returns the conflicts; with `force` the
 * conflicting fields also move away from their owners.
 */
function settleOthers(
  managers: Managers,
  self: string,
  change: Comparison,
  force: boolean,
): Map<string, FieldSet> {
  const touched = union(change.added, change.modified);
  const conflicts = new Map<string, FieldSet>();
  for (const [id, m] of managers) {
    if (id === self) continue;
    const clash = intersection(m.set, touched);
    if (!clash.isEmpty()) conflicts.set(id, clash);
    m.set = difference(m.set, change.removed);
    if (force) m.set = difference(m.set, clash);
  }
  return conflicts;
}

/** Returns the merged object with metadata.managedFields updated. Throws ApiError 409 Conflict on conflicts (unless force). */
export function serverSideApply(input: ApplyInput): KubeObject {
  checkApplied(input);
  const { info, manager, subresource } = input;
  const config: JsonObject =
    subresource === 'status'
      ? input.applied.status === undefined
        ? {}
        : { status: clone(input.applied.status) }
      : withoutManagedFields(input.applied);
  const newSet = appliedSet(config, input);

  const live = withoutManagedFields(input.live);
  const managers = decodeManagers(input.live?.metadata.managedFields, true);
  if (input.live && managers.size === 0) {
    // An object nobody tracked yet: what it holds goes to a placeholder updater first.
    const who = {
      manager: 'before-first-apply',
      apiVersion: input.apiVersion,
      ...(subresource ? { subresource } : {}),
    };
    noteUpdate(managers, {}, live, who, info, input.now);
  }
  const self = identity({ manager, operation: 'Apply', apiVersion: input.apiVersion, subresource });
  const previous = managers.get(self);
  const lastSet = previous?.set;
  const applier: Manager = {
    manager,
    operation: 'Apply',
    apiVersion: input.apiVersion,
    ...(subresource ? { subresource } : {}),
    ...(previous?.time ? { time: previous.time } : {}),
    set: newSet,
  };
  managers.set(self, applier);

  const merged = mergeApplied(live, config, info) as JsonObject;
  if (lastSet && !lastSet.isEmpty()) {
    // Fields the applier stops applying go, unless some manager (the applier's new config included) owns them.
    let owned: FieldSet = newSet;
    for (const m of managers.values()) owned = union(owned, m.set);
    removePaths(merged, difference(lastSet, owned).paths(), info);
    removeEmptied(merged, config, lastSet, owned, info);
  }
  const result = dropNulls(merged) as JsonObject;

  const change = compareValues(live, result, info);
  const conflicts = settleOthers(managers, self, change, input.force);
  if (conflicts.size > 0 && !input.force) throw conflictError(conflicts, managers);

  // The time moves only when the object changed (a no-op apply keeps the old one).
  if (!input.live || !deepEqual(live, result)) applier.time = input.now;
  return withManagedFields(result, managers);
}

/**
 * An Update by `manager` from `before` to `after`: others lose what changed, the
 * manager gains it (its entry and time move only when something changed).
 */
function noteUpdate(
  managers: Managers,
  before: unknown,
  after: unknown,
  who: Pick<Manager, 'manager' | 'apiVersion' | 'subresource'>,
  info: MergeInfo,
  now: string,
): void {
  const change = compareValues(before, after, info);
  const gained = scoped(
    difference(union(change.added, change.modified), change.removed),
    who.subresource,
  );
  settleOthers(managers, '', change, true);
  if (gained.isEmpty()) return;
  const self = identity({ ...who, operation: 'Update' });
  const previous = managers.get(self);
  managers.set(self, {
    manager: who.manager,
    operation: 'Update',
    apiVersion: who.apiVersion,
    ...(who.subresource ? { subresource: who.subresource } : {}),
    time: now,
    set: previous ? union(previous.set, gained) : gained,
  });
}

/**
 * Records an Update operation: the manager gains the fields it set or changed;
 * other managers lose fields whose value changed. Returns `after` with managedFields set.
 */
export function recordUpdate(input: UpdateInput): KubeObject {
  const { subresource } = input;
  const before = strippedOfManagedFields(input.before);
  const after = strippedOfManagedFields(input.after);
  // A client may rewrite managedFields in the body of a main-resource write (`[{}]` clears them).
  const sent = input.after.metadata?.managedFields;
  const base =
    !subresource &&
    Array.isArray(sent) &&
    sent.length > 0 &&
    !deepEqual(sent, input.before?.metadata.managedFields)
      ? sent
      : input.before?.metadata.managedFields;
  // The stored object's entries are the store's own encoding; a client's are not.
  const managers = decodeManagers(base, base === input.before?.metadata.managedFields);
  const who = {
    manager: input.manager,
    apiVersion: input.apiVersion,
    ...(subresource ? { subresource } : {}),
  };
  noteUpdate(managers, before, after, who, input.info, input.now);
  return withManagedFields(after, managers);
}

/** The set of fields `obj` sets, in FieldsV1 form (identity and server-maintained metadata left out). */
export function fieldsV1Of(obj: unknown, info: MergeInfo): Record<string, unknown> {
  return toFieldsV1(difference(toFieldSet(obj, info), stripped));
}
