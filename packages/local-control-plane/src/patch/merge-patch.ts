// RFC 7386 JSON merge patch, as kube-apiserver applies it (evanphx/json-patch
// MergePatch): null deletes, objects merge recursively, anything else replaces.
import { errors } from '../errors.ts';
import { clone, isObject, type JsonObject } from '@mcp-operator/kube-core/json';

/** A patch value placed where nothing was merged: nulls inside objects carry no meaning there and go. */
function pruneNulls(value: unknown): unknown {
  if (Array.isArray(value))
    return (value as unknown[]).map((item) => (isObject(item) ? pruneNulls(item) : clone(item)));
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const [key, item] of Object.entries(value)) {
    if (item !== null) out[key] = pruneNulls(item);
  }
  return out;
}

function merge(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return pruneNulls(patch);
  const out: JsonObject = isObject(target) ? clone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = merge(out[key], value);
  }
  return out;
}

/**
 * Applies a JSON merge patch to a copy of `doc`. The patch of an API object must
 * itself be an object: anything else (null, an array, a scalar) is 400 "Invalid JSON Patch".
 */
export function applyMergePatch(doc: unknown, patch: unknown): unknown {
  if (!isObject(patch)) throw errors.badRequest('Invalid JSON Patch');
  return merge(doc, patch);
}
