// The one CEL environment of x-kubernetes-validations, for the API's own
// validation and the local control plane alike: @bufbuild/cel's standard
// library and strings extension (cel-go ext.Strings v2 as kube 1.29+ uses
// it), matches() with RE2, and the Kubernetes libraries of library.ts. The
// checker resolves calls against the signatures of exactly these functions,
// so a rule can only compile if this environment can evaluate it.
import { CelScalar, celEnv, celError, celFunc, isCelError, parse, plan } from '@bufbuild/cel';
import type { CelFunc, CelInput, CelType } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import { matchesRegexp } from '../re2.ts';
import { kubernetesLibrary, type Callable } from './library.ts';
import { DYN, listOf, mapOf, scalar, type CelT, type Overload } from './types.ts';

function group(name: string): Callable {
  const found = celEnv({}).funcs.find(name);
  if (!found) throw new Error(`the standard library has no ${name}`);
  return found;
}

const library = kubernetesLibrary({
  equals: group('_==_'),
  less: group('_<_'),
  add: group('_+_'),
});
const libraryFuncs = new Set<CelFunc>(library.flatMap((f) => f.runtime));

// Functions that return protobuf messages (timestamp(), duration()) need the
// evaluation context @bufbuild/cel sets up only while one of its programs
// runs; the metered evaluation (runtime-cost.ts) runs inside this one, a call
// of a function no rule can name.
const IN_CONTEXT = '@kube.inEvalContext';
let pending: (() => void) | undefined;
const inContext = celFunc(IN_CONTEXT, [], CelScalar.BOOL, () => {
  pending?.();
  return true;
});

const env = celEnv({
  funcs: [...strings, ...libraryFuncs, inContext],
  re2: { compile: (pattern) => ({ test: (text) => matchesRegexp(pattern, text) }) },
});

/** The function group of the environment by name (what a call of it dispatches to). */
export function functionGroup(name: string): Callable | undefined {
  return name === IN_CONTEXT ? undefined : env.funcs.find(name);
}

const trampoline = (() => {
  const call = parse('f()') as unknown as { expr: { exprKind: { value: { function: string } } } };
  call.expr.exprKind.value.function = IN_CONTEXT;
  return plan(env, call as unknown as Parameters<typeof plan>[1]) as unknown as (
    ctx: Record<string, CelInput>,
  ) => unknown;
})();

/** Runs `fn` (which must not throw) inside a @bufbuild/cel evaluation context. */
export function inEvalContext(fn: () => void): void {
  const outer = pending;
  pending = fn;
  try {
    const result = trampoline({});
    if (isCelError(result)) throw result;
  } finally {
    pending = outer;
  }
}

function fromCelType(t: CelType): CelT {
  switch (t.kind) {
    case 'list':
      return listOf(fromCelType(t.element));
    case 'map':
      return mapOf(fromCelType(t.value));
    case 'object':
      return scalar(t.name);
    case 'scalar':
      return t.scalar === 'dyn' ? DYN : scalar(t.scalar);
  }
}

/** Every signature the environment evaluates, by function name. */
export const OVERLOADS: ReadonlyMap<string, readonly Overload[]> = (() => {
  const out = new Map<string, Overload[]>();
  const add = (name: string, o: Overload) => out.set(name, [...(out.get(name) ?? []), o]);
  for (const f of env.funcs) {
    if (libraryFuncs.has(f) || f === inContext) continue;
    const params = f.arguments.map(fromCelType);
    if (f.target) params.unshift(fromCelType(f.target));
    add(f.name, { member: f.target !== undefined, params, result: fromCelType(f.result) });
  }
  for (const f of library) for (const o of f.overloads) add(f.name, o);
  return out;
})();

/**
 * What kube-apiserver 1.32 declares for CRD rules that this environment
 * cannot evaluate: the IP and CIDR libraries (1.30), the format library
 * (1.31, every `format.*`), optional types (1.28) and two-variable
 * comprehensions (1.32). A
 * rule calling one fails to compile, naming it, rather than passing unchecked.
 */
export const UNSUPPORTED_FUNCTIONS: ReadonlySet<string> = new Set([
  'ip',
  'isIP',
  'ip.isCanonical',
  'family',
  'isUnspecified',
  'isLoopback',
  'isLinkLocalMulticast',
  'isLinkLocalUnicast',
  'isGlobalUnicast',
  'cidr',
  'isCIDR',
  'containsIP',
  'containsCIDR',
  'masked',
  'prefixLength',
  'format.named',
  'validate',
  'optional.of',
  'optional.ofNonZeroValue',
  'optional.none',
  'hasValue',
  'value',
  'or',
  'orValue',
  'optMap',
  'optFlatMap',
  'transformList',
  'transformMap',
  'transformMapEntry',
  'existsOne',
  // the three-argument forms of the macros (two-variable comprehensions)
  'all',
  'exists',
  'exists_one',
]);

/** Namespaces of library functions (`sets.contains(...)`, `format.dns1123Label()`). */
export const FUNCTION_NAMESPACES: ReadonlySet<string> = new Set(
  [...OVERLOADS.keys(), ...UNSUPPORTED_FUNCTIONS, 'format.']
    .filter((name) => name.includes('.'))
    .map((name) => name.slice(0, name.indexOf('.'))),
);

/** A compiled rule: run it with `self` (and `oldSelf`) bound. */
export type CelProgram = (vars: Record<string, CelInput>) => unknown;

/** The parts of a parsed CEL expression the checker and the evaluator walk. */
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

/** Converts a string with the environment's timestamp() or duration(); the string when it is not one. */
export function convert(name: 'timestamp' | 'duration', value: string): CelInput {
  const result = programOf(`${name}(value)`)({ value });
  return isCelError(result) ? value : (result as CelInput);
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
