// The runtime cost of x-kubernetes-validations rules, as kube-apiserver 1.32
// meters it: cel-go's CostObserver (interpreter/runtimecost.go) over a program
// planned with OptOptimize, Kubernetes' library.CostEstimator.CallCost
// (k8s.io/apiserver/pkg/cel/library/cost.go) and the sets extension's
// overload trackers, under the per-call limit and the per-object budget of
// k8s.io/apiserver/pkg/apis/cel/config.go.
//
// @bufbuild/cel evaluates without any hook to observe its steps (its planner,
// attributes and activations are internal; only the function registry is
// reachable), so a rule is metered here: the parsed expression is planned
// into closures that walk it the way cel-go's interpreter does, each step
// charged as cel-go's observer charges it, and every function applied through
// the environment's own function groups, so values come out as the evaluator
// computes them. Charges:
//
// - an identifier, select or index chain is one attribute: 1 when it is
//   evaluated, plus 1 per field or index qualifier applied (a qualifier that
//   is an expression costs that expression too); as a branch of `?:` or the
//   operand of has() it is only resolved, so only its qualifiers count; a
//   has() test counts as its qualifier (presence tests carry no cost of their
//   own in kube);
// - a function or operator call: what its arguments cost, then the call by
//   overload: strings, bytes, lists and maps by size (equality and ordering
//   ceil(0.1·min), concatenation ceil(0.1·(m+n)), `in` a list its length,
//   contains ceil(0.1·m)·ceil(0.1·n), matches/find ceil(0.1·(n+1))·ceil(0.25·r),
//   the Kubernetes list functions one traversal, ...), everything else 1;
// - a list literal 10, a map literal 30, a comprehension what its range, its
//   loop condition and step per iteration and its result cost; `&&`, `||`,
//   `?:` nothing of their own;
// - constants nothing, and so, as OptOptimize plans them, literals made only
//   of constants, conversions (int(), string(), duration(), ...) of a
//   constant, and `x in [constants]` (only `x` counts).
//
// The metered walk is also what decides a rule: its value is taken when it is
// a plain result (a bool, a string); an error or anything unusual is left to
// @bufbuild/cel's own evaluation (see cel.ts), so error messages stay the
// evaluator's.
import {
  CelScalar,
  celError,
  celList,
  celMap,
  celUint,
  isCelError,
  isCelList,
  isCelMap,
  isCelUint,
  listType,
  mapType,
} from '@bufbuild/cel';
import type { CelError, CelInput, CelUint, CelValue } from '@bufbuild/cel';
import { CelSyntaxError, functionGroup, inEvalContext, parseRule, type CelExpr } from './env.ts';
import { isOpaqueValue, type Callable } from './library.ts';

/** celconfig.PerCallLimit: the actual cost one evaluation of a rule may reach. */
export const PER_CALL_LIMIT = 1_000_000;
/** celconfig.RuntimeCELCostBudget: the actual cost all rules of one object may reach together. */
export const RUNTIME_CEL_COST_BUDGET = 10_000_000;
/** interpreter.CostLimitExceeded's message, as kube quotes it. */
export const COST_LIMIT_EXCEEDED = 'operation cancelled: actual cost limit exceeded';

/** common.StringTraversalCostFactor, RegexStringLengthCostFactor and the creation base costs. */
const STRING_TRAVERSAL = 0.1;
const REGEX_LENGTH = 0.25;
const LIST_CREATE = 10;
const MAP_CREATE = 30;

type V = CelValue | CelError;

/** One evaluation: the top-level variables and the comprehension variables' slots. */
interface Frame {
  vars: Record<string, CelValue | undefined>;
  slots: V[];
}

/** A planned step. */
interface Step {
  /** cel-go's Eval: the value, every cost of the step charged. */
  ev: (f: Frame) => V;
  /** cel-go's Resolve of an attribute (a `?:` branch, a has() operand): no charge for the attribute itself. */
  res: (f: Frame) => V;
  /** Planned as a constant: evaluating it costs nothing. */
  constant: boolean;
  /** The attribute this step is, which selects and indexes extend. */
  attr?: Attribute;
}

interface Attribute {
  root: Root;
  quals: Qualifier[];
}

interface Root {
  /** A conditional is never charged as an attribute (only its condition and branch are). */
  conditional: boolean;
  res: (f: Frame) => V;
}

type Qualifier = (f: Frame, obj: CelValue) => V;

// The cost meter of the evaluation under way (evaluation is synchronous).
let spent = 0;
let limit = Infinity;
/** Thrown (one instance, no stack to capture) to stop an evaluation over its limit. */
class CostLimitExceeded extends Error {}
const ABORT = new CostLimitExceeded(COST_LIMIT_EXCEEDED);

function charge(n: number): void {
  spent += n;
  if (spent > limit) throw ABORT;
}

const isErr = (v: unknown): v is CelError => isCelError(v);

// ---------------------------------------------------------------- sizes

/** utf8.RuneCountInString of the string the JS string encodes. */
function runeCount(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

/** actualSize: the size of a traits.Sizer (strings in code points), else 1. */
function actualSize(v: V | undefined): number {
  if (typeof v === 'string') return runeCount(v);
  if (v instanceof Uint8Array) return v.length;
  if (isCelList(v)) return v.size;
  if (isCelMap(v)) return isOpaqueValue(v) ? 1 : v.size;
  return 1;
}

/** library.traversalCost: strings by bytes (truncated), lists and maps by their contents. */
function traversalCost(v: V | undefined): number {
  if (typeof v === 'string') return Math.floor(Buffer.byteLength(v, 'utf8') * STRING_TRAVERSAL);
  if (v instanceof Uint8Array) return Math.floor(v.length * STRING_TRAVERSAL);
  if (isCelList(v)) {
    let cost = 0;
    for (const x of v) cost += traversalCost(x);
    return cost;
  }
  if (isCelMap(v) && !isOpaqueValue(v)) {
    let cost = 0;
    for (const [k, x] of v) cost += traversalCost(k) + traversalCost(x);
    return cost;
  }
  return 1;
}

const traversal = (n: number, factor = STRING_TRAVERSAL) => Math.ceil(n * factor);
const isStringLike = (v: V | undefined) => typeof v === 'string' || v instanceof Uint8Array;

/**
 * The cost of one call, by function and (as cel-go picks the overload) the
 * argument types; `args` has the receiver first.
 */
function callCost(name: string, member: boolean, args: V[], result: V): number {
  const [a, b] = args;
  switch (name) {
    // the sets extension's overload trackers
    case 'sets.contains':
    case 'sets.intersects':
      return 1 + Math.floor(actualSize(a) * actualSize(b));
    case 'sets.equivalent':
      return 1 + Math.floor(actualSize(a) * actualSize(b) * 2);
    // library.CostEstimator.CallCost (by function name)
    case 'isSorted':
    case 'sum':
    case 'max':
    case 'min':
    case 'indexOf':
    case 'lastIndexOf':
      return args.length > 0 ? traversalCost(a) : 0;
    case 'url':
    case 'lowerAscii':
    case 'upperAscii':
    case 'substring':
    case 'trim':
    case 'quantity':
    case 'isQuantity':
      return traversal(actualSize(a));
    case 'replace':
    case 'split':
      return Math.ceil(actualSize(a) * 2 * STRING_TRAVERSAL);
    case 'join':
      return Math.ceil(actualSize(result) * 2 * STRING_TRAVERSAL);
    case 'find':
    case 'findAll':
      return traversal(1 + actualSize(a)) * traversal(actualSize(b), REGEX_LENGTH);
    // cel-go's own costs (interpreter.CostTracker.costCall)
    case 'startsWith':
    case 'endsWith':
    case 'strings.quote':
      return isStringLike(a) ? traversal(actualSize(a)) : 1;
    case 'format':
      return member && typeof a === 'string' ? traversal(actualSize(a)) : 1;
    case 'bytes':
      return typeof a === 'string' ? traversal(actualSize(a)) : 1;
    case 'string':
      return a instanceof Uint8Array ? traversal(actualSize(a)) : 1;
    case '@in':
      return isCelList(b) ? actualSize(b) : 1;
    case '_==_':
    case '_!=_':
      return traversal(Math.min(actualSize(a), actualSize(b)));
    case '_<_':
    case '_<=_':
    case '_>_':
    case '_>=_':
      return isStringLike(a) || isStringLike(b)
        ? traversal(Math.min(actualSize(a), actualSize(b)))
        : 1;
    case '_+_':
      return isStringLike(a) || isStringLike(b) ? traversal(actualSize(a) + actualSize(b)) : 1;
    case 'matches':
      return member ? traversal(1 + actualSize(a)) * traversal(actualSize(b), REGEX_LENGTH) : 1;
    case 'contains':
      return member && typeof a === 'string'
        ? traversal(actualSize(a)) * traversal(actualSize(b))
        : 1;
    default:
      return 1;
  }
}

// ---------------------------------------------------------------- access, as @bufbuild/cel's

function fieldNotFound(name: string): CelError {
  return celError(`field not found: ${name}`);
}

/** A map key or index as an error names it. */
function keyText(key: CelValue): string {
  switch (typeof key) {
    case 'string':
    case 'bigint':
    case 'boolean':
    case 'number':
      return String(key);
    default:
      return isCelUint(key) ? String(key.value) : typeof key;
  }
}

/** `obj.name`. */
function selectField(obj: CelValue, name: string): V {
  if (isCelMap(obj)) {
    const v = obj.get(name);
    return v === undefined ? fieldNotFound(name) : v;
  }
  return fieldNotFound(name);
}

/** has(obj.name): a map entry that is set (null entries are not). */
function presence(obj: CelValue, name: string): V {
  if (typeof obj !== 'object' || obj === null) return false;
  if (isCelMap(obj)) return obj.has(name);
  return celError(`has() on a ${typeof obj}`);
}

/** `obj[key]`. */
function indexValue(obj: CelValue, key: V): V {
  if (isErr(key)) return key;
  if (isCelMap(obj)) {
    let v: CelValue | undefined;
    if (typeof key === 'string' || typeof key === 'bigint' || typeof key === 'boolean') {
      v = obj.get(key);
    } else if (typeof key === 'number') {
      v = obj.get(key);
    } else if (isCelUint(key)) {
      v = obj.get(key.value);
    } else {
      return celError('unsupported key type');
    }
    return v === undefined ? fieldNotFound(keyText(key)) : v;
  }
  if (isCelList(obj)) {
    let i: number | undefined;
    if (typeof key === 'bigint') i = Number(key);
    else if (isCelUint(key)) i = Number(key.value);
    else if (typeof key === 'number' && Number.isInteger(key)) i = key;
    if (i === undefined) return celError('unsupported key type');
    const v = i >= 0 && i < obj.size ? obj.get(i) : undefined;
    return v === undefined ? celError(`index ${i} out of bounds [0, ${obj.size})`) : v;
  }
  return fieldNotFound(keyText(key));
}

// ---------------------------------------------------------------- planning

const TYPE_CONVERSIONS = new Set([
  'bool',
  'bytes',
  'double',
  'duration',
  'dyn',
  'int',
  'string',
  'timestamp',
  'type',
  'uint',
]);

/** Identifiers that name types: planned as constants. */
const TYPE_IDENTS: Record<string, CelValue> = {
  int: CelScalar.INT,
  uint: CelScalar.UINT,
  double: CelScalar.DOUBLE,
  bool: CelScalar.BOOL,
  string: CelScalar.STRING,
  bytes: CelScalar.BYTES,
  list: listType(CelScalar.DYN),
  map: mapType(CelScalar.DYN, CelScalar.DYN),
  null_type: CelScalar.NULL,
  type: CelScalar.TYPE,
};

/** A value the walk leaves to @bufbuild/cel (a qualified type name, an unsupported construct). */
const UNSUPPORTED = (what: string) => celError(`not metered: ${what}`);

function constant(value: () => V): Step {
  let cached: V | undefined;
  const ev = () => (cached ??= value());
  return { ev, res: ev, constant: true };
}

function unsupported(what: string): Step {
  const err = UNSUPPORTED(what);
  return { ev: () => err, res: () => err, constant: false };
}

function attribute(root: Root, quals: Qualifier[]): Step {
  const res = (f: Frame): V => {
    let v = root.res(f);
    for (const q of quals) {
      if (isErr(v)) return v;
      v = q(f, v);
    }
    return v;
  };
  const ev = root.conditional
    ? res
    : (f: Frame): V => {
        const v = res(f);
        charge(1);
        return v;
      };
  return { ev, res, constant: false, attr: { root, quals } };
}

/** The step extended by a qualifier: a longer attribute, or a relative one over a value. */
function qualify(operand: Step, q: Qualifier): Step {
  if (operand.attr) return attribute(operand.attr.root, [...operand.attr.quals, q]);
  return attribute({ conditional: false, res: (f) => operand.ev(f) }, [q]);
}

function constValue(c: { case: string | undefined; value?: unknown }): V {
  switch (c.case) {
    case 'stringValue':
    case 'boolValue':
    case 'int64Value':
    case 'doubleValue':
    case 'bytesValue':
      return c.value as CelValue;
    case 'uint64Value':
      return celUint(c.value as bigint);
    case 'nullValue':
      return null;
    default:
      return UNSUPPORTED(`constant ${c.case}`);
  }
}

/** The dotted name of an identifier or a select chain of identifiers. */
function qualifiedName(e: CelExpr | undefined): string | undefined {
  if (!e) return undefined;
  const k = e.exprKind;
  if (k.case === 'identExpr') return k.value.name;
  if (k.case === 'selectExpr' && !k.value.testOnly) {
    const parent = qualifiedName(k.value.operand);
    return parent === undefined ? undefined : `${parent}.${k.value.field}`;
  }
  return undefined;
}

type MapKey = string | bigint | boolean | CelUint;

function mapKey(key: CelValue): MapKey | CelError {
  switch (typeof key) {
    case 'string':
    case 'bigint':
    case 'boolean':
      return key;
    case 'number':
      return Number.isInteger(key) ? BigInt(key) : celError('unsupported key type');
    default:
      return isCelUint(key) ? key : celError('unsupported key type');
  }
}

function isPrimitive(v: CelValue): boolean {
  return (
    typeof v === 'string' ||
    typeof v === 'bigint' ||
    typeof v === 'boolean' ||
    typeof v === 'number' ||
    v instanceof Uint8Array ||
    isCelUint(v)
  );
}

class Planner {
  /** Comprehension variables in scope, innermost last, with their slots. */
  private readonly scope: { name: string; slot: number }[] = [];
  slots = 0;

  constructor(
    private readonly vars: ReadonlySet<string>,
    /** OptOptimize's constant folding, as kube plans rules (off: cel-go's plain plan). */
    private readonly optimize: boolean,
  ) {}

  plan(e: CelExpr | undefined): Step {
    if (!e) return unsupported('empty expression');
    const k = e.exprKind;
    switch (k.case) {
      case 'constExpr': {
        const v = constValue(k.value.constantKind);
        return constant(() => v);
      }
      case 'identExpr':
        return this.ident(k.value.name);
      case 'selectExpr':
        return this.select(e, k.value);
      case 'callExpr':
        return this.call(e, k.value);
      case 'listExpr':
        return this.list(k.value.elements, e);
      case 'structExpr':
        return this.map(e, k.value.entries);
      case 'comprehensionExpr':
        return this.comprehension(k.value);
      default:
        return unsupported('expression');
    }
  }

  private ident(name: string): Step {
    for (let i = this.scope.length - 1; i >= 0; i--) {
      const v = this.scope[i]!;
      if (v.name === name) {
        const slot = v.slot;
        return attribute({ conditional: false, res: (f) => f.slots[slot]! }, []);
      }
    }
    if (this.vars.has(name)) {
      return attribute(
        {
          conditional: false,
          res: (f) => {
            const v = f.vars[name];
            return v === undefined ? celError(`unresolved attribute: ${name}`) : v;
          },
        },
        [],
      );
    }
    const type = TYPE_IDENTS[name];
    if (type !== undefined) return constant(() => type);
    // A qualified type or enum name: a constant the checker resolves.
    return constant(() => UNSUPPORTED(`identifier ${name}`));
  }

  private select(e: CelExpr, s: { operand?: CelExpr; field: string; testOnly: boolean }): Step {
    const name = qualifiedName(e);
    const root = name?.split('.')[0];
    if (
      name !== undefined &&
      !s.testOnly &&
      !this.vars.has(root!) &&
      !this.scope.some((v) => v.name === root)
    ) {
      return constant(() => UNSUPPORTED(`identifier ${name}`));
    }
    const operand = this.plan(s.operand);
    const field = s.field;
    if (s.testOnly) {
      // has(): the operand resolved, the presence test one qualifier, no cost of its own.
      const test: Qualifier = (_f, obj) => {
        charge(1);
        return presence(obj, field);
      };
      const step = qualify(operand, test);
      return { ev: step.res, res: step.res, constant: false };
    }
    return qualify(operand, (_f, obj) => {
      charge(1);
      return selectField(obj, field);
    });
  }

  private list(elements: CelExpr[], e: CelExpr): Step {
    const k = e.exprKind as { value: { optionalIndices?: number[] } };
    if (k.value.optionalIndices?.length) return unsupported('optional list entries');
    const items = elements.map((x) => this.plan(x));
    const build = (f: Frame): V => {
      const values: CelValue[] = [];
      for (const item of items) {
        const v = item.ev(f);
        if (isErr(v)) return v;
        values.push(v);
      }
      return celList(values);
    };
    if (this.optimize && items.every((x) => x.constant)) {
      return constant(() => build({ vars: {}, slots: [] }));
    }
    const ev = (f: Frame): V => {
      const v = build(f);
      charge(LIST_CREATE);
      return v;
    };
    return { ev, res: ev, constant: false };
  }

  private map(
    e: CelExpr,
    entries: { keyKind: { case: string; value: unknown }; value?: CelExpr }[],
  ): Step {
    const struct = e.exprKind.value as { messageName?: string };
    if (struct.messageName) return unsupported('message construction');
    const planned: [Step, Step][] = [];
    for (const entry of entries) {
      if (entry.keyKind.case !== 'mapKey' || (entry as { optionalEntry?: boolean }).optionalEntry) {
        return unsupported('map entry');
      }
      planned.push([this.plan(entry.keyKind.value as CelExpr), this.plan(entry.value)]);
    }
    const build = (f: Frame): V => {
      const out = new Map<MapKey, CelValue>();
      for (const [key, value] of planned) {
        const kv = key.ev(f);
        if (isErr(kv)) return kv;
        const mk = mapKey(kv);
        if (isErr(mk)) return mk;
        const vv = value.ev(f);
        if (isErr(vv)) return vv;
        if (out.has(mk)) return celError(`map key conflict: ${keyText(mk)}`);
        out.set(mk, vv);
      }
      return celMap(out);
    };
    if (this.optimize && planned.every(([key, value]) => key.constant && value.constant)) {
      return constant(() => build({ vars: {}, slots: [] }));
    }
    const ev = (f: Frame): V => {
      const v = build(f);
      charge(MAP_CREATE);
      return v;
    };
    return { ev, res: ev, constant: false };
  }

  private comprehension(c: {
    iterVar: string;
    iterRange?: CelExpr;
    accuVar: string;
    accuInit?: CelExpr;
    loopCondition?: CelExpr;
    loopStep?: CelExpr;
    result?: CelExpr;
  }): Step {
    if ((c as { iterVar2?: string }).iterVar2) return unsupported('two-variable comprehension');
    const range = this.plan(c.iterRange);
    const init = this.plan(c.accuInit);
    const accu = this.slots++;
    const iter = this.slots++;
    this.scope.push({ name: c.accuVar, slot: accu });
    this.scope.push({ name: c.iterVar, slot: iter });
    const cond = this.plan(c.loopCondition);
    const step = this.plan(c.loopStep);
    this.scope.pop();
    const result = this.plan(c.result);
    this.scope.pop();
    const ev = (f: Frame): V => {
      const r = range.ev(f);
      if (isErr(r)) return r;
      let items: Iterable<CelValue>;
      if (isCelList(r)) items = r;
      else if (isCelMap(r)) items = Array.from(r.keys()) as CelValue[];
      else return celError(`type mismatch: iterable vs ${typeof r}`);
      const start = init.ev(f);
      if (isErr(start)) return start;
      f.slots[accu] = start;
      for (const item of items) {
        f.slots[iter] = item;
        const ok = cond.ev(f);
        if (isErr(ok)) return ok;
        if (ok !== true) break;
        f.slots[accu] = step.ev(f);
      }
      return result.ev(f);
    };
    return { ev, res: ev, constant: false };
  }

  private call(e: CelExpr, call: { target?: CelExpr; function: string; args: CelExpr[] }): Step {
    const fn = call.function;
    const id = Number(e.id);
    // A namespaced function (sets.contains): the target names it, it is not evaluated.
    if (call.target) {
      const qualified = qualifiedName(call.target);
      if (qualified !== undefined) {
        const group = functionGroup(`${qualified}.${fn}`);
        if (group) {
          return this.apply(
            `${qualified}.${fn}`,
            id,
            group,
            undefined,
            call.args.map((a) => this.plan(a)),
          );
        }
      }
    }
    switch (fn) {
      case '_&&_':
      case '_||_':
        return this.logic(fn === '_&&_', call.args);
      case '_?_:_':
        return this.conditional(call.args);
      case '_[_]':
        return this.index(call.args);
      case '@not_strictly_false':
      case '__not_strictly_false__': {
        const arg = this.plan(call.args[0]);
        const ev = (f: Frame): V => {
          const v = arg.ev(f);
          charge(1);
          return v !== false;
        };
        return { ev, res: ev, constant: false };
      }
      case '_[?_]':
      case '_?._':
        return unsupported(fn);
    }
    const target = call.target ? this.plan(call.target) : undefined;
    const args = call.args.map((a) => this.plan(a));
    const group = functionGroup(fn);
    if (!group) return unsupported(`function ${fn}`);
    // OptOptimize: conversions of a constant are constants.
    if (
      this.optimize &&
      TYPE_CONVERSIONS.has(fn) &&
      !target &&
      args.length === 1 &&
      args[0]!.constant
    ) {
      const arg = args[0]!;
      return constant(() => {
        const v = arg.ev({ vars: {}, slots: [] });
        if (isErr(v)) return v;
        return group.call(id, undefined, [v]) ?? UNSUPPORTED(`overload of ${fn}`);
      });
    }
    // OptOptimize: `x in [constants]` tests set membership, at no cost of its own.
    if (this.optimize && fn === '@in' && !target && args.length === 2 && args[1]!.constant) {
      const [lhs, rhs] = args as [Step, Step];
      const call = this.apply(fn, id, group, undefined, args);
      let primitive: boolean | undefined;
      const ev = (f: Frame): V => {
        const list = rhs.ev(f);
        primitive ??= isCelList(list) && [...list].every(isPrimitive);
        if (!primitive) return call.ev(f);
        if ((list as { size: number }).size === 0) return false;
        const v = lhs.ev(f);
        if (isErr(v)) return v;
        return group.call(id, undefined, [v, list as CelValue]) ?? UNSUPPORTED('in');
      };
      return { ev, res: ev, constant: false };
    }
    return this.apply(fn, id, group, target, args);
  }

  /** A strict call: arguments, then the function, charged by overload. */
  private apply(
    name: string,
    id: number,
    group: Callable,
    target: Step | undefined,
    args: Step[],
  ): Step {
    const operands = target ? [target, ...args] : args;
    const member = target !== undefined;
    const invoke = (values: V[]): V => {
      const [t, ...rest] = member ? values : [undefined, ...values];
      const result = group.call(id, t as CelValue | undefined, rest as CelValue[]);
      return result === undefined ? UNSUPPORTED(`overload of ${name}`) : result;
    };
    let ev: (f: Frame) => V;
    if (operands.length <= 2) {
      // cel-go's unary and binary calls evaluate every operand, and are charged even when one fails.
      ev = (f) => {
        const values = operands.map((o) => o.ev(f));
        const failed = values.find(isErr);
        const result = failed ?? invoke(values);
        charge(callCost(name, member, values, result));
        return result;
      };
    } else {
      // Longer calls stop at the first failing operand, and are not charged then.
      ev = (f) => {
        const values: V[] = [];
        for (const o of operands) {
          const v = o.ev(f);
          if (isErr(v)) return v;
          values.push(v);
        }
        const result = invoke(values);
        charge(callCost(name, member, values, result));
        return result;
      };
    }
    return { ev, res: ev, constant: false };
  }

  private logic(and: boolean, operands: CelExpr[]): Step {
    const terms = operands.map((a) => this.plan(a));
    const ev = (f: Frame): V => {
      let error: CelError | undefined;
      for (const term of terms) {
        const v = term.ev(f);
        if (typeof v === 'boolean') {
          if (v !== and) return v;
          continue;
        }
        error ??= isErr(v) ? v : celError('no such overload');
      }
      return error ?? and;
    };
    return { ev, res: ev, constant: false };
  }

  private conditional(operands: CelExpr[]): Step {
    const [cond, t, e] = operands.map((a) => this.plan(a)) as [Step, Step, Step];
    return attribute(
      {
        conditional: true,
        res: (f) => {
          const c = cond.ev(f);
          if (c === true) return t.res(f);
          if (c === false) return e.res(f);
          return isErr(c) ? c : celError("no matching overload for '_?_:_'");
        },
      },
      [],
    );
  }

  private index(operands: CelExpr[]): Step {
    const [operand, key] = operands.map((a) => this.plan(a)) as [Step, Step];
    let q: Qualifier;
    if (key.constant) {
      q = (f, obj) => {
        charge(1);
        return indexValue(obj, key.ev(f));
      };
    } else if (key.attr) {
      q = (f, obj) => {
        const k = key.res(f);
        charge(1);
        return indexValue(obj, k);
      };
    } else {
      q = (f, obj) => {
        const k = key.ev(f);
        charge(1);
        return indexValue(obj, k);
      };
    }
    return qualify(operand, q);
  }
}

/** A rule (or messageExpression) planned for metering. */
export interface MeteredProgram {
  readonly step: Step;
  readonly slots: number;
}

/** What one metered evaluation came to. */
export interface Metered {
  /** The value; undefined when the limit stopped the evaluation. */
  value: CelValue | CelError | undefined;
  /** The actual cost: at the step that crossed the limit, when it did. */
  cost: number;
  /** The per-call limit was exceeded (kube: operation cancelled). */
  exceeded: boolean;
}

const RULE_VARIABLES: ReadonlySet<string> = new Set(['self', 'oldSelf']);
const programs = new Map<string, MeteredProgram | CelSyntaxError>();
const otherPrograms = new Map<string, MeteredProgram | CelSyntaxError>();

/** Planning options: kube's (OptOptimize, `self` and `oldSelf`) unless told otherwise. */
export interface PlanOptions {
  /** Off: planned as cel-go plans without OptOptimize (what cel-go's own cost figures assume). */
  optimize?: boolean;
  /** The variables the expression may reference. */
  variables?: readonly string[];
}

/** The metered program of a source (cached); a syntax error is returned, not thrown. */
export function meteredProgram(
  source: string,
  options: PlanOptions = {},
): MeteredProgram | CelSyntaxError {
  const { optimize = true, variables } = options;
  const custom = !optimize || variables !== undefined;
  const cacheKey = custom ? `${optimize}\u0000${variables?.join(',')}\u0000${source}` : source;
  const cache = custom ? otherPrograms : programs;
  let program = cache.get(cacheKey);
  if (!program) {
    const parsed = parseRule(source);
    if (parsed instanceof CelSyntaxError) program = parsed;
    else {
      const planner = new Planner(variables ? new Set(variables) : RULE_VARIABLES, optimize);
      const step = planner.plan(parsed.expr);
      program = { step, slots: planner.slots };
    }
    cache.set(cacheKey, program);
  }
  return program;
}

/** toCel for the inputs the rules see: lists and maps wrapped, the rest as is. */
function toValue(v: CelInput): CelValue {
  if (Array.isArray(v)) return celList(v);
  if (v instanceof Map) return celMap(v);
  return v as CelValue;
}

/**
 * Evaluates a program with `self` (and `oldSelf`) bound, metering it; the
 * evaluation stops once its cost exceeds `costLimit` (kube's per-call limit).
 */
export function runMetered(
  program: MeteredProgram,
  vars: Record<string, CelInput>,
  costLimit = PER_CALL_LIMIT,
): Metered {
  const frame: Frame = { vars: {}, slots: new Array<V>(program.slots) };
  for (const [name, v] of Object.entries(vars)) frame.vars[name] = toValue(v);
  const outer = { spent, limit };
  spent = 0;
  limit = costLimit;
  let value: V | undefined;
  let exceeded = false;
  try {
    inEvalContext(() => {
      try {
        value = program.step.ev(frame);
      } catch (e) {
        if (e === ABORT) exceeded = true;
        // Anything else is left to @bufbuild/cel's own evaluation, as errors are.
        else value = celError(e);
      }
    });
    return { value, cost: spent, exceeded };
  } finally {
    spent = outer.spent;
    limit = outer.limit;
  }
}

/**
 * The actual cost of evaluating a source with `vars` bound (unlimited unless
 * `limit`), planned as kube plans rules unless `optimize: false`.
 */
export function actualCost(
  source: string,
  vars: Record<string, CelInput>,
  { limit = Infinity, optimize = true }: { limit?: number; optimize?: boolean } = {},
): Metered {
  const program = meteredProgram(source, { optimize, variables: Object.keys(vars).sort() });
  if (program instanceof CelSyntaxError) throw program;
  return runMetered(program, vars, limit);
}
