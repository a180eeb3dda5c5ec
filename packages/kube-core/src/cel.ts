// x-kubernetes-validations evaluated as apiextensions-apiserver does, in the
// one CEL environment (cel/env.ts) that both the API's own validation and the
// local control plane use: each node's rules run with `self` bound to its
// value (and `oldSelf` to the correlated old value on update, for transition
// rules); a rule that is false yields an error at the node (plus the rule's
// fieldPath) whose value is the node's schema type, e.g. kube's
// `Invalid value: "object": <message>`. Nodes whose value has the wrong type
// are skipped: their type error is reported by schema validation, and kube
// does not run the rules at all then.
import type { CelInput } from '@bufbuild/cel';
import { compileRule, declType, type CompileResult } from './cel/check.ts';
import { CelSyntaxError, isCelError, parseRule, programOf } from './cel/env.ts';
import { normalizeFieldPath } from './cel/fieldpath.ts';
import { toCelValue } from './cel/values.ts';
import { child, index, key } from './field-path.ts';
import { deepEqual, isObject } from './json.ts';
import { mapValueSchema, type StructuralSchema, type ValidationRule } from './structural.ts';

export type { StructuralSchema, ValidationRule } from './structural.ts';

/** The field error types a rule can produce (its `reason`, FieldValueInvalid by default). */
export type RuleErrorType =
  'FieldValueInvalid' | 'FieldValueForbidden' | 'FieldValueRequired' | 'FieldValueDuplicate';

/** One failed or failing rule, as kube's field.Error: `<path>: Invalid value: "<value>": <detail>`. */
export interface RuleViolation {
  /** field.Path of the node ('' for the root), with the rule's fieldPath appended. */
  path: string;
  type: RuleErrorType;
  /** The bad value kube shows: the node's schema type ("object", "string", ...). */
  value: string;
  /** The rule's message or messageExpression result, or the evaluation error. */
  detail: string;
  rule: string;
}

/** The rule's message, or `failed rule: <rule>`. */
function ruleMessageOrDefault(rule: ValidationRule): string {
  return rule.message ? rule.message.trim() : `failed rule: ${rule.rule.trim()}`;
}

/** What evaluation errors name the rule by: its message, else its source. */
function ruleErrorString(rule: ValidationRule): string {
  return rule.message?.trim() ? rule.message.trim() : rule.rule.trim();
}

/** cel-go's wording for the runtime errors @bufbuild/cel words its own way. */
function celGoMessage(message: string): string {
  const noKey = /^field not found: (.*)$/.exec(message);
  if (noKey) return `no such key: ${noKey[1]}`;
  if (message === 'int divide by zero' || message === 'int modulus by zero') {
    return 'division by zero';
  }
  const outOfRange = /^index (-?\d+) out of bounds \[0, (-?\d+)\)$/.exec(message);
  if (outOfRange) {
    return `index '${outOfRange[1]}' out of range in list size '${Number(outOfRange[2]) + 1}'`;
  }
  if (/^(int|uint) overflow/.test(message)) return 'integer overflow';
  return message;
}

function evaluationDetail(message: string, rule: ValidationRule): string {
  if (
    message.startsWith('found no matching overload') ||
    message.startsWith('unbound function') ||
    message === 'no such overload'
  ) {
    return `'no such overload': call arguments did not match a supported operator, function or macro signature for rule: ${ruleErrorString(rule)}`;
  }
  return `${celGoMessage(message)} evaluating rule: ${ruleErrorString(rule)}`;
}

const REASONS = new Set<RuleErrorType>([
  'FieldValueInvalid',
  'FieldValueForbidden',
  'FieldValueRequired',
  'FieldValueDuplicate',
]);

function reasonOf(rule: ValidationRule): RuleErrorType {
  return REASONS.has(rule.reason as RuleErrorType)
    ? (rule.reason as RuleErrorType)
    : 'FieldValueInvalid';
}

/** The message a messageExpression yields, or undefined to fall back to `message`. */
function evalMessageExpression(source: string, vars: Record<string, CelInput>): string | undefined {
  if (parseRule(source) instanceof CelSyntaxError) return undefined;
  const result = programOf(source)(vars);
  if (typeof result !== 'string') return undefined;
  const trimmed = result.trim();
  if (!trimmed || /[\n]/.test(trimmed) || trimmed.length > 5000) return undefined;
  return trimmed;
}

const compiled = new WeakMap<StructuralSchema, Map<string, CompileResult>>();

/** A rule compiled (type-checked) against the node that declares it, once per node. */
function compiledRule(rule: string, s: StructuralSchema, isResourceRoot: boolean): CompileResult {
  let rules = compiled.get(s);
  if (!rules) {
    rules = new Map<string, CompileResult>();
    compiled.set(s, rules);
  }
  const cacheKey = `${isResourceRoot}\u0000${rule}`;
  let result = rules.get(cacheKey);
  if (!result) {
    result = compileRule(rule, declType(s, isResourceRoot));
    rules.set(cacheKey, result);
  }
  return result;
}

function typeMatches(value: unknown, s: StructuralSchema): boolean {
  if (s['x-kubernetes-int-or-string']) {
    return typeof value === 'string' || Number.isInteger(value);
  }
  switch (s.type) {
    case 'object':
      return isObject(value);
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
      return true;
  }
}

function validateRules(
  path: string,
  value: unknown,
  old: unknown,
  s: StructuralSchema,
  isResourceRoot: boolean,
  out: RuleViolation[],
): void {
  const rules = s['x-kubernetes-validations'];
  if (!rules?.length) return;
  const type = s.type ?? '';
  const violation = (rule: ValidationRule, detail: string, at = path, t = reasonOf(rule)) =>
    out.push({ path: at, type: t, value: type, detail, rule: rule.rule });
  let self: CelInput | undefined;
  let oldSelf: CelInput | undefined;
  for (const rule of rules) {
    const result = compiledRule(rule.rule, s, isResourceRoot);
    if (result.error) {
      violation(rule, `rule compile error: ${result.error}`, path, 'FieldValueInvalid');
      continue;
    }
    // Transition rules run only where an old value correlates with this one.
    if (result.usesOldSelf && old === undefined) continue;
    self ??= toCelValue(value, s, isResourceRoot);
    const vars: Record<string, CelInput> = { self };
    if (result.usesOldSelf) vars.oldSelf = oldSelf ??= toCelValue(old, s, isResourceRoot);
    const outcome = programOf(rule.rule)(vars);
    if (isCelError(outcome)) {
      violation(rule, evaluationDetail(outcome.message, rule), path, 'FieldValueInvalid');
      continue;
    }
    if (outcome === true) continue;
    if (typeof outcome !== 'boolean') {
      violation(rule, evaluationDetail('no such overload', rule), path, 'FieldValueInvalid');
      continue;
    }
    const fieldPath = rule.fieldPath ? normalizeFieldPath(rule.fieldPath, s) : undefined;
    const detail =
      (rule.messageExpression && evalMessageExpression(rule.messageExpression, vars)) ||
      ruleMessageOrDefault(rule);
    violation(rule, detail, fieldPath ? child(path, fieldPath) : path);
  }
}

/** The old item a list-type map item correlates with: same key field values. */
function correlatedItem(s: StructuralSchema, item: unknown, old: unknown): unknown {
  if (s['x-kubernetes-list-type'] !== 'map' || !Array.isArray(old) || !isObject(item))
    return undefined;
  const keys = s['x-kubernetes-list-map-keys'] ?? [];
  return old.find((o) => isObject(o) && keys.every((k) => deepEqual(o[k], item[k])));
}

function walk(
  path: string,
  value: unknown,
  old: unknown,
  s: StructuralSchema,
  isResourceRoot: boolean,
  out: RuleViolation[],
): void {
  if (value === null || value === undefined || !typeMatches(value, s)) return;
  validateRules(path, value, old, s, isResourceRoot, out);
  if (Array.isArray(value)) {
    const items = s.items;
    if (!items) return;
    value.forEach((item, i) =>
      walk(
        index(path, i),
        item,
        correlatedItem(s, item, old),
        items,
        !!items['x-kubernetes-embedded-resource'],
        out,
      ),
    );
    return;
  }
  if (!isObject(value)) return;
  const correlatable = s['x-kubernetes-map-type'] !== 'atomic';
  const oldMap = correlatable && isObject(old) ? old : undefined;
  const valueSchema = mapValueSchema(s);
  if (valueSchema) {
    for (const [k, v] of Object.entries(value)) {
      walk(
        key(path, k),
        v,
        oldMap?.[k],
        valueSchema,
        !!valueSchema['x-kubernetes-embedded-resource'],
        out,
      );
    }
  }
  if (s.properties) {
    for (const [k, v] of Object.entries(value)) {
      const property = s.properties[k];
      if (property)
        walk(
          child(path, k),
          v,
          oldMap?.[k],
          property,
          !!property['x-kubernetes-embedded-resource'],
          out,
        );
    }
  }
}

/**
 * Evaluates every x-kubernetes-validations rule of the schema against the
 * object (a resource root). On update, pass the old object: rules that use
 * `oldSelf` run only where an old value correlates.
 */
export function evaluateValidationRules(
  obj: unknown,
  schema: StructuralSchema,
  oldObj?: unknown,
): RuleViolation[] {
  const out: RuleViolation[] = [];
  walk('', obj, oldObj, schema, true, out);
  return out;
}

/** Evaluates the rules of a schema against a value that sits at `path` (not a resource root). */
export function evaluateRulesAt(
  path: string,
  value: unknown,
  schema: StructuralSchema,
): RuleViolation[] {
  const out: RuleViolation[] = [];
  walk(path, value, undefined, schema, !!schema['x-kubernetes-embedded-resource'], out);
  return out;
}

/** Whether any node has x-kubernetes-validations (kube builds no CEL validator otherwise). */
export function hasValidationRules(s: StructuralSchema | undefined): boolean {
  if (!s) return false;
  if (s['x-kubernetes-validations']?.length) return true;
  if (Object.values(s.properties ?? {}).some(hasValidationRules)) return true;
  if (hasValidationRules(s.items)) return true;
  return hasValidationRules(mapValueSchema(s));
}
