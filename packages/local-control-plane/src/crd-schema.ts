// What kube-apiserver does with a custom resource's openAPIV3Schema on create
// and update, in its order: decode (coerce metadata to ObjectMeta, prune
// unknown fields, drop nulls the schema neither allows nor defaults), apply
// defaults, then validate (OpenAPI schema, embedded resources, list-type
// uniqueness, and x-kubernetes-validations unless an earlier error means the
// object lacks the shape the rules were written for).
import { evaluateValidationRules, hasValidationRules } from '@mcp-operator/kube-core/cel';
import type { StructuralSchema } from '@mcp-operator/kube-core/structural';
import type { FieldError } from './errors.ts';
import type { KubeObject } from './types.ts';
import { applyDefaultsInPlace } from './schema/defaults.ts';
import { validateEmbedded } from './schema/embedded.ts';
import { ROOT_FIELD, fieldError, ruleFieldErrors } from './schema/field.ts';
import { validateListSetsAndMaps } from './schema/listtype.ts';
import { validateOpenAPI } from './schema/openapi.ts';
import {
  coerceEmbeddedMeta,
  coerceObjectMeta,
  pruneNonNullableNulls,
  prunePaths,
} from './schema/prune.ts';
import { clone, isObject } from '@mcp-operator/kube-core/json';

export interface SchemaOutcome {
  /** Pruned and defaulted. */
  object: KubeObject;
  /**
   * Paths of the unknown fields that were dropped, as kube words them in
   * `strict decoding error: unknown field "spec.auth"` and in Warn warnings:
   * no leading dot, `spec.tools[0].x`, map entries `spec.labels.k.x`,
   * metadata fields ObjectMeta lacks as `metadata.x`.
   */
  unknownFields: string[];
  /** Validation errors, in kube's order. */
  errors: FieldError[];
}

export interface ProcessOptions {
  /** The stored object, on update: transition rules (`oldSelf`) run against it. */
  oldObject?: KubeObject;
  /**
   * Errors the store found first (ObjectMeta validation). kube validates
   * metadata before the schema, in the same list: they lead `errors`, and a
   * Required/Unsupported/TooLong/TooMany/type error among them skips the CEL rules.
   */
  metadataErrors?: FieldError[];
}

/** Error types after which kube does not run the CEL rules. */
const BLOCKING = new Set([
  'FieldValueNotSupported',
  'FieldValueRequired',
  'FieldValueTooLong',
  'FieldValueTooMany',
  'FieldValueTypeInvalid',
]);

/** The error kube appends instead of running the rules (a field.Invalid with nil path and value). */
export const RULES_NOT_CHECKED: FieldError = fieldError.invalid(
  '',
  null,
  'some validation rules were not checked because the object was invalid; correct the existing errors to complete validation',
);

/**
 * Prunes fields the schema does not specify (never the resource's apiVersion,
 * kind and metadata; metadata is coerced by {@link processCustomResource}).
 * Returns a pruned copy and the sorted paths of what was dropped.
 */
export function pruneUnknownFields(
  value: unknown,
  schema: StructuralSchema,
): { value: unknown; unknownFields: string[] } {
  return prunePaths(value, schema);
}

/** A copy with the schema's defaults applied (inside objects that exist, array items, map values). */
export function applySchemaDefaults(value: unknown, schema: StructuralSchema): unknown {
  const copy = clone(value);
  applyDefaultsInPlace(copy, schema);
  return copy;
}

/** OpenAPI validation of a whole object, errors worded and ordered as kube-openapi's. */
export function validateAgainstSchema(value: unknown, schema: StructuralSchema): FieldError[] {
  return validateOpenAPI(value, schema);
}

/** Runs the decode steps: metadata coercion, pruning, null pruning, defaulting. */
function decode(
  obj: KubeObject,
  schema: StructuralSchema,
): { object: KubeObject; unknownFields: string[] } {
  const s = schema;
  const copy = clone(obj);
  const unknownFields = coerceObjectMeta(copy.metadata, 'metadata');
  const pruned = prunePaths(copy, s);
  const object = pruned.value as KubeObject;
  unknownFields.push(...pruned.unknownFields);
  pruneNonNullableNulls(object, s);
  unknownFields.push(...coerceEmbeddedMeta(object, s, ''));
  applyDefaultsInPlace(object, s);
  return { object, unknownFields };
}

/**
 * Processes a custom resource write: prune unknown fields, apply defaults,
 * validate the schema, then the CEL rules. `oldObject` (update) enables
 * transition rules; it should be the stored object, itself decoded.
 */
export function processCustomResource(
  obj: KubeObject,
  schema: StructuralSchema,
  options: ProcessOptions = {},
): SchemaOutcome {
  const s = schema;
  const { object, unknownFields } = decode(obj, schema);
  const errors: FieldError[] = [...(options.metadataErrors ?? [])];
  errors.push(...validateOpenAPI(object, s));
  errors.push(...validateEmbedded('', object, s));
  if (isObject(object)) errors.push(...validateListSetsAndMaps('', s, object));
  if (hasValidationRules(s)) {
    if (errors.some((e) => BLOCKING.has(e.type))) errors.push({ ...RULES_NOT_CHECKED });
    else errors.push(...ruleFieldErrors(evaluateValidationRules(object, s, options.oldObject)));
  }
  return { object, unknownFields, errors };
}

export { ROOT_FIELD };
