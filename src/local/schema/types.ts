// JSON helpers of the schema package. The schema node itself is
// kube/structural.ts's StructuralSchema, the one type the API's CRD, its
// validation and this package share.
import { isObject } from '../../kube/json.ts';

export { isObject };

/** A deep copy of a JSON value. */
export function cloneJson<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

/** Deep equality of JSON values (key order ignored). */
export { deepEqual as jsonEqual } from '../../kube/json.ts';
