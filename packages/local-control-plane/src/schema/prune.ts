// Structural pruning as the custom resource decoder does it: fields the schema
// does not specify are dropped and their paths reported (`spec.auth`,
// `spec.tools[0].x`, map entries `spec.labels.k.x`), so fieldValidation=Strict
// can reject them and Warn can warn. apiVersion, kind and metadata of the
// resource (and of embedded resources) are never pruned; metadata is coerced
// to ObjectMeta instead, which drops and reports only the fields ObjectMeta
// does not have.
import { mapValueSchema, type StructuralSchema } from '@mcp-operator/kube-core/structural';
import { clone, isObject } from '@mcp-operator/kube-core/json';
import {
  MANAGED_FIELDS_ENTRY_FIELDS,
  OBJECT_META_FIELDS,
  OWNER_REFERENCE_FIELDS,
} from '@mcp-operator/kube-core/object-meta';

const META_FIELDS = new Set(['apiVersion', 'kind', 'metadata']);

interface Walk {
  unknown: string[];
}

function join(parent: string, k: string): string {
  return parent ? `${parent}.${k}` : k;
}

/** Prunes `x` in place along `s` (undefined: nothing is specified here). */
function prune(
  x: unknown,
  s: StructuralSchema | undefined,
  path: string,
  walk: Walk,
  embedded: boolean,
): void {
  if (s && s['x-kubernetes-preserve-unknown-fields']) {
    skipPrune(x, s, path, walk);
    return;
  }
  if (isObject(x)) {
    if (!s) {
      for (const k of Object.keys(x)) {
        walk.unknown.push(join(path, k));
        delete x[k];
      }
      return;
    }
    const isEmbedded = embedded || !!s['x-kubernetes-embedded-resource'];
    for (const k of Object.keys(x)) {
      if (isEmbedded && META_FIELDS.has(k)) continue;
      const property = s.properties?.[k];
      if (property) prune(x[k], property, join(path, k), walk, false);
      else if (s.additionalProperties !== undefined) {
        prune(x[k], mapValueSchema(s), join(path, k), walk, false);
      } else {
        walk.unknown.push(join(path, k));
        delete x[k];
      }
    }
  } else if (Array.isArray(x)) {
    x.forEach((item, i) => prune(item, s?.items, `${path}[${i}]`, walk, false));
  }
}

/** Under x-kubernetes-preserve-unknown-fields: keep unknown fields, prune inside known ones. */
function skipPrune(x: unknown, s: StructuralSchema | undefined, path: string, walk: Walk): void {
  if (!s) return;
  if (isObject(x)) {
    for (const k of Object.keys(x)) {
      if (s['x-kubernetes-embedded-resource'] && META_FIELDS.has(k)) continue;
      const property = s.properties?.[k];
      if (property) prune(x[k], property, join(path, k), walk, false);
      else if (s.additionalProperties !== undefined) {
        prune(x[k], mapValueSchema(s), join(path, k), walk, false);
      }
    }
  } else if (Array.isArray(x)) {
    x.forEach((item, i) => skipPrune(item, s.items, `${path}[${i}]`, walk));
  }
}

/**
 * Drops fields the schema does not specify. Returns the pruned copy and the
 * sorted paths of what was dropped. The value is a resource root unless told
 * otherwise: its apiVersion, kind and metadata stay.
 */
export function prunePaths(
  value: unknown,
  schema: StructuralSchema,
  isResourceRoot = true,
): { value: unknown; unknownFields: string[] } {
  const copy = clone(value);
  const walk: Walk = { unknown: [] };
  prune(copy, schema, '', walk, isResourceRoot);
  return { value: copy, unknownFields: walk.unknown.sort() };
}

function stripUnknown(o: unknown, known: ReadonlySet<string>, path: string, out: string[]): void {
  if (!isObject(o)) return;
  for (const k of Object.keys(o)) {
    if (!known.has(k)) {
      out.push(`${path}.${k}`);
      delete o[k];
    }
  }
}

/**
 * Coerces a metadata object to the fields metav1.ObjectMeta has, in place.
 * Returns the dropped paths (`metadata.foo`, `metadata.ownerReferences[0].x`).
 */
export function coerceObjectMeta(metadata: unknown, prefix: string): string[] {
  const dropped: string[] = [];
  if (!isObject(metadata)) return dropped;
  stripUnknown(metadata, OBJECT_META_FIELDS, prefix, dropped);
  const owners = metadata.ownerReferences;
  if (Array.isArray(owners)) {
    owners.forEach((o, i) =>
      stripUnknown(o, OWNER_REFERENCE_FIELDS, `${prefix}.ownerReferences[${i}]`, dropped),
    );
  }
  const managed = metadata.managedFields;
  if (Array.isArray(managed)) {
    managed.forEach((m, i) =>
      stripUnknown(m, MANAGED_FIELDS_ENTRY_FIELDS, `${prefix}.managedFields[${i}]`, dropped),
    );
  }
  return dropped;
}

/** Coerces the metadata of every embedded resource below the root (in place). */
export function coerceEmbeddedMeta(
  x: unknown,
  s: StructuralSchema | undefined,
  path: string,
): string[] {
  if (!s) return [];
  const dropped: string[] = [];
  if (isObject(x)) {
    if (s['x-kubernetes-embedded-resource'] && path && isObject(x.metadata)) {
      dropped.push(...coerceObjectMeta(x.metadata, join(path, 'metadata')));
    }
    for (const k of Object.keys(x)) {
      const property = s.properties?.[k];
      if (property) dropped.push(...coerceEmbeddedMeta(x[k], property, join(path, k)));
      else {
        const valueSchema = mapValueSchema(s);
        if (valueSchema) dropped.push(...coerceEmbeddedMeta(x[k], valueSchema, join(path, k)));
      }
    }
  } else if (Array.isArray(x)) {
    x.forEach((item, i) => dropped.push(...coerceEmbeddedMeta(item, s.items, `${path}[${i}]`)));
  }
  return dropped;
}

function fieldSchema(k: string, s: StructuralSchema | undefined): StructuralSchema | undefined {
  if (!s) return undefined;
  return s.properties?.[k] ?? mapValueSchema(s);
}

/** Removes nulls of fields that are neither nullable nor defaulted (in place). */
export function pruneNonNullableNulls(x: unknown, s: StructuralSchema | undefined): void {
  if (isObject(x)) {
    for (const k of Object.keys(x)) {
      const child = fieldSchema(k, s);
      if (x[k] === null && child && !child.nullable && child.default === undefined) delete x[k];
      else pruneNonNullableNulls(x[k], child);
    }
  } else if (Array.isArray(x)) {
    for (const item of x) pruneNonNullableNulls(item, s?.items);
  }
}
