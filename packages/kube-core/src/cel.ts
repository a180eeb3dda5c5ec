// x-kubernetes-validations evaluated as apiextensions-apiserver does, in the
// one CEL environment (cel/env.ts) that both the API's own validation and the
// local control plane use: each node's rules run with `self` bound to its
// value (and `oldSelf` to the correlated old value on update, for transition
// rules); a rule that is false yields an error at the node (plus the rule's
// fieldPath) whose value is the node's schema type, e.g. kube's
// `Invalid value: "object": <message>`. Nodes whose value has the wrong type
// are skipped: their type error is reported by schema validation, and kube
// does not run the rules at all then.
//
// Every evaluation is metered as kube-apiserver meters it (cel/runtime-cost.ts):
// one that exceeds the per-call limit stops, and so does all rule evaluation
// of the object then; the rules of one object share one budget
// (RuntimeCELCostBudget), threaded through the nodes in the order they are
// visited, and once it runs out no further rule runs.
import type { CelInput } from '@bufbuild/cel';
import { compileRule, declType, type CompileResult } from './cel/check.ts';
import { CelSyntaxError, isCelError, parseRule, programOf } from './cel/env.ts';
import { normalizeFieldPath } from './cel/fieldpath.ts';
import {
  COST_LIMIT_EXCEEDED,
  PER_CALL_LIMIT,
  RUNTIME_CEL_COST_BUDGET,
  meteredProgram,
  runMetered,
} from './cel/runtime-cost.ts';
import { toCelValue } from './cel/values.ts';
import { child, index, key } from './field-path.ts';
import { goQuote } from './go-format.ts';
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

/**
 * The cost budget the rules of one object share (kube's remainingBudget): it
 * starts at RuntimeCELCostBudget, each evaluation takes its actual cost, and a
 * negative remainder means rule evaluation has stopped.
 */
export interface CostBudget {
  remaining: number;
}

/** A fresh budget: celconfig.RuntimeCELCostBudget. */
export function newCostBudget(): CostBudget {
  return { remaining: RUNTIME_CEL_COST_BUDGET };
}

const OUT_OF_BUDGET =
  'validation failed due to running out of cost budget, no further validation rules will be run';

/** Evaluates a rule or messageExpression under the per-call limit: its value and actual cost. */
function evaluate(
  source: string,
  vars: Record<string, CelInput>,
): { value: unknown; cost: number; exceeded: boolean } {
  const program = meteredProgram(source);
  if (program instanceof CelSyntaxError) return { value: undefined, cost: 0, exceeded: false };
  const run = runMetered(program, vars, PER_CALL_LIMIT);
  if (run.exceeded) return run;
  // The metered walk decides plain outcomes; anything else (an error above
  // all) is @bufbuild/cel's to word.
  const plain = typeof run.value === 'boolean' || typeof run.value === 'string';
  return { ...run, value: plain ? run.value : programOf(source)(vars) };
}

type MessageOutcome = { detail?: string; stop?: string };

/**
 * The message a messageExpression yields (no `detail`: fall back to
 * `message`), its cost taken from the budget; `stop` when it ran out of budget
 * or over the per-call limit, which ends rule evaluation (kube's
 * evalMessageExpression).
 */
function evalMessageExpression(
  source: string,
  vars: Record<string, CelInput>,
  budget: CostBudget,
): MessageOutcome {
  if (parseRule(source) instanceof CelSyntaxError) return {};
  const run = evaluate(source, vars);
  if (run.cost > budget.remaining) {
    return {
      stop: 'messageExpression evaluation failed due to running out of cost budget, no further validation rules will be run',
    };
  }
  if (run.exceeded) {
    return {
      stop: `no further validation rules will be run due to call cost exceeds limit for messageExpression: ${goQuote(source)}`,
    };
  }
  budget.remaining -= run.cost;
  if (typeof run.value !== 'string') return {};
  const trimmed = run.value.trim();
  if (!trimmed || /[\n]/.test(trimmed) || trimmed.length > 5000) return {};
  return { detail: trimmed };
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
  budget: CostBudget,
): void {
  const rules = s['x-kubernetes-validations'];
  if (!rules?.length) return;
  const type = s.type ?? '';
  const violation = (rule: ValidationRule, detail: string, at = path, t = reasonOf(rule)) =>
    out.push({ path: at, type: t, value: type, detail, rule: rule.rule });
  // An error that ends all rule evaluation of the object (always Invalid, at the node).
  const stop = (rule: ValidationRule, detail: string, at = path) => {
    violation(rule, detail, at, 'FieldValueInvalid');
    budget.remaining = -1;
  };
  if (budget.remaining <= 0) {
    stop(rules[0]!, OUT_OF_BUDGET);
    return;
  }
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
    const run = evaluate(rule.rule, vars);
    if (run.cost > budget.remaining) return stop(rule, OUT_OF_BUDGET);
    budget.remaining -= run.cost;
    if (run.exceeded) {
      return stop(
        rule,
        `'${COST_LIMIT_EXCEEDED}': no further validation rules will be run due to call cost exceeds limit for rule: ${ruleErrorString(rule)}`,
      );
    }
    const outcome = run.value;
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
    const at = fieldPath ? child(path, fieldPath) : path;
    const message = rule.messageExpression
      ? evalMessageExpression(rule.messageExpression, vars, budget)
      : {};
    if (message.stop) return stop(rule, message.stop, at);
    violation(rule, message.detail || ruleMessageOrDefault(rule), at);
  }
}

/** The old item a list-type map item correlates with: same key field values. */
function correlatedItem(s: StructuralSchema, item: unknown, old: unknown): unknown {
  if (s['x-kubernetes-list-type'] !== 'map' || !Array.isArray(old) || !isObject(item))
    return undefined;
  const keys = s['x-kubernetes-list-map-keys'] ?? [];
  return old.find((o) => isObject(o) && keys.every((k) => deepEqual(o[k], item[k])));
}

/** Validates a node's rules, then its children's, until the budget runs out. */
function walk(
  path: string,
  value: unknown,
  old: unknown,
  s: StructuralSchema,
  isResourceRoot: boolean,
  out: RuleViolation[],
  budget: CostBudget,
): void {
  if (value === null || value === undefined || !typeMatches(value, s)) return;
  validateRules(path, value, old, s, isResourceRoot, out, budget);
  if (budget.remaining < 0) return;
  if (Array.isArray(value)) {
    const items = s.items;
    if (!items) return;
    const embedded = !!items['x-kubernetes-embedded-resource'];
    for (let i = 0; i < value.length && budget.remaining >= 0; i++) {
      const item: unknown = value[i];
      walk(index(path, i), item, correlatedItem(s, item, old), items, embedded, out, budget);
    }
    return;
  }
  if (!isObject(value)) return;
  const correlatable = s['x-kubernetes-map-type'] !== 'atomic';
  const oldMap = correlatable && isObject(old) ? old : undefined;
  const valueSchema = mapValueSchema(s);
  if (valueSchema) {
    const embedded = !!valueSchema['x-kubernetes-embedded-resource'];
    for (const [k, v] of Object.entries(value)) {
      walk(key(path, k), v, oldMap?.[k], valueSchema, embedded, out, budget);
      if (budget.remaining < 0) return;
    }
  }
  if (s.properties) {
    for (const [k, v] of Object.entries(value)) {
      const property = s.properties[k];
      if (!property) continue;
      const embedded = !!property['x-kubernetes-embedded-resource'];
      walk(child(path, k), v, oldMap?.[k], property, embedded, out, budget);
      if (budget.remaining < 0) return;
    }
  }
}

/**
 * Evaluates every x-kubernetes-validations rule of the schema against the
 * object (a resource root). On update, pass the old object: rules that use
 * `oldSelf` run only where an old value correlates. The rules share one
 * RuntimeCELCostBudget (or `budget`, which is left with what remains).
 */
export function evaluateValidationRules(
  obj: unknown,
  schema: StructuralSchema,
  oldObj?: unknown,
  budget: CostBudget = newCostBudget(),
): RuleViolation[] {
  const out: RuleViolation[] = [];
  walk('', obj, oldObj, schema, true, out, budget);
  return out;
}

let shared: CostBudget | undefined;

/**
 * Runs `fn` with one budget shared by every evaluateRulesAt inside it, as kube
 * validates all the defaults of a CRD schema under one RuntimeCELCostBudget.
 */
export function withSharedCostBudget<T>(fn: () => T): T {
  const outer = shared;
  shared = newCostBudget();
  try {
    return fn();
  } finally {
    shared = outer;
  }
}

/**
 * Evaluates the rules of a schema against a value that sits at `path` (not a
 * resource root), under `budget`, else the shared budget of an enclosing
 * withSharedCostBudget, else a fresh one. Once a budget has run out, nothing
 * more is evaluated under it.
 */
export function evaluateRulesAt(
  path: string,
  value: unknown,
  schema: StructuralSchema,
  budget: CostBudget = shared ?? newCostBudget(),
): RuleViolation[] {
  const out: RuleViolation[] = [];
  if (budget.remaining < 0) return out;
  walk(path, value, undefined, schema, !!schema['x-kubernetes-embedded-resource'], out, budget);
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
