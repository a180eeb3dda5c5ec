// The schema node as this package reads it: kube/cel.ts's StructuralSchema
// plus the OpenAPI and x-kubernetes-validations fields it leaves out.
import type { StructuralSchema, ValidationRule } from '../../kube/cel.ts';

/** A rule with every field apiextensions.k8s.io/v1 ValidationRule has. */
export interface FullValidationRule extends ValidationRule {
  messageExpression?: string;
  reason?: string;
  fieldPath?: string;
  optionalOldSelf?: boolean;
}

/** A structural schema node with the fields StructuralSchema omits. */
export type Schema = Omit<
  StructuralSchema,
  'properties' | 'items' | 'additionalProperties' | 'x-kubernetes-validations'
> & {
  properties?: Record<string, Schema>;
  items?: Schema;
  additionalProperties?: Schema | boolean;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  multipleOf?: number;
  'x-kubernetes-validations'?: FullValidationRule[];
};

/** Views a StructuralSchema as the wider Schema (same JSON, more fields visible). */
export function asSchema(schema: StructuralSchema): Schema {
  return schema;
}

/** A JSON object (not an array, not null). */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The schema of an additionalProperties map's values, if it is a schema. */
export function mapValueSchema(s: Schema): Schema | undefined {
  return isObject(s.additionalProperties) ? s.additionalProperties : undefined;
}

/** A deep copy of a JSON value. */
export function cloneJson<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

/** Deep equality of JSON values (key order ignored). */
export { deepEqual as jsonEqual } from '../../kube/json.ts';
