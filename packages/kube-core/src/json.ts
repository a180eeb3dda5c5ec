// Helpers over parsed JSON values (Kubernetes objects as the API returns
// them), shared by every layer: type test, deep copy, equality.

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value if it is a JSON object, else undefined: `asObject(o.spec)?.replicas`. */
export function asObject(value: unknown): JsonObject | undefined {
  return isObject(value) ? value : undefined;
}

/**
 * A deep copy of a JSON value (undefined stays undefined). Indexed loops, not
 * Object.entries: the control plane copies every object it stores and serves,
 * and the pairs array was most of that cost.
 */
export function clone<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    const items: unknown[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) items[i] = clone(value[i] as unknown);
    return items as T;
  }
  const source = value as JsonObject;
  const out: JsonObject = {};
  const keys = Object.keys(source);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    setKey(out, key, clone(source[key]));
  }
  return out as T;
}

/**
 * Sets `key` on `target` as JSON.parse would: "__proto__" becomes an own key
 * holding data, where plain assignment would set the prototype instead.
 */
export function setKey(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else target[key] = value;
}

/** JSON equality: object key order does not matter, array order does. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    return keys.every((key) => key in b && deepEqual(a[key], b[key]));
  }
  return false;
}
