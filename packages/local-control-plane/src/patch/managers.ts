// metadata.managedFields as the apiserver's field manager keeps it: one set
// per manager identity (manager, operation, subresource, and the apiVersion
// for updaters), decoded from and encoded to ManagedFieldsEntry lists.
import { isObject } from '@mcp-operator/kube-core/json';
import { ApiError } from '../errors.ts';
import type { ManagedFieldsEntry } from '../types.ts';
import {
  type FieldPath,
  type FieldSet,
  fromFieldsV1,
  pathString,
  sameSet,
  toFieldsV1,
  union,
} from './field-set.ts';

export interface Manager {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  subresource?: string;
  time?: string;
  set: FieldSet;
  /**
   * The entry's FieldsV1 as it came in and the set it decoded to, when it is
   * the store's own encoding (canonical): encoding an unchanged set again gives
   * the same JSON, so it is reused instead of sorted and written anew.
   */
  encoded?: { fieldsV1: Record<string, unknown>; set: FieldSet };
}

export type Managers = Map<string, Manager>;

/**
 * The identity string (JSON, like BuildManagerIdentifier): appliers are one
 * identity whatever apiVersion they apply with; updaters are one per apiVersion.
 */
export function identity(
  m: Pick<Manager, 'manager' | 'operation' | 'apiVersion' | 'subresource'>,
): string {
  return JSON.stringify({
    manager: m.manager,
    operation: m.operation,
    ...(m.operation === 'Update' && m.apiVersion ? { apiVersion: m.apiVersion } : {}),
    ...(m.subresource ? { subresource: m.subresource } : {}),
  });
}

/** `canonical`: the entries are the store's own encoding (a stored object's), kept for reuse. */
export function decodeManagers(entries: unknown, canonical = false): Managers {
  const managers: Managers = new Map();
  if (!Array.isArray(entries)) return managers;
  for (const raw of entries as Partial<ManagedFieldsEntry>[]) {
    if (typeof raw !== 'object' || raw === null) continue;
    const set = fromFieldsV1(raw.fieldsV1);
    const entry: Manager = {
      manager: typeof raw.manager === 'string' ? raw.manager : '',
      operation: raw.operation === 'Apply' ? 'Apply' : 'Update',
      apiVersion: typeof raw.apiVersion === 'string' ? raw.apiVersion : '',
      ...(raw.subresource ? { subresource: raw.subresource } : {}),
      ...(typeof raw.time === 'string' ? { time: raw.time } : {}),
      set,
      ...(canonical && isObject(raw.fieldsV1) ? { encoded: { fieldsV1: raw.fieldsV1, set } } : {}),
    };
    const id = identity(entry);
    const previous = managers.get(id);
    // A repeated identity is folded into one entry rather than dropped.
    managers.set(
      id,
      previous ? { ...previous, set: union(previous.set, entry.set), encoded: undefined } : entry,
    );
  }
  return managers;
}

const seconds = (time: string | undefined) => (time ? Math.floor(Date.parse(time) / 1000) || 0 : 0);

/** Entries ordered as the apiserver orders them: appliers first, then by time, manager, apiVersion, subresource. */
export function encodeManagers(managers: Managers): ManagedFieldsEntry[] {
  const list = [...managers.values()].filter((m) => !m.set.isEmpty());
  list.sort(
    (p, q) =>
      compareText(p.operation, q.operation) ||
      seconds(p.time) - seconds(q.time) ||
      compareText(p.manager, q.manager) ||
      compareText(p.apiVersion, q.apiVersion) ||
      compareText(p.subresource ?? '', q.subresource ?? ''),
  );
  return list.map((m) => ({
    manager: m.manager,
    operation: m.operation,
    apiVersion: m.apiVersion,
    ...(m.time ? { time: m.time } : {}),
    fieldsType: 'FieldsV1' as const,
    fieldsV1: m.encoded && sameSet(m.set, m.encoded.set) ? m.encoded.fieldsV1 : toFieldsV1(m.set),
    ...(m.subresource ? { subresource: m.subresource } : {}),
  }));
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const MAX_UPDATE_MANAGERS = 10;
const BUCKET = 'ancient-changes';

/** More than ten updaters: the oldest are folded into an `ancient-changes` entry per apiVersion. */
export function capUpdaters(managers: Managers): void {
  const updaters = [...managers.entries()]
    .filter(([, m]) => m.operation === 'Update')
    .sort(([idA, a], [idB, b]) => seconds(a.time) - seconds(b.time) || compareText(idA, idB));
  let count = updaters.length;
  for (const [id, m] of updaters) {
    if (count <= MAX_UPDATE_MANAGERS) break;
    const bucket: Manager = {
      manager: BUCKET,
      operation: 'Update',
      apiVersion: m.apiVersion,
      set: m.set,
    };
    const bucketId = identity(bucket);
    if (bucketId === id) continue;
    const previous = managers.get(bucketId);
    if (previous) previous.set = union(previous.set, m.set);
    else count++;
    managers.set(bucketId, { ...(previous ?? bucket), ...(m.time ? { time: m.time } : {}) });
    managers.delete(id);
    count--;
  }
}

/** `"manager"`, `"manager" with subresource "status"`, `"manager" using apps/v1`. */
function printManager(m: Manager): string {
  let out = JSON.stringify(m.manager);
  if (m.subresource) out += ` with subresource ${JSON.stringify(m.subresource)}`;
  if (m.operation === 'Update') out += ` using ${m.apiVersion}`;
  return out;
}

/** 409 Conflict with the apiserver's wording and one FieldManagerConflict cause per field. */
export function conflictError(conflicts: Map<string, FieldSet>, managers: Managers): ApiError {
  const ids = [...conflicts.keys()].sort(compareText);
  const rows: { who: string; path: FieldPath }[] = [];
  for (const id of ids) {
    const who = printManager(managers.get(id)!);
    for (const path of conflicts.get(id)!.paths()) rows.push({ who, path });
  }
  let message: string;
  if (rows.length === 1) {
    message = `Apply failed with 1 conflict: conflict with ${rows[0]!.who}: ${pathString(rows[0]!.path)}`;
  } else {
    const lines: string[] = [];
    for (const id of ids) {
      lines.push(`conflicts with ${printManager(managers.get(id)!)}:`);
      for (const path of conflicts.get(id)!.paths()) lines.push(`- ${pathString(path)}`);
    }
    message = `Apply failed with ${rows.length} conflicts: ${lines.join('\n')}`;
  }
  return new ApiError(409, 'Conflict', message, {
    causes: rows.map(({ who, path }) => ({
      reason: 'FieldManagerConflict',
      message: `conflict with ${who}`,
      field: pathString(path),
    })),
  });
}
