// CEL `x-kubernetes-validations` evaluated the way kube-apiserver does: each
// rule runs with `self` bound to the value at the node that declares it, the
// value converted to CEL types by the node's structural schema.
import { celEnv, isCelError, parse, plan } from '@bufbuild/cel';
import type { CelInput } from '@bufbuild/cel';

/** The subset of a structural OpenAPI v3 schema that validation walks. */
export interface StructuralSchema {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  description?: string;
  properties?: Record<string, StructuralSchema>;
  items?: StructuralSchema;
  additionalProperties?: StructuralSchema | boolean;
  required?: string[];
  enum?: unknown[];
  default?: unknown;
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  minProperties?: number;
  maxProperties?: number;
  nullable?: boolean;
  'x-kubernetes-validations'?: ValidationRule[];
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
}

export interface ValidationRule {
  rule: string;
  message?: string;
}

/** One failed rule, with the Kubernetes-style path of the node that declares it. */
export interface RuleViolation {
  path: string;
  rule: string;
  message: string;
}

type Program = (self: CelInput) => unknown;

const env = celEnv({});
const programs = new Map<string, Program>();

/** Compiles a rule once; throws with the parser's message when it is not valid CEL. */
export function compileRule(rule: string): Program {
  let program = programs.get(rule);
  if (!program) {
    const run = plan(env, parse(rule)) as (ctx: Record<string, CelInput>) => unknown;
    program = (self) => run({ self });
    programs.set(rule, program);
  }
  return program;
}

/** Evaluates one rule against `self`: true, false, or the evaluation error. */
export function evaluateRule(rule: string, self: CelInput): boolean | Error {
  const result = compileRule(rule)(self);
  if (isCelError(result)) return new Error(result.message);
  if (typeof result !== 'boolean') return new Error(`rule returned ${typeof result}, not bool`);
  return result;
}

/** Converts a JSON value to CEL input, typed by its schema (integers become CEL ints). */
export function toCel(value: unknown, schema?: StructuralSchema): CelInput {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map((item) => toCel(item, schema?.items));
  if (typeof value === 'number') {
    const integer = schema?.type === 'integer' || (!schema?.type && Number.isInteger(value));
    return integer && Number.isInteger(value) ? BigInt(value) : value;
  }
  if (typeof value === 'object') {
    const map = new Map<string, CelInput>();
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      map.set(key, toCel(item, childSchema(schema, key)));
    }
    return map;
  }
  return value as CelInput;
}

function childSchema(
  schema: StructuralSchema | undefined,
  key: string,
): StructuralSchema | undefined {
  if (!schema) return undefined;
  if (schema.properties?.[key]) return schema.properties[key];
  return typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined;
}

function typeMatches(value: unknown, schema: StructuralSchema): boolean {
  switch (schema.type) {
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'array':
      return Array.isArray(value);
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
    case 'boolean':
      return typeof value === 'boolean';
    default:
      return value !== undefined;
  }
}

/**
 * Walks `value` along `schema` and evaluates every rule on the way. Nodes whose
 * value has the wrong type are skipped: their type error is reported elsewhere.
 */
export function evaluateSchemaRules(
  value: unknown,
  schema: StructuralSchema,
  path = '',
): RuleViolation[] {
  if (value === undefined || value === null || !typeMatches(value, schema)) return [];
  const violations: RuleViolation[] = [];
  const rules = schema['x-kubernetes-validations'] ?? [];
  if (rules.length > 0) {
    const self = toCel(value, schema);
    for (const { rule, message } of rules) {
      const result = evaluateRule(rule, self);
      if (result === true) continue;
      violations.push({
        path,
        rule,
        message:
          result instanceof Error
            ? `rule could not be evaluated: ${result.message}`
            : (message ?? `failed rule: ${rule}`),
      });
    }
  }
  if (Array.isArray(value)) {
    if (schema.items) {
      value.forEach((item, i) => {
        violations.push(...evaluateSchemaRules(item, schema.items!, `${path}[${i}]`));
      });
    }
    return violations;
  }
  if (typeof value === 'object') {
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      const propertySchema = schema.properties?.[key];
      if (propertySchema) {
        violations.push(
          ...evaluateSchemaRules(item, propertySchema, path ? `${path}.${key}` : key),
        );
      } else if (typeof schema.additionalProperties === 'object') {
        violations.push(
          ...evaluateSchemaRules(item, schema.additionalProperties, `${path}[${key}]`),
        );
      }
    }
  }
  return violations;
}
