// x-kubernetes-validations evaluated as apiextensions-apiserver does: each
// node's rules run with `self` bound to its value (and `oldSelf` to the
// correlated old value on update, for transition rules), and a rule that is
// false yields a field error at the node (plus the rule's fieldPath) whose
// value is the node's schema type, e.g. `Invalid value: "object": <message>`.
import type { CelInput } from '@bufbuild/cel';
import type { FieldError } from '../errors.ts';
import { isCelError, parseRule, programOf, referencesIdent, CelSyntaxError } from './cel-env.ts';
import { toCelValue } from './cel-values.ts';
import { child, fieldError, index, key } from './field.ts';
import { normalizeFieldPath } from './fieldpath.ts';
import {
  isObject,
  jsonEqual,
  mapValueSchema,
  type FullValidationRule,
  type Schema,
} from './types.ts';

/** The rule's message, or `failed rule: <rule>`. */
function ruleMessageOrDefault(rule: FullValidationRule): string {
  return rule.message ? rule.message.trim() : `failed rule: ${rule.rule.trim()}`;
}

/** What evaluation errors name the rule by: its message, else its source. */
function ruleErrorString(rule: FullValidationRule): string {
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

function evaluationError(
  path: string,
  type: string,
  message: string,
  rule: FullValidationRule,
): FieldError {
  if (message.startsWith('found no matching overload') || message.startsWith('unbound function')) {
    return fieldError.invalid(
      path,
      type,
      `'no such overload': call arguments did not match a supported operator, function or macro signature for rule: ${ruleErrorString(rule)}`,
    );
  }
  return fieldError.invalid(
    path,
    type,
    `${celGoMessage(message)} evaluating rule: ${ruleErrorString(rule)}`,
  );
}

/** fieldErrorForReason: the error type a rule's `reason` asks for. */
function errorForReason(
  path: string,
  type: string,
  detail: string,
  reason: string | undefined,
): FieldError {
  switch (reason) {
    case 'FieldValueForbidden':
      return fieldError.forbidden(path, detail);
    case 'FieldValueRequired':
      return fieldError.required(path, detail);
    case 'FieldValueDuplicate':
      return fieldError.duplicate(path, type);
    default:
      return fieldError.invalid(path, type, detail);
  }
}

/** The message a messageExpression yields, or undefined to fall back to `message`. */
function evalMessageExpression(source: string, vars: Record<string, CelInput>): string | undefined {
  const parsed = parseRule(source);
  if (parsed instanceof CelSyntaxError) return undefined;
  const result = programOf(source)(vars);
  if (typeof result !== 'string') return undefined;
  const trimmed = result.trim();
  if (!trimmed || /[\n]/.test(trimmed) || trimmed.length > 5000) return undefined;
  return trimmed;
}

interface Context {
  errors: FieldError[];
}

function validateRules(
  path: string,
  value: unknown,
  old: unknown,
  s: Schema,
  isResourceRoot: boolean,
  ctx: Context,
): void {
  const rules = s['x-kubernetes-validations'];
  if (!rules?.length) return;
  const type = s.type ?? '';
  let self: CelInput | undefined;
  let oldSelf: CelInput | undefined;
  for (const rule of rules) {
    const parsed = parseRule(rule.rule);
    if (parsed instanceof CelSyntaxError) {
      ctx.errors.push(fieldError.invalid(path, type, `rule compile error: ${parsed.message}`));
      continue;
    }
    const usesOldSelf = referencesIdent(parsed.expr, 'oldSelf');
    // Transition rules run only where an old value correlates with this one.
    if (usesOldSelf && old === undefined) continue;
    self ??= toCelValue(value, s, isResourceRoot);
    const vars: Record<string, CelInput> = { self };
    if (usesOldSelf) vars.oldSelf = oldSelf ??= toCelValue(old, s, isResourceRoot);
    const result = programOf(rule.rule)(vars);
    if (isCelError(result)) {
      ctx.errors.push(evaluationError(path, type, result.message, rule));
      continue;
    }
    if (result === true) continue;
    if (typeof result !== 'boolean') {
      ctx.errors.push(evaluationError(path, type, 'no such overload', rule));
      continue;
    }
    const fieldPath = rule.fieldPath ? normalizeFieldPath(rule.fieldPath, s) : undefined;
    const errPath = fieldPath ? child(path, fieldPath) : path;
    const detail =
      (rule.messageExpression && evalMessageExpression(rule.messageExpression, vars)) ||
      ruleMessageOrDefault(rule);
    ctx.errors.push(errorForReason(errPath, type, detail, rule.reason));
  }
}

/** The old item a list-type map item correlates with: same key field values. */
function correlatedItem(s: Schema, item: unknown, old: unknown): unknown {
  if (s['x-kubernetes-list-type'] !== 'map' || !Array.isArray(old) || !isObject(item))
    return undefined;
  const keys = s['x-kubernetes-list-map-keys'] ?? [];
  return old.find((o) => isObject(o) && keys.every((k) => jsonEqual(o[k], item[k])));
}

function walk(
  path: string,
  value: unknown,
  old: unknown,
  s: Schema,
  isResourceRoot: boolean,
  ctx: Context,
): void {
  if (value === null || value === undefined) return;
  validateRules(path, value, old, s, isResourceRoot, ctx);
  if (Array.isArray(value)) {
    if (!s.items) return;
    value.forEach((item, i) =>
      walk(
        index(path, i),
        item,
        correlatedItem(s, item, old),
        s.items!,
        !!s.items!['x-kubernetes-embedded-resource'],
        ctx,
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
        ctx,
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
          ctx,
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
  schema: Schema,
  oldObj?: unknown,
): FieldError[] {
  const ctx: Context = { errors: [] };
  walk('', obj, oldObj, schema, true, ctx);
  return ctx.errors;
}

/** Evaluates the rules of a schema against a value that sits at `path` (not a resource root). */
export function evaluateRulesAt(path: string, value: unknown, schema: Schema): FieldError[] {
  const ctx: Context = { errors: [] };
  walk(path, value, undefined, schema, !!schema['x-kubernetes-embedded-resource'], ctx);
  return ctx.errors;
}
