// The static cost estimate kube-apiserver puts on every x-kubernetes-validations
// rule before it accepts a CRD: cel-go's checker.Cost (checker/cost.go) with
// Kubernetes' library.CostEstimator (k8s.io/apiserver/pkg/cel/library/cost.go)
// and apiextensions' size estimator, which reads the bound of every list, map
// and string from the schema (cel/check.ts's declType: maxItems,
// maxProperties, maxLength × 4, else what fits in a 3 MiB request). The
// estimate, times how often the rule can run (the maxItems/maxProperties of
// the lists and maps above it), must stay within StaticEstimatedCostLimit; all
// rules of a schema together within StaticEstimatedCRDCostLimit.
import type { CelExpr } from './env.ts';
import { MAX_REQUEST_SIZE_BYTES, type CheckedRule } from './check.ts';
import { isDyn, isScalar, type CelT, type Overload } from './types.ts';

/** apiextensions validation.StaticEstimatedCostLimit: the budget of one rule. */
export const STATIC_ESTIMATED_COST_LIMIT = 10_000_000;
/** apiextensions validation.StaticEstimatedCRDCostLimit: the budget of all rules of a schema. */
export const STATIC_ESTIMATED_CRD_COST_LIMIT = 100_000_000;

const MAX_UINT64 = 2 ** 64;
/** common.StringTraversalCostFactor and common.RegexStringLengthCostFactor. */
const STRING_TRAVERSAL = 0.1;
const REGEX_LENGTH = 0.25;
const LIST_CREATE = 10;
const MAP_CREATE = 30;

interface Est {
  min: number;
  max: number;
}

const fixed = (n: number): Est => ({ min: n, max: n });
const UNKNOWN: Est = { min: 0, max: MAX_UINT64 };
const sat = (n: number) => (n >= MAX_UINT64 ? MAX_UINT64 : n);
const add = (a: Est, b: Est): Est => ({ min: sat(a.min + b.min), max: sat(a.max + b.max) });
const mul = (a: Est, b: Est): Est => ({ min: sat(a.min * b.min), max: sat(a.max * b.max) });
const union = (a: Est, b: Est): Est => ({
  min: Math.min(a.min, b.min),
  max: Math.max(a.max, b.max),
});
function byFactor(x: number, factor: number): number {
  if (x > 0 && factor > 0 && x > MAX_UINT64 / factor) return MAX_UINT64;
  return sat(Math.ceil(x * factor));
}
const factor = (e: Est, f: number): Est => ({ min: byFactor(e.min, f), max: byFactor(e.max, f) });

interface Entry {
  container: 'list' | 'map';
  key: Est;
  val: Est;
}

interface LocalVar {
  path: string[];
  size?: Est;
  entry?: Entry;
}

/** What the estimator knows of an argument: its path from `self`, type and computed size. */
interface Node {
  expr?: CelExpr;
  path: string[];
  type: CelT;
  size?: Est;
}

const ACCUMULATORS = new Set(['@result', '__result__']);
type Call = Extract<CelExpr['exprKind'], { case: 'callExpr' }>['value'];

class Coster {
  private readonly paths = new Map<bigint, string[]>();
  private readonly sizes = new Map<bigint, Est>();
  private readonly entries = new Map<bigint, Entry>();
  private readonly locals = new Map<string, LocalVar[]>();

  constructor(
    private readonly checked: CheckedRule,
    private readonly self: CelT,
  ) {}

  private type(e: CelExpr | undefined): CelT {
    return (e && this.checked.types.get(e.id)) ?? { k: 'dyn' };
  }

  private local(name: string): LocalVar | undefined {
    const stack = this.locals.get(name);
    return stack?.[stack.length - 1];
  }

  private push(name: string, v: LocalVar): void {
    this.locals.set(name, [...(this.locals.get(name) ?? []), v]);
  }

  private pop(name: string): void {
    this.locals.get(name)?.pop();
  }

  private path(e: CelExpr): string[] {
    if (e.exprKind.case === 'identExpr') {
      const v = this.local(e.exprKind.value.name);
      if (v) return v.path;
    }
    return this.paths.get(e.id) ?? [];
  }

  /** apiextensions' sizeEstimator: the bound of the declared node a path reaches from self. */
  private estimateSize(path: string[]): Est | undefined {
    if (path.length === 0) return undefined;
    let t: CelT | undefined = this.self;
    for (const name of path.slice(1)) {
      if (!t) return undefined;
      if (name === '@items' || name === '@values') {
        t = t.k === 'list' ? t.elem : t.k === 'map' ? t.value : undefined;
      } else if (name === '@keys') {
        t = t.k === 'map' ? { k: 'scalar', name: 'string' } : undefined;
      } else {
        t = t.k === 'object' ? t.fields.get(name) : undefined;
      }
    }
    if (!t) return undefined;
    const maxSize = 'maxSize' in t ? (t.maxSize ?? 0) : 0;
    return { min: 0, max: maxSize };
  }

  private computeSize(e: CelExpr | undefined): Est | undefined {
    if (!e) return undefined;
    const known = this.sizes.get(e.id);
    if (known) return known;
    const k = e.exprKind;
    if (k.case === 'constExpr') {
      const c = k.value.constantKind;
      if (c.case === 'stringValue') return fixed([...(c.value as string)].length);
      if (c.case === 'bytesValue') return fixed((c.value as Uint8Array).length);
      return fixed(1);
    }
    if (k.case === 'listExpr') return fixed(k.value.elements.length);
    if (k.case === 'structExpr') return fixed(k.value.entries.length);
    const estimated = this.estimateSize(this.path(e));
    if (estimated) {
      this.sizes.set(e.id, estimated);
      return estimated;
    }
    const t = this.type(e);
    if (isScalar(t, 'bool', 'double', 'int', 'uint', DURATION_NAME, TIMESTAMP_NAME)) {
      return fixed(1);
    }
    if (k.case === 'identExpr') return this.local(k.value.name)?.size;
    return undefined;
  }

  private sizeOf(node: Node | CelExpr | undefined): Est {
    if (!node) return UNKNOWN;
    if ('id' in node) return this.computeSize(node) ?? UNKNOWN;
    return node.size ?? this.estimateSize(node.path) ?? UNKNOWN;
  }

  private entrySize(e: CelExpr | undefined): Entry | undefined {
    if (!e) return undefined;
    const known = this.entries.get(e.id);
    if (known) return known;
    if (e.exprKind.case === 'identExpr') return this.local(e.exprKind.value.name)?.entry;
    return undefined;
  }

  private node(e: CelExpr): Node {
    let path = this.path(e);
    if (path.length > 0 && ACCUMULATORS.has(path[0]!)) path = [];
    return { expr: e, path, type: this.type(e), size: this.computeSize(e) };
  }

  cost(e: CelExpr | undefined): Est {
    if (!e) return fixed(0);
    const k = e.exprKind;
    switch (k.case) {
      case 'constExpr':
        return fixed(0);
      case 'identExpr': {
        const v = this.local(k.value.name);
        this.paths.set(e.id, v ? v.path : [k.value.name]);
        return fixed(1);
      }
      case 'selectExpr': {
        const operand = k.value.operand;
        // kube turns off the cost of presence tests (PresenceTestHasCost(false))
        if (k.value.testOnly) return this.cost(operand);
        let sum = this.cost(operand);
        const t = this.type(operand);
        if (t.k === 'map' || t.k === 'object') sum = add(sum, fixed(1));
        if (operand) this.paths.set(e.id, [...this.path(operand), k.value.field]);
        return sum;
      }
      case 'callExpr':
        return this.call(e, k.value);
      case 'listExpr': {
        let sum = fixed(0);
        let item: Est = { min: k.value.elements.length ? MAX_UINT64 : 0, max: 0 };
        for (const x of k.value.elements) {
          sum = add(sum, this.cost(x));
          item = union(item, this.sizeOf(x));
        }
        this.entries.set(e.id, { container: 'list', key: fixed(1), val: item });
        return add(sum, fixed(LIST_CREATE));
      }
      case 'structExpr': {
        let sum = fixed(0);
        const empty = k.value.entries.length === 0;
        let keySize: Est = { min: empty ? 0 : MAX_UINT64, max: 0 };
        let valSize: Est = { min: empty ? 0 : MAX_UINT64, max: 0 };
        for (const entry of k.value.entries) {
          const keyExpr =
            entry.keyKind.case === 'mapKey' ? (entry.keyKind.value as CelExpr) : undefined;
          sum = add(add(sum, this.cost(keyExpr)), this.cost(entry.value));
          keySize = union(keySize, this.sizeOf(keyExpr));
          valSize = union(valSize, this.sizeOf(entry.value));
        }
        this.entries.set(e.id, { container: 'map', key: keySize, val: valSize });
        return add(sum, fixed(MAP_CREATE));
      }
      case 'comprehensionExpr':
        return this.comprehension(e, k.value);
      default:
        return fixed(0);
    }
  }

  private comprehension(
    e: CelExpr,
    c: Extract<CelExpr['exprKind'], { case: 'comprehensionExpr' }>['value'],
  ): Est {
    let sum = add(this.cost(c.iterRange), this.cost(c.accuInit));
    this.push(c.accuVar, {
      path: c.accuInit ? this.path(c.accuInit) : [],
      size: this.computeSize(c.accuInit),
      entry: this.entrySize(c.accuInit),
    });
    // pushIterSingle: a list's items, a map's keys
    const entry = this.entrySize(c.iterRange);
    const container = entry?.container ?? (this.type(c.iterRange).k === 'list' ? 'list' : 'map');
    this.push(c.iterVar, {
      path: [
        ...(c.iterRange ? this.path(c.iterRange) : []),
        container === 'list' ? '@items' : '@keys',
      ],
      size: container === 'list' ? entry?.val : entry?.key,
    });
    const loop = this.cost(c.loopCondition);
    const step = this.cost(c.loopStep);
    this.pop(c.iterVar);
    sum = add(sum, this.cost(c.result));
    this.pop(c.accuVar);
    const range = this.sizeOf(c.iterRange);
    sum = add(sum, mul(range, add(step, loop)));
    const init = c.accuInit?.exprKind.case;
    if (init === 'constExpr') {
      const size = this.computeSize(c.accuInit);
      if (size) this.sizes.set(e.id, size);
    } else if (init === 'listExpr' || init === 'structExpr') {
      this.sizes.set(e.id, range);
      const stepEntry = this.entrySize(c.loopStep);
      if (stepEntry) this.entries.set(e.id, stepEntry);
    }
    return sum;
  }

  private call(e: CelExpr, call: Call): Est {
    const fn = call.function;
    if (fn === 'dyn' && call.args.length === 1) {
      const argCost = this.cost(call.args[0]);
      const size = this.computeSize(call.args[0]);
      if (size) this.sizes.set(e.id, size);
      const entry = this.entrySize(call.args[0]);
      if (entry) this.entries.set(e.id, entry);
      return add(fixed(1), argCost);
    }
    const argCosts = call.args.map((a) => this.cost(a));
    const args = call.args.map((a) => this.node(a));
    let sum = fixed(0);
    let target: Node | undefined;
    const namespaced =
      call.target?.exprKind.case === 'identExpr' &&
      !this.checked.types.has(call.target.id) &&
      this.checked.matched.has(e.id);
    if (call.target && !namespaced) {
      sum = add(sum, this.cost(call.target));
      target = this.node(call.target);
    }
    const name = namespaced
      ? `${(call.target!.exprKind.value as { name: string }).name}.${fn}`
      : fn;
    const ids = overloadIds(name, target, args, this.checked.matched.get(e.id));
    if (ids.length === 0) return fixed(0);
    let fnCost: Est = { min: MAX_UINT64, max: 0 };
    let resultSize: Est | undefined;
    for (const id of ids) {
      const estimate = this.functionCost(e, name, id, target, args, argCosts);
      fnCost = union(fnCost, estimate.cost);
      if (estimate.size) resultSize = resultSize ? union(resultSize, estimate.size) : estimate.size;
      if ((id === 'index_list' || id === 'index_map') && call.args[0]) {
        resultSize = this.entrySize(call.args[0])?.val;
        this.paths.set(e.id, [
          ...this.path(call.args[0]),
          id === 'index_list' ? '@items' : '@values',
        ]);
      }
      resultSize ??= this.computeSize(e);
    }
    if (resultSize) this.sizes.set(e.id, resultSize);
    return add(sum, fnCost);
  }

  /** library.CostEstimator.EstimateCallCost, then cel-go's own estimates, then O(1). */
  private functionCost(
    e: CelExpr,
    fn: string,
    id: string,
    target: Node | undefined,
    args: Node[],
    argCosts: Est[],
  ): { cost: Est; size?: Est } {
    const argSum = argCosts.reduce(add, fixed(0));
    const library = this.libraryCost(fn, target, args);
    if (library) return { cost: add(library.cost, argSum), size: library.size };
    switch (id) {
      case 'string_format':
        if (target) return { cost: add(factor(this.sizeOf(target), STRING_TRAVERSAL), argSum) };
        break;
      case 'string_to_bytes': {
        const sz = this.sizeOf(args[0]);
        return {
          cost: add(factor(sz, STRING_TRAVERSAL), argSum),
          size: { min: sz.min, max: sat(sz.max * 4) },
        };
      }
      case 'bytes_to_string': {
        const sz = this.sizeOf(args[0]);
        return {
          cost: add(factor(sz, STRING_TRAVERSAL), argSum),
          size: { min: Math.floor(sz.min / 4), max: sz.max },
        };
      }
      case 'strings_quote': {
        const sz = this.sizeOf(args[0]);
        return {
          cost: add(factor(sz, STRING_TRAVERSAL), argSum),
          size: { min: sat(sz.min + 2), max: sat(sz.max * 2 + 2) },
        };
      }
      case 'starts_with_string':
      case 'ends_with_string':
        return { cost: add(factor(this.sizeOf(args[0]), STRING_TRAVERSAL), argSum) };
      case 'in_list':
        return { cost: add(factor(this.sizeOf(args[1]), 1), argSum) };
      case 'matches_string':
        if (target) {
          const str = factor(add(this.sizeOf(target), fixed(1)), STRING_TRAVERSAL);
          const regex = factor(this.sizeOf(args[0]), REGEX_LENGTH);
          return { cost: add(mul(str, regex), argSum) };
        }
        break;
      case 'contains_string':
        if (target) {
          const str = factor(this.sizeOf(target), STRING_TRAVERSAL);
          const sub = factor(this.sizeOf(args[0]), STRING_TRAVERSAL);
          return { cost: add(mul(str, sub), argSum) };
        }
        break;
      case 'logical_and':
      case 'logical_or':
        return { cost: { min: argCosts[0]!.min, max: add(argCosts[0]!, argCosts[1]!).max } };
      case 'conditional': {
        const size = union(this.sizeOf(args[1]), this.sizeOf(args[2]));
        const [t, f] = [this.entrySize(args[1]?.expr), this.entrySize(args[2]?.expr)];
        if (t && f)
          this.entries.set(e.id, {
            container: t.container,
            key: union(t.key, f.key),
            val: union(t.val, f.val),
          });
        return { cost: add(argCosts[0]!, union(argCosts[1]!, argCosts[2]!)), size };
      }
      case 'add_string':
      case 'add_bytes':
      case 'add_list': {
        const size = add(this.sizeOf(args[0]), this.sizeOf(args[1]));
        const [l, r] = [this.entrySize(args[0]?.expr), this.entrySize(args[1]?.expr)];
        if (l && r)
          this.entries.set(e.id, {
            container: l.container,
            key: union(l.key, r.key),
            val: union(l.val, r.val),
          });
        if (id === 'add_list') return { cost: add(fixed(1), argSum), size };
        return { cost: add(factor(size, STRING_TRAVERSAL), argSum), size };
      }
      case 'size_compare': {
        const [l, r] = [this.sizeOf(args[0]), this.sizeOf(args[1])];
        const smallestMax = Math.min(l.max, r.max);
        const cost = factor({ min: smallestMax > 0 ? 1 : 0, max: smallestMax }, STRING_TRAVERSAL);
        return { cost: add(cost, argSum) };
      }
    }
    return { cost: add(fixed(1), argSum) };
  }

  private listElement(list: Node): Node | undefined {
    if (list.type.k !== 'list') return undefined;
    return { path: list.path.length ? [...list.path, '@items'] : [], type: list.type.elem };
  }

  /** library.CostEstimator.EstimateCallCost (k8s.io/apiserver/pkg/cel/library/cost.go). */
  private libraryCost(
    fn: string,
    target: Node | undefined,
    args: Node[],
  ): { cost: Est; size?: Est } | undefined {
    switch (fn) {
      case 'isSorted':
      case 'sum':
      case 'max':
      case 'min':
      case 'indexOf':
      case 'lastIndexOf': {
        if (!target) return undefined;
        const element = this.listElement(target);
        if (!element) return { cost: factor(this.sizeOf(target), STRING_TRAVERSAL) };
        let elementCost = fixed(1);
        if (isScalar(element.type, 'string', 'bytes')) {
          elementCost = add(elementCost, factor(this.sizeOf(element), STRING_TRAVERSAL));
        }
        return { cost: mul(this.sizeOf(target), elementCost) };
      }
      case 'url':
        return args.length === 1
          ? { cost: factor(this.sizeOf(args[0]), STRING_TRAVERSAL) }
          : undefined;
      case 'lowerAscii':
      case 'upperAscii':
      case 'substring':
      case 'trim': {
        if (!target) return undefined;
        const sz = this.sizeOf(target);
        return { cost: factor(sz, STRING_TRAVERSAL), size: sz };
      }
      case 'replace':
        return target && args.length >= 2
          ? this.replaceCost(target, args[0]!, args[1]!)
          : undefined;
      case 'split': {
        if (!target) return undefined;
        const sz = this.sizeOf(target);
        let max = sz.max;
        const limit = args[1]?.expr?.exprKind;
        if (limit?.case === 'constExpr') max = Number(limit.value.constantKind.value);
        return { cost: factor(sz, 2 * STRING_TRAVERSAL), size: { min: 0, max } };
      }
      case 'join': {
        if (!target) return undefined;
        const listSize = this.sizeOf(target);
        const element = this.listElement(target);
        let sz = element ? mul(listSize, this.sizeOf(element)) : fixed(0);
        if (args.length > 0) {
          const separators = {
            min: Math.max(0, listSize.min - 1),
            max: Math.max(0, listSize.max - 1),
          };
          sz = add(sz, mul(this.sizeOf(args[0]), separators));
        }
        return { cost: factor(sz, STRING_TRAVERSAL), size: sz };
      }
      case 'find':
      case 'findAll': {
        if (!target || args.length < 1) return undefined;
        const sz = this.sizeOf(target);
        const str = factor(add(sz, fixed(1)), STRING_TRAVERSAL);
        const regex = factor(this.sizeOf(args[0]), REGEX_LENGTH);
        return { cost: mul(str, regex), size: { min: 0, max: sz.max } };
      }
      case 'quantity':
      case 'isQuantity':
        // kube's estimator asks for a target these global functions never have: O(1)
        return target ? { cost: factor(this.sizeOf(args[0]), STRING_TRAVERSAL) } : undefined;
      case 'sign':
      case 'asInteger':
      case 'isInteger':
      case 'asApproximateFloat':
      case 'isGreaterThan':
      case 'isLessThan':
      case 'compareTo':
      case 'add':
      case 'sub':
        return { cost: fixed(1) };
      default:
        return undefined;
    }
  }

  private replaceCost(target: Node, from: Node, to: Node): { cost: Est; size: Est } {
    const sz = this.sizeOf(target);
    const toReplace = this.sizeOf(from);
    const replaceWith = this.sizeOf(to);
    const count: Est = { min: 0, max: 0 };
    const retained: Est = { min: 0, max: 0 };
    if (toReplace.min === 0) {
      count.max = sz.max < MAX_UINT64 ? sz.max + 1 : sz.max;
      retained.max = sz.max;
    } else if (replaceWith.max <= toReplace.min) {
      retained.max = sz.max;
    } else {
      count.max = Math.ceil(sz.max / toReplace.min);
    }
    if (toReplace.max === 0) {
      count.min = sz.min < MAX_UINT64 ? sz.min + 1 : sz.min;
      retained.min = sz.min;
    } else if (toReplace.max <= replaceWith.min) {
      retained.min = sz.min;
    } else {
      count.min = Math.ceil(sz.min / toReplace.max);
    }
    return { cost: factor(sz, 2 * STRING_TRAVERSAL), size: add(mul(count, replaceWith), retained) };
  }
}

const DURATION_NAME = 'google.protobuf.Duration';
const TIMESTAMP_NAME = 'google.protobuf.Timestamp';

const kindOf = (t: CelT | undefined): string =>
  !t || isDyn(t) || t.k === 'param' ? 'dyn' : t.k === 'scalar' ? t.name : t.k;

/** The cel-go overload ids a call can resolve to, as far as the estimate tells them apart. */
function overloadIds(
  fn: string,
  target: Node | undefined,
  args: Node[],
  matched?: readonly Overload[],
): string[] {
  const kinds = args.map((a) => kindOf(a.type));
  switch (fn) {
    case '_&&_':
      return ['logical_and'];
    case '_||_':
      return ['logical_or'];
    case '_?_:_':
      return ['conditional'];
    case '_==_':
    case '_!=_':
      return ['size_compare'];
    case '@in':
      return kinds[1] === 'list'
        ? ['in_list']
        : kinds[1] === 'map'
          ? ['in_map']
          : ['in_list', 'in_map'];
    case '_[_]':
      return kinds[0] === 'list'
        ? ['index_list']
        : kinds[0] === 'map'
          ? ['index_map']
          : ['index_list', 'index_map'];
    case '@not_strictly_false':
      return ['not_strictly_false'];
  }
  if (!matched || matched.length === 0) return [];
  return matched.map((o) => {
    const params = o.params.map(kindOf);
    switch (fn) {
      case '_<_':
      case '_<=_':
      case '_>_':
      case '_>=_':
        return params[0] === 'string' || params[0] === 'bytes' ? 'size_compare' : fn;
      case '_+_':
        if (params[0] === 'string') return 'add_string';
        if (params[0] === 'bytes') return 'add_bytes';
        if (params[0] === 'list') return 'add_list';
        return fn;
      case 'matches':
        return o.member ? 'matches_string' : 'matches';
      case 'contains':
        return o.member ? 'contains_string' : fn;
      case 'startsWith':
        return 'starts_with_string';
      case 'endsWith':
        return 'ends_with_string';
      case 'format':
        return target ? 'string_format' : fn;
      case 'strings.quote':
        return 'strings_quote';
      case 'bytes':
        return params[0] === 'string' ? 'string_to_bytes' : fn;
      case 'string':
        return params[0] === 'bytes' ? 'bytes_to_string' : fn;
      default:
        return fn;
    }
  });
}

/** The worst-case cost of one evaluation of a checked rule (checker.Cost's Max). */
export function estimateCost(checked: CheckedRule, self: CelT): number {
  return new Coster(checked, self).cost(checked.rule.expr).max;
}

/** model.MaxCardinality: how often data of this minimum size can appear in a request. */
export function maxCardinality(minSize: number): number {
  return Math.floor(MAX_REQUEST_SIZE_BYTES / (minSize + 1));
}

/** multiplyWithOverflowGuard. */
export function multiplyCost(cost: number, cardinality: number): number {
  return cost === 0 ? 0 : sat(cost * cardinality);
}

/** getCostErrorMessage, as the CRD validation words it. */
export function costErrorMessage(costName: string, cost: number, limit: number): string {
  const exceed = cost / limit;
  const by =
    exceed > 100
      ? 'more than 100x'
      : exceed < 1.5
        ? `${exceed.toFixed(6)}x`
        : `${exceed.toFixed(1)}x`;
  return `${costName} exceeds budget by factor of ${by} (try simplifying the rule, or adding maxItems, maxProperties, and maxLength where arrays, maps, and strings are declared)`;
}
