// The CEL environment of x-kubernetes-validations: the standard library, the
// strings extension and the parts of Kubernetes' list and regex libraries
// that can be written over @bufbuild/cel. Programs are compiled once per rule.
import {
  CelScalar,
  celEnv,
  celError,
  celList,
  celMethod,
  isCelError,
  listType,
  parse,
  plan,
} from '@bufbuild/cel';
import type { CelInput, CelValue } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import { compilePattern } from './openapi.ts';

type Comparable = bigint | number | string | boolean;

function compare(a: CelValue, b: CelValue): number {
  const x = a as Comparable;
  const y = b as Comparable;
  if (typeof x === typeof y || (typeof x !== 'string' && typeof y !== 'string')) {
    return x < y ? -1 : x > y ? 1 : 0;
  }
  throw new Error('no such overload');
}

function items(list: Iterable<CelValue>): CelValue[] {
  return [...list];
}

const DYN_LIST = listType(CelScalar.DYN);

/** Kubernetes' lists library (isSorted, sum, min, max, indexOf, lastIndexOf). */
const listFunctions = [
  celMethod('isSorted', DYN_LIST, [], CelScalar.BOOL, function () {
    const xs = items(this);
    return xs.every((x, i) => i === 0 || compare(xs[i - 1]!, x) <= 0);
  }),
  celMethod('sum', DYN_LIST, [], CelScalar.DYN, function () {
    const xs = items(this) as (bigint | number)[];
    if (xs.length === 0) return 0n;
    return xs.reduce((a, b) => (typeof a === 'bigint' ? a + (b as bigint) : a + (b as number)));
  }),
  celMethod('min', DYN_LIST, [], CelScalar.DYN, function () {
    const xs = items(this);
    if (xs.length === 0) throw new Error('min called on empty list');
    return xs.reduce((a, b) => (compare(b, a) < 0 ? b : a));
  }),
  celMethod('max', DYN_LIST, [], CelScalar.DYN, function () {
    const xs = items(this);
    if (xs.length === 0) throw new Error('max called on empty list');
    return xs.reduce((a, b) => (compare(b, a) > 0 ? b : a));
  }),
  celMethod('indexOf', DYN_LIST, [CelScalar.DYN], CelScalar.INT, function (v) {
    return BigInt(items(this).findIndex((x) => x === v));
  }),
  celMethod('lastIndexOf', DYN_LIST, [CelScalar.DYN], CelScalar.INT, function (v) {
    return BigInt(items(this).findLastIndex((x) => x === v));
  }),
];

function regexOf(pattern: string): RegExp {
  const re = compilePattern(pattern);
  if (re instanceof Error) throw new Error(`error parsing regexp: ${re.message}`);
  return re;
}

/** Kubernetes' regex library (find, findAll). */
const regexFunctions = [
  celMethod('find', CelScalar.STRING, [CelScalar.STRING], CelScalar.STRING, function (pattern) {
    return regexOf(pattern).exec(this)?.[0] ?? '';
  }),
  celMethod(
    'findAll',
    CelScalar.STRING,
    [CelScalar.STRING],
    listType(CelScalar.STRING),
    function (pattern) {
      const re = new RegExp(regexOf(pattern).source, `${regexOf(pattern).flags}g`);
      return celList([...this.matchAll(re)].map((m) => m[0]));
    },
  ),
];

const env = celEnv({ funcs: [...strings, ...listFunctions, ...regexFunctions] });

/** Names a rule may call: the standard library, macros and the libraries above. */
export const KNOWN_FUNCTIONS = new Set([
  // standard operators and functions
  'size',
  'matches',
  'startsWith',
  'endsWith',
  'contains',
  'int',
  'uint',
  'double',
  'string',
  'bytes',
  'bool',
  'type',
  'dyn',
  'duration',
  'timestamp',
  'getDate',
  'getDayOfMonth',
  'getDayOfWeek',
  'getDayOfYear',
  'getFullYear',
  'getHours',
  'getMilliseconds',
  'getMinutes',
  'getMonth',
  'getSeconds',
  // macros
  'has',
  'all',
  'exists',
  'exists_one',
  'map',
  'filter',
  // strings extension
  'charAt',
  'format',
  'indexOf',
  'join',
  'lastIndexOf',
  'lowerAscii',
  'replace',
  'split',
  'substring',
  'trim',
  'upperAscii',
  // Kubernetes lists and regex libraries
  'isSorted',
  'sum',
  'min',
  'max',
  'find',
  'findAll',
]);

/**
 * Functions of Kubernetes' CEL libraries that compile but do not run here
 * (url, ip, cidr, quantity, semver, format, more list functions): a CRD using
 * them is accepted as kube accepts it; evaluating them fails as an unbound function.
 */
export const UNEVALUATED_FUNCTIONS = new Set([
  'url',
  'isURL',
  'getScheme',
  'getHost',
  'getHostname',
  'getPort',
  'getEscapedPath',
  'getQuery',
  'ip',
  'isIP',
  'family',
  'isUnspecified',
  'isLoopback',
  'isLinkLocalMulticast',
  'isLinkLocalUnicast',
  'isGlobalUnicast',
  'isCanonical',
  'cidr',
  'isCIDR',
  'containsIP',
  'containsCIDR',
  'masked',
  'prefixLength',
  'quantity',
  'isQuantity',
  'isInteger',
  'asInteger',
  'asApproximateFloat',
  'sign',
  'add',
  'sub',
  'isGreaterThan',
  'isLessThan',
  'compareTo',
  'semver',
  'isSemver',
  'major',
  'minor',
  'patch',
  'reverse',
  'quote',
  'slice',
  'flatten',
  'distinct',
  'sort',
  'sortBy',
  'first',
  'last',
  'validate',
  'named',
  'hasValue',
  'value',
  'orValue',
  'or',
  'optMap',
  'optFlatMap',
  'existsOne',
  'transformList',
  'transformMap',
  'transformMapEntry',
]);

/** Namespaces of Kubernetes' CEL libraries (`sets.contains(...)`, `math.greatest(...)`, ...). */
export const LIBRARY_NAMESPACES = new Set([
  'sets',
  'math',
  'base64',
  'strings',
  'optional',
  'cel',
  'format',
  'lists',
]);

/** A compiled rule: run it with `self` (and `oldSelf`) bound. */
export type CelProgram = (vars: Record<string, CelInput>) => unknown;

/** The parts of a parsed CEL expression this package walks. */
export interface CelExpr {
  id: bigint;
  exprKind:
    | { case: 'constExpr'; value: { constantKind: { case: string | undefined; value?: unknown } } }
    | { case: 'identExpr'; value: { name: string } }
    | { case: 'selectExpr'; value: { operand?: CelExpr; field: string; testOnly: boolean } }
    | { case: 'callExpr'; value: { target?: CelExpr; function: string; args: CelExpr[] } }
    | { case: 'listExpr'; value: { elements: CelExpr[] } }
    | {
        case: 'structExpr';
        value: { entries: { keyKind: { case: string; value: unknown }; value?: CelExpr }[] };
      }
    | {
        case: 'comprehensionExpr';
        value: {
          iterVar: string;
          iterRange?: CelExpr;
          accuVar: string;
          accuInit?: CelExpr;
          loopCondition?: CelExpr;
          loopStep?: CelExpr;
          result?: CelExpr;
        };
      }
    | { case: undefined; value?: undefined };
}

export interface ParsedRule {
  expr: CelExpr;
  /** Source offset of every expression id. */
  positions: Record<string, number>;
  /** The macro (all, exists, map, ...) each comprehension id was expanded from. */
  macros: Record<string, string>;
}

/** A syntax error with the offset the parser stopped at. */
export class CelSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

interface PeggyError {
  rawMessage?: string;
  location?: { start?: { offset?: number } };
}

const parsed = new Map<string, ParsedRule | CelSyntaxError>();
const programs = new Map<string, CelProgram>();

/** Parses a rule (cached); a syntax error is returned, not thrown. */
export function parseRule(source: string): ParsedRule | CelSyntaxError {
  let result = parsed.get(source);
  if (!result) {
    try {
      const p = parse(source) as unknown as {
        expr: CelExpr;
        sourceInfo?: {
          positions: Record<string, number>;
          macroCalls: Record<string, { exprKind: { case: string; value: { function: string } } }>;
        };
      };
      const macros: Record<string, string> = {};
      for (const [id, call] of Object.entries(p.sourceInfo?.macroCalls ?? {})) {
        if (call.exprKind.case === 'callExpr') macros[id] = call.exprKind.value.function;
      }
      result = { expr: p.expr, positions: p.sourceInfo?.positions ?? {}, macros };
    } catch (e) {
      const err = e as PeggyError & Error;
      result = new CelSyntaxError(err.rawMessage ?? err.message, err.location?.start?.offset ?? 0);
    }
    parsed.set(source, result);
  }
  return result;
}

/**
 * The runnable program of a rule that parses. It never throws: a failure
 * (a library function throwing included) comes back as a CEL error value.
 */
export function programOf(source: string): CelProgram {
  let program = programs.get(source);
  if (!program) {
    const run = plan(env, parse(source)) as unknown as (ctx: Record<string, CelInput>) => unknown;
    program = (vars) => {
      try {
        return run(vars);
      } catch (e) {
        return celError(e);
      }
    };
    programs.set(source, program);
  }
  return program;
}

/** Whether an identifier is referenced anywhere in the expression. */
export function referencesIdent(expr: CelExpr | undefined, name: string): boolean {
  if (!expr) return false;
  const k = expr.exprKind;
  switch (k.case) {
    case 'identExpr':
      return k.value.name === name;
    case 'selectExpr':
      return referencesIdent(k.value.operand, name);
    case 'callExpr':
      return (
        referencesIdent(k.value.target, name) || k.value.args.some((a) => referencesIdent(a, name))
      );
    case 'listExpr':
      return k.value.elements.some((e) => referencesIdent(e, name));
    case 'structExpr':
      return k.value.entries.some(
        (e) =>
          referencesIdent(e.value, name) ||
          (e.keyKind.case === 'mapKey' && referencesIdent(e.keyKind.value as CelExpr, name)),
      );
    case 'comprehensionExpr': {
      const c = k.value;
      return [c.iterRange, c.accuInit, c.loopCondition, c.loopStep, c.result].some((e) =>
        referencesIdent(e, name),
      );
    }
    default:
      return false;
  }
}

export { isCelError };
