// Compile-time checking of x-kubernetes-validations rules, as
// apiextensions-apiserver does it with cel-go before it accepts a schema: the
// rule must parse, reference only `self`/`oldSelf` and functions of the
// environment (env.ts), select only fields the schema declares, apply
// functions and operators to matching types, pass cel-go's AST validators
// (a matches() regex literal must compile, kube 1.29+) and yield a bool; a
// find()/findAll() regex literal that does not compile fails program
// instantiation. Errors read like cel-go's: `ERROR: <input>:1:5: undefined
// field 'x'` followed by the source line and a caret. Only definite errors are
// reported: where the schema leaves a type open the checker stays quiet.
import { compileRegexp } from '../re2.ts';
import { mapValueSchema, type StructuralSchema } from '../structural.ts';
import {
  CelSyntaxError,
  FUNCTION_NAMESPACES,
  OVERLOADS,
  UNSUPPORTED_FUNCTIONS,
  parseRule,
  referencesIdent,
  type CelExpr,
  type ParsedRule,
} from './env.ts';
import {
  BOOL,
  BYTES,
  DOUBLE,
  DURATION,
  DYN,
  INT,
  NULL,
  STRING,
  TIMESTAMP,
  TYPE,
  UINT,
  assignable,
  isDyn,
  isScalar,
  sameType,
  substitute,
  typeName,
  type CelT,
  type Overload,
} from './types.ts';
import { escapeProperty } from './values.ts';

export type { CelT } from './types.ts';

/** The CEL type of a string of this format (kube's SchemaDeclType): timestamps, durations, bytes. */
export function formatType(format: string | undefined): CelT | undefined {
  switch (format) {
    case 'byte':
      return BYTES;
    case 'duration':
      return DURATION;
    case 'date':
    case 'date-time':
      return TIMESTAMP;
    default:
      return undefined;
  }
}

/** apiservercel.DefaultMaxRequestSizeBytes: the bound of every size the schema leaves open. */
export const MAX_REQUEST_SIZE_BYTES = 3 * 1024 * 1024;
const MAX_DURATION_SIZE_JSON = 32;
const MAX_DATETIME_SIZE_JSON = 32;
const JSON_DATE_SIZE = 12;

/** The string properties WithTypeAndObjectMeta gives a resource root: unbounded strings. */
const TYPE_AND_OBJECT_META: StructuralSchema = {
  type: 'object',
  properties: {
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: {
      type: 'object',
      properties: { name: { type: 'string' }, generateName: { type: 'string' } },
    },
  },
};

/** estimateMaxStringLengthPerRequest. */
function maxStringLength(s: StructuralSchema): number {
  if (s['x-kubernetes-int-or-string']) return MAX_REQUEST_SIZE_BYTES - 2;
  switch (s.format) {
    case 'duration':
      return MAX_DURATION_SIZE_JSON;
    case 'date':
      return JSON_DATE_SIZE;
    case 'date-time':
      return MAX_DATETIME_SIZE_JSON;
    default:
      return MAX_REQUEST_SIZE_BYTES - 2;
  }
}

/** The length of the shortest JSON serialization of a value of the node (DeclType.MinSerializedSize). */
export function minSerializedSize(s: StructuralSchema | undefined, isResourceRoot = false): number {
  if (!s || s['x-kubernetes-int-or-string']) return 1;
  switch (s.type) {
    case 'string':
      return s.format === 'duration'
        ? 3
        : s.format === 'date'
          ? 12
          : s.format === 'date-time'
            ? 21
            : 2;
    case 'boolean':
      return 4;
    case 'integer':
    case 'number':
      return 1;
    case 'array':
      return 2;
    case 'object': {
      if (mapValueSchema(s)) return 2;
      const required = new Set(s.required ?? []);
      let size = 2;
      const properties = isResourceRoot
        ? { ...s.properties, ...TYPE_AND_OBJECT_META.properties }
        : (s.properties ?? {});
      for (const [name, property] of Object.entries(properties)) {
        if (required.has(name) && property.default === undefined) {
          size +=
            name.length +
            minSerializedSize(property, !!property['x-kubernetes-embedded-resource']) +
            4;
        }
      }
      return size;
    }
    default:
      return 1;
  }
}

/**
 * The CEL type of a schema node (a resource root also declares apiVersion,
 * kind and metadata), with the bound kube's SchemaDeclType gives its size:
 * maxLength × 4 (bytes of a string of that many code points), maxItems,
 * maxProperties, or what fits in a request when the schema sets none.
 */
export function declType(s: StructuralSchema | undefined, isResourceRoot = false): CelT {
  if (!s) return DYN;
  if (s['x-kubernetes-int-or-string']) {
    return {
      k: 'dyn',
      maxSize: s.maxLength === undefined ? maxStringLength(s) : Math.max(0, s.maxLength) * 4,
    };
  }
  switch (s.type) {
    case 'integer':
      return INT;
    case 'number':
      return DOUBLE;
    case 'boolean':
      return BOOL;
    case 'string': {
      const formatted = formatType(s.format);
      if (formatted) {
        const bytes = s.format === 'byte' && s.maxLength !== undefined;
        return {
          ...formatted,
          maxSize: bytes ? Math.max(0, s.maxLength!) : maxStringLength(s),
        } as CelT;
      }
      let maxSize = maxStringLength(s);
      if (s.maxLength !== undefined) maxSize = Math.max(0, s.maxLength) * 4;
      else if (s.enum?.length) {
        maxSize = Math.max(0, ...s.enum.map((v) => (typeof v === 'string' ? v.length : 0)));
      }
      return { k: 'scalar', name: 'string', maxSize };
    }
    case 'array': {
      const items = s.items;
      const maxSize =
        s.maxItems === undefined
          ? Math.floor((MAX_REQUEST_SIZE_BYTES - 2) / (minSerializedSize(items) + 1))
          : Math.max(0, s.maxItems);
      return {
        k: 'list',
        elem: declType(items, !!items?.['x-kubernetes-embedded-resource']),
        maxSize,
      };
    }
  }
  if (s.type !== 'object' && s.type !== undefined) return DYN;
  const valueSchema = mapValueSchema(s);
  if (valueSchema) {
    const maxSize =
      s.maxProperties === undefined
        ? Math.floor((MAX_REQUEST_SIZE_BYTES - 2) / (minSerializedSize(valueSchema) + 6))
        : Math.max(0, s.maxProperties);
    return {
      k: 'map',
      value: declType(valueSchema, !!valueSchema['x-kubernetes-embedded-resource']),
      maxSize,
    };
  }
  if (s.additionalProperties === true) return { k: 'map', value: DYN };
  const root = isResourceRoot || !!s['x-kubernetes-embedded-resource'];
  // kube ignores x-kubernetes-preserve-unknown-fields here: unknown fields are not reachable.
  if (!s.properties && !root && !s.type) return DYN;
  const fields = new Map<string, CelT>();
  for (const [name, property] of Object.entries(s.properties ?? {})) {
    const escaped = escapeProperty(name);
    if (escaped)
      fields.set(escaped, declType(property, !!property['x-kubernetes-embedded-resource']));
  }
  if (root) {
    for (const [name, property] of Object.entries(TYPE_AND_OBJECT_META.properties!)) {
      fields.set(name, declType(property));
    }
  }
  return { k: 'object', fields };
}

const TYPE_IDENTS = new Set([
  'int',
  'uint',
  'double',
  'string',
  'bool',
  'bytes',
  'list',
  'map',
  'null_type',
  'type',
  'dyn',
]);

interface Issue {
  offset: number;
  message: string;
}

/** The functions an expression calls, each with its target and arguments. */
function calls(
  expr: CelExpr | undefined,
  out: Extract<CelExpr['exprKind'], { case: 'callExpr' }>['value'][] = [],
) {
  if (!expr) return out;
  const k = expr.exprKind;
  switch (k.case) {
    case 'selectExpr':
      calls(k.value.operand, out);
      break;
    case 'callExpr':
      out.push(k.value);
      calls(k.value.target, out);
      k.value.args.forEach((a) => calls(a, out));
      break;
    case 'listExpr':
      k.value.elements.forEach((e) => calls(e, out));
      break;
    case 'structExpr':
      for (const e of k.value.entries) {
        if (e.keyKind.case === 'mapKey') calls(e.keyKind.value as CelExpr, out);
        calls(e.value, out);
      }
      break;
    case 'comprehensionExpr': {
      const c = k.value;
      for (const e of [c.iterRange, c.accuInit, c.loopCondition, c.loopStep, c.result])
        calls(e, out);
      break;
    }
    default:
      break;
  }
  return out;
}

function stringLiteral(e: CelExpr | undefined): string | undefined {
  const k = e?.exprKind;
  if (k?.case === 'constExpr' && k.value.constantKind.case === 'stringValue') {
    return k.value.constantKind.value as string;
  }
  return undefined;
}

class Checker {
  readonly issues: Issue[] = [];
  /** The type of every expression, by id (for the cost estimator). */
  readonly types = new Map<bigint, CelT>();
  /** The signatures each resolved call matched, by id (for the cost estimator). */
  readonly matched = new Map<bigint, Overload[]>();
  private scopes: Map<string, CelT>[] = [];

  constructor(
    readonly source: string,
    readonly rule: ParsedRule,
    private readonly globals: Map<string, CelT>,
  ) {}

  /**
   * Where cel-go locates an expression. @bufbuild/cel puts a call at its name
   * (or the dot before it); cel-go's parser puts a function call, a method
   * call and a macro (has, all, ...) at the opening parenthesis.
   */
  at(e: CelExpr): number {
    const offset = this.rule.positions[e.id.toString()] ?? 0;
    const k = e.exprKind;
    const named =
      (k.case === 'callExpr' && /^[A-Za-z_]/.test(k.value.function)) ||
      (k.case === 'selectExpr' && k.value.testOnly) ||
      k.case === 'comprehensionExpr';
    if (!named) return offset;
    const paren = /^\.?\s*[A-Za-z_][A-Za-z0-9_]*\s*\(/.exec(this.source.slice(offset));
    return paren ? offset + paren[0].length - 1 : offset;
  }

  private fail(e: CelExpr, message: string): CelT {
    this.issues.push({ offset: this.at(e), message });
    return DYN;
  }

  private noOverload(e: CelExpr, fn: string, target: CelT | undefined, args: CelT[]): CelT {
    const list = args.map(typeName).join(', ');
    const applied = target ? `${typeName(target)}.(${list})` : `(${list})`;
    return this.fail(e, `found no matching overload for '${fn}' applied to '${applied}'`);
  }

  private lookup(name: string): CelT | undefined {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const t = this.scopes[i]!.get(name);
      if (t) return t;
    }
    return this.globals.get(name);
  }

  check(e: CelExpr | undefined): CelT {
    if (!e) return DYN;
    const t = this.checkExpr(e);
    this.types.set(e.id, t);
    return t;
  }

  private checkExpr(e: CelExpr): CelT {
    const k = e.exprKind;
    switch (k.case) {
      case 'constExpr':
        return this.constant(k.value.constantKind.case);
      case 'identExpr': {
        const t = this.lookup(k.value.name);
        if (t) return t;
        if (TYPE_IDENTS.has(k.value.name)) return TYPE;
        return this.fail(e, `undeclared reference to '${k.value.name}' (in container '')`);
      }
      case 'selectExpr': {
        const operand = this.check(k.value.operand);
        const t = this.select(e, operand, k.value.field);
        return k.value.testOnly ? BOOL : t;
      }
      case 'callExpr':
        return this.call(e, k.value.function, k.value.target, k.value.args);
      case 'listExpr': {
        const elems = k.value.elements.map((x) => this.check(x));
        const first = elems[0];
        return { k: 'list', elem: first && elems.every((t) => sameType(t, first)) ? first : DYN };
      }
      case 'structExpr': {
        const values = k.value.entries.map((entry) => {
          if (entry.keyKind.case === 'mapKey') this.check(entry.keyKind.value as CelExpr);
          return this.check(entry.value);
        });
        const first = values[0];
        return { k: 'map', value: first && values.every((t) => sameType(t, first)) ? first : DYN };
      }
      case 'comprehensionExpr':
        return this.comprehension(e, k.value);
      default:
        return DYN;
    }
  }

  private constant(kind: string | undefined): CelT {
    switch (kind) {
      case 'int64Value':
        return INT;
      case 'uint64Value':
        return UINT;
      case 'doubleValue':
        return DOUBLE;
      case 'stringValue':
        return STRING;
      case 'boolValue':
        return BOOL;
      case 'bytesValue':
        return BYTES;
      case 'nullValue':
        return NULL;
      default:
        return DYN;
    }
  }

  private select(e: CelExpr, operand: CelT, field: string): CelT {
    switch (operand.k) {
      case 'dyn':
        return DYN;
      case 'map':
        return operand.value;
      case 'object':
        return operand.fields.get(field) ?? this.fail(e, `undefined field '${field}'`);
      default:
        return this.fail(e, `type '${typeName(operand)}' does not support field selection`);
    }
  }

  private comprehension(
    e: CelExpr,
    c: Extract<CelExpr['exprKind'], { case: 'comprehensionExpr' }>['value'],
  ): CelT {
    const range = this.check(c.iterRange);
    let elem: CelT = DYN;
    if (range.k === 'list') elem = range.elem;
    else if (range.k === 'map') elem = STRING;
    else if (!isDyn(range)) {
      this.fail(
        c.iterRange ?? e,
        `expression of type '${typeName(range)}' cannot be range of a comprehension (must be list, map, or dynamic)`,
      );
    }
    this.check(c.accuInit);
    this.scopes.push(
      new Map([
        [c.iterVar, elem],
        [c.accuVar, DYN],
      ]),
    );
    this.check(c.loopCondition);
    this.check(c.loopStep);
    this.scopes.pop();
    this.scopes.push(new Map([[c.accuVar, DYN]]));
    this.check(c.result);
    this.scopes.pop();
    switch (this.rule.macros[e.id.toString()]) {
      case 'all':
      case 'exists':
      case 'exists_one':
        return BOOL;
      case 'filter':
        return { k: 'list', elem };
      case 'map':
        return { k: 'list', elem: DYN };
      default:
        return DYN;
    }
  }

  /** Resolves a call against the environment's signatures, as cel-go's checker does. */
  private resolve(e: CelExpr, fn: string, target: CelT | undefined, args: CelT[]): CelT {
    const overloads = OVERLOADS.get(fn);
    if (!overloads) {
      if (UNSUPPORTED_FUNCTIONS.has(fn) || fn.startsWith('format.')) {
        return this.fail(
          e,
          `undeclared reference to '${fn}' (in container ''): kube-apiserver 1.32 offers it, this CEL environment cannot evaluate it`,
        );
      }
      return this.fail(e, `undeclared reference to '${fn}' (in container '')`);
    }
    const actual = target ? [target, ...args] : args;
    const results: CelT[] = [];
    const matched: Overload[] = [];
    for (const o of overloads) {
      if (o.member !== !!target || o.params.length !== actual.length) continue;
      const bindings = new Map<string, CelT>();
      if (o.params.every((p, i) => assignable(p, actual[i]!, bindings))) {
        results.push(substitute(o.result, bindings));
        matched.push(o);
      }
    }
    if (results.length === 0) return this.noOverload(e, fn, target, args);
    this.matched.set(e.id, matched);
    const [first] = results;
    return results.every((r) => sameType(r, first!) && sameType(first!, r)) ? first! : DYN;
  }

  private call(e: CelExpr, fn: string, targetExpr: CelExpr | undefined, argExprs: CelExpr[]): CelT {
    // A namespaced library function (sets.contains) is a global call of its qualified name.
    if (
      targetExpr?.exprKind.case === 'identExpr' &&
      FUNCTION_NAMESPACES.has(targetExpr.exprKind.value.name) &&
      !this.lookup(targetExpr.exprKind.value.name)
    ) {
      const args = argExprs.map((a) => this.check(a));
      return this.resolve(e, `${targetExpr.exprKind.value.name}.${fn}`, undefined, args);
    }
    const t = targetExpr ? this.check(targetExpr) : undefined;
    const args = argExprs.map((a) => this.check(a));
    const [a, b] = args;
    switch (fn) {
      case '_&&_':
      case '_||_':
        return args.every((x) => isDyn(x) || isScalar(x, 'bool'))
          ? BOOL
          : this.noOverload(e, fn, undefined, args);
      case '@not_strictly_false':
        return BOOL;
      case '_?_:_':
        if (!isDyn(a!) && !isScalar(a!, 'bool')) return this.noOverload(e, fn, undefined, args);
        return sameType(args[1]!, args[2]!) && !isDyn(args[1]!) ? args[1]! : DYN;
      case '_==_':
      case '_!=_':
        if (isScalar(a!, 'null_type') || isScalar(b!, 'null_type') || sameType(a!, b!)) return BOOL;
        return this.noOverload(e, fn, undefined, args);
      case '_+_':
        if (a!.k === 'list' && b!.k === 'list') {
          return { k: 'list', elem: sameType(a!.elem, b!.elem) && !isDyn(a!.elem) ? a!.elem : DYN };
        }
        return this.resolve(e, fn, undefined, args);
      case '_[_]':
        if (isDyn(a!)) return DYN;
        if (a!.k === 'list')
          return isDyn(b!) || isScalar(b!, 'int', 'uint')
            ? a!.elem
            : this.noOverload(e, fn, undefined, args);
        if (a!.k === 'map')
          return isDyn(b!) || isScalar(b!, 'string')
            ? a!.value
            : this.noOverload(e, fn, undefined, args);
        return this.noOverload(e, fn, undefined, args);
      case '@in':
        return BOOL;
      default:
        return this.resolve(e, fn, t, args);
    }
  }
}

/** cel-go's rendering of one issue: location, message, source line and caret. */
function formatIssue(source: string, issue: Issue): string {
  const before = source.slice(0, issue.offset);
  const line = before.split('\n').length;
  const lineStart = before.lastIndexOf('\n') + 1;
  const column = [...source.slice(lineStart, issue.offset)].length;
  const text = source.slice(lineStart).split('\n')[0]!;
  return `ERROR: <input>:${line}:${column + 1}: ${issue.message}\n | ${text}\n | ${'.'.repeat(column)}^`;
}

/** cel-go's ValidateRegexLiterals: a string literal as the first argument of matches() must compile. */
function regexLiteralIssues(checker: Checker): Issue[] {
  const issues: Issue[] = [];
  for (const c of calls(checker.rule.expr)) {
    if (c.function !== 'matches') continue;
    const literal = stringLiteral(c.args[0]);
    if (literal !== undefined && compileRegexp(literal) instanceof Error) {
      issues.push({ offset: checker.at(c.args[0]!), message: 'invalid matches argument' });
    }
  }
  return issues;
}

/** kube's regex optimizations compile a literal find()/findAll() pattern when the program is built. */
function programError(rule: ParsedRule): string | undefined {
  for (const c of calls(rule.expr)) {
    if ((c.function !== 'find' && c.function !== 'findAll') || !c.target) continue;
    const literal = stringLiteral(c.args[0]);
    const re = literal === undefined ? undefined : compileRegexp(literal);
    if (re instanceof Error) return `program instantiation failed: ${re.message}`;
  }
  return undefined;
}

export interface CheckedRule {
  rule: ParsedRule;
  types: ReadonlyMap<bigint, CelT>;
  matched: ReadonlyMap<bigint, readonly Overload[]>;
}

export interface CompileResult {
  /** `compilation failed: ERROR: ...`, or the output-type complaint; undefined when it compiles. */
  error?: string;
  usesOldSelf: boolean;
  outputType?: CelT;
  /** The parsed rule, every expression's type and every call's signatures, when it compiles. */
  checked?: CheckedRule;
}

/** Type-checks an expression with `self` (and `oldSelf`) typed by the node's schema. */
export function compileExpression(source: string, self: CelT): CompileResult {
  const rule = parseRule(source);
  if (rule instanceof CelSyntaxError) {
    return {
      error: `compilation failed: ${formatIssue(source, { offset: rule.offset, message: `Syntax error: ${rule.message}` })}`,
      usesOldSelf: false,
    };
  }
  const checker = new Checker(
    source,
    rule,
    new Map([
      ['self', self],
      ['oldSelf', self],
    ]),
  );
  const outputType = checker.check(rule.expr);
  const usesOldSelf = referencesIdent(rule.expr, 'oldSelf');
  const issues = checker.issues.length ? checker.issues : regexLiteralIssues(checker);
  if (issues.length) {
    const sorted = [...issues].sort((x, y) => x.offset - y.offset);
    return {
      error: `compilation failed: ${sorted.map((i) => formatIssue(source, i)).join('\n')}`,
      usesOldSelf,
    };
  }
  return {
    usesOldSelf,
    outputType,
    checked: { rule, types: checker.types, matched: checker.matched },
  };
}

/** Checks a validation rule: it must compile, evaluate to a bool and instantiate as a program. */
export function compileRule(source: string, self: CelT): CompileResult {
  const result = compileExpression(source, self);
  if (result.error || !result.outputType) return result;
  if (!isDyn(result.outputType) && !isScalar(result.outputType, 'bool')) {
    return { ...result, error: 'cel expression must evaluate to a bool' };
  }
  const instantiation = programError(result.checked!.rule);
  return instantiation ? { ...result, error: instantiation } : result;
}

/** Checks a messageExpression: it must compile and evaluate to a string. */
export function compileMessageExpression(source: string, self: CelT): string | undefined {
  const result = compileExpression(source, self);
  if (result.error)
    return result.error.replace(/^compilation failed/, 'messageExpression compilation failed');
  if (result.outputType && !isDyn(result.outputType) && !isScalar(result.outputType, 'string')) {
    return 'messageExpression must evaluate to a string';
  }
  return undefined;
}
