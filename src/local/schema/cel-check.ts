// Compile-time checking of x-kubernetes-validations rules, as the CRD
// validation does it with cel-go before it accepts a schema: the rule must
// parse, reference only `self`/`oldSelf` and declared functions, select only
// fields the schema declares, apply operators to matching types and yield a
// bool. Errors read like cel-go's: `ERROR: <input>:1:5: undefined field 'x'`
// followed by the source line and a caret. Only definite errors are reported:
// where the schema leaves a type open the checker stays quiet.
import {
  CelSyntaxError,
  KNOWN_FUNCTIONS,
  LIBRARY_NAMESPACES,
  UNEVALUATED_FUNCTIONS,
  parseRule,
  referencesIdent,
  type CelExpr,
  type ParsedRule,
} from './cel-env.ts';
import { escapeProperty } from './cel-values.ts';
import { mapValueSchema, type Schema } from './types.ts';

/** A CEL type as far as the checker tracks it. */
export type CelT =
  | { k: 'dyn' }
  | { k: 'scalar'; name: string }
  | { k: 'object'; fields: Map<string, CelT> }
  | { k: 'map'; value: CelT }
  | { k: 'list'; elem: CelT };

const DYN: CelT = { k: 'dyn' };
const scalar = (name: string): CelT => ({ k: 'scalar', name });
const BOOL = scalar('bool');
const INT = scalar('int');
const STRING = scalar('string');

/** The CEL type of a schema node (a resource root also declares apiVersion, kind and metadata). */
export function declType(s: Schema | undefined, isResourceRoot = false): CelT {
  if (!s || s['x-kubernetes-int-or-string']) return DYN;
  switch (s.type) {
    case 'integer':
      return INT;
    case 'number':
      return scalar('double');
    case 'boolean':
      return BOOL;
    case 'string':
      // date-time, duration and byte strings are timestamps, durations and bytes in kube's CEL.
      return s.format && ['date-time', 'datetime', 'duration', 'byte'].includes(s.format)
        ? DYN
        : STRING;
    case 'array':
      return { k: 'list', elem: declType(s.items, !!s.items?.['x-kubernetes-embedded-resource']) };
  }
  if (s.type !== 'object' && s.type !== undefined) return DYN;
  const valueSchema = mapValueSchema(s);
  if (valueSchema)
    return {
      k: 'map',
      value: declType(valueSchema, !!valueSchema['x-kubernetes-embedded-resource']),
    };
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
    fields.set('apiVersion', STRING);
    fields.set('kind', STRING);
    fields.set('metadata', {
      k: 'object',
      fields: new Map([
        ['name', STRING],
        ['generateName', STRING],
      ]),
    });
  }
  return { k: 'object', fields };
}

function typeName(t: CelT): string {
  switch (t.k) {
    case 'dyn':
      return 'dyn';
    case 'scalar':
      return t.name;
    case 'object':
      return 'object';
    case 'map':
      return `map(string, ${typeName(t.value)})`;
    case 'list':
      return `list(${typeName(t.elem)})`;
  }
}

const isDyn = (t: CelT) => t.k === 'dyn';
const isScalar = (t: CelT, ...names: string[]) => t.k === 'scalar' && names.includes(t.name);
const NUMERIC = ['int', 'uint', 'double'];

/** Same type, as far as definite types go. */
function sameType(a: CelT, b: CelT): boolean {
  if (isDyn(a) || isDyn(b)) return true;
  if (a.k !== b.k) return false;
  if (a.k === 'scalar' && b.k === 'scalar') return a.name === b.name;
  if (a.k === 'list' && b.k === 'list') return sameType(a.elem, b.elem);
  if (a.k === 'map' && b.k === 'map') return sameType(a.value, b.value);
  return true;
}

interface Issue {
  offset: number;
  message: string;
}

class Checker {
  readonly issues: Issue[] = [];
  private scopes: Map<string, CelT>[] = [];

  constructor(
    private readonly rule: ParsedRule,
    private readonly globals: Map<string, CelT>,
  ) {}

  private at(e: CelExpr): number {
    return this.rule.positions[e.id.toString()] ?? 0;
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
    const k = e.exprKind;
    switch (k.case) {
      case 'constExpr':
        return this.constant(k.value.constantKind.case);
      case 'identExpr': {
        const t = this.lookup(k.value.name);
        if (t) return t;
        if (
          [
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
          ].includes(k.value.name)
        ) {
          return scalar('type');
        }
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
      case 'structExpr':
        for (const entry of k.value.entries) {
          if (entry.keyKind.case === 'mapKey') this.check(entry.keyKind.value as CelExpr);
          this.check(entry.value);
        }
        return { k: 'map', value: DYN };
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
        return scalar('uint');
      case 'doubleValue':
        return scalar('double');
      case 'stringValue':
        return STRING;
      case 'boolValue':
        return BOOL;
      case 'bytesValue':
        return scalar('bytes');
      case 'nullValue':
        return scalar('null_type');
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

  private call(e: CelExpr, fn: string, target: CelExpr | undefined, argExprs: CelExpr[]): CelT {
    // A namespaced library call (sets.contains, math.greatest, cel.bind): not typed here.
    if (
      target?.exprKind.case === 'identExpr' &&
      LIBRARY_NAMESPACES.has(target.exprKind.value.name) &&
      !this.lookup(target.exprKind.value.name)
    ) {
      return DYN;
    }
    const t = target ? this.check(target) : undefined;
    const args = argExprs.map((a) => this.check(a));
    const [a, b] = args;
    switch (fn) {
      case '_&&_':
      case '_||_':
        return args.every((x) => isDyn(x) || isScalar(x, 'bool'))
          ? BOOL
          : this.noOverload(e, fn, undefined, args);
      case '!_':
        return isDyn(a!) || isScalar(a!, 'bool') ? BOOL : this.noOverload(e, fn, undefined, args);
      case '-_':
        return isDyn(a!) || isScalar(a!, 'int', 'double')
          ? a!
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
      case '_<_':
      case '_<=_':
      case '_>_':
      case '_>=_': {
        const numeric = (x: CelT) => isScalar(x, ...NUMERIC);
        if (isDyn(a!) || isDyn(b!) || (numeric(a!) && numeric(b!))) return BOOL;
        if (
          a!.k === 'scalar' &&
          b!.k === 'scalar' &&
          a!.name === b!.name &&
          ['string', 'bytes', 'bool', 'timestamp', 'duration'].includes(a!.name)
        ) {
          return BOOL;
        }
        return this.noOverload(e, fn, undefined, args);
      }
      case '_+_':
        if (isDyn(a!) || isDyn(b!)) return DYN;
        if (
          sameType(a!, b!) &&
          (isScalar(a!, ...NUMERIC, 'string', 'bytes', 'duration') || a!.k === 'list')
        )
          return a!;
        return this.noOverload(e, fn, undefined, args);
      case '_-_':
      case '_*_':
      case '_/_':
      case '_%_':
        if (isDyn(a!) || isDyn(b!)) return DYN;
        if (sameType(a!, b!) && isScalar(a!, ...(fn === '_%_' ? ['int', 'uint'] : NUMERIC)))
          return a!;
        return this.noOverload(e, fn, undefined, args);
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
    }
    if (UNEVALUATED_FUNCTIONS.has(fn)) return DYN;
    if (!KNOWN_FUNCTIONS.has(fn)) {
      return this.fail(e, `undeclared reference to '${fn}' (in container '')`);
    }
    return this.library(e, fn, t, args);
  }

  /** Result types (and receiver checks) of the library functions. */
  private library(e: CelExpr, fn: string, t: CelT | undefined, args: CelT[]): CelT {
    const stringMethod = (result: CelT): CelT => {
      if (!t || isDyn(t) || isScalar(t, 'string')) {
        if (args.every((x) => isDyn(x) || isScalar(x, 'string', 'int'))) return result;
      }
      return this.noOverload(e, fn, t, args);
    };
    switch (fn) {
      case 'size':
        return INT;
      case 'matches':
      case 'startsWith':
      case 'endsWith':
      case 'contains':
        if (t && !isDyn(t) && !isScalar(t, 'string')) return this.noOverload(e, fn, t, args);
        if (args.some((x) => !isDyn(x) && !isScalar(x, 'string')))
          return this.noOverload(e, fn, t, args);
        return BOOL;
      case 'lowerAscii':
      case 'upperAscii':
      case 'trim':
      case 'replace':
      case 'substring':
      case 'charAt':
      case 'find':
        return stringMethod(STRING);
      case 'findAll':
      case 'split':
        return stringMethod({ k: 'list', elem: STRING });
      case 'indexOf':
      case 'lastIndexOf':
        return INT;
      case 'join':
      case 'format':
        return STRING;
      case 'isSorted':
        return BOOL;
      case 'int':
        return INT;
      case 'uint':
        return scalar('uint');
      case 'double':
        return scalar('double');
      case 'string':
        return STRING;
      case 'bool':
        return BOOL;
      case 'bytes':
        return scalar('bytes');
      case 'duration':
        return scalar('duration');
      case 'timestamp':
        return scalar('timestamp');
      default:
        return DYN;
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

export interface CompileResult {
  /** `compilation failed: ERROR: ...`, or the output-type complaint; undefined when it compiles. */
  error?: string;
  usesOldSelf: boolean;
  outputType?: CelT;
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
    rule,
    new Map([
      ['self', self],
      ['oldSelf', self],
    ]),
  );
  const outputType = checker.check(rule.expr);
  const usesOldSelf = referencesIdent(rule.expr, 'oldSelf');
  if (checker.issues.length) {
    const issues = [...checker.issues].sort((x, y) => x.offset - y.offset);
    return {
      error: `compilation failed: ${issues.map((i) => formatIssue(source, i)).join('\n')}`,
      usesOldSelf,
    };
  }
  return { usesOldSelf, outputType };
}

/** Checks a validation rule: it must compile and evaluate to a bool. */
export function compileRule(source: string, self: CelT): CompileResult {
  const result = compileExpression(source, self);
  if (result.error || !result.outputType) return result;
  if (!isDyn(result.outputType) && !isScalar(result.outputType, 'bool')) {
    return { ...result, error: 'cel expression must evaluate to a bool' };
  }
  return result;
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
