// The two moves every kind's defaulting makes on loose JSON: reach a nested
// object (creating it) and fill a field that is unset.
import { isObject, type JsonObject } from '@mcp-operator/kube-core/json';

/** The object at `parent[key]`, created empty when missing or not an object. */
export const obj = (parent: JsonObject, key: string): JsonObject => {
  if (!isObject(parent[key])) parent[key] = {};
  return parent[key] as JsonObject;
};

/** Sets `target[key]` when it is undefined or null. */
export const setDefault = (target: JsonObject, key: string, value: unknown) => {
  if (target[key] === undefined || target[key] === null) target[key] = value;
};
