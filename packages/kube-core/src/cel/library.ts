// The Kubernetes CEL libraries kube-apiserver 1.32 adds to the standard
// library and cel-go's strings extension for x-kubernetes-validations
// (k8s.io/apiserver/pkg/cel/environment/base.go): lists, regex and urls
// (1.0), quantity (1.28), sets (cel-go ext.Sets, 1.29). Each function is
// written once, with the signatures the checker resolves against
// (k8s.io/apiserver/pkg/cel/library/*.go) and the implementation that runs.
// Regular expressions are RE2 (Go's regexp), URLs Go's net/url, quantities
// apimachinery's resource.Quantity.
import {
  CelScalar,
  celFunc,
  celList,
  celMap,
  celMethod,
  isCelError,
  isCelMap,
  listType,
} from '@bufbuild/cel';
import type { CelFunc, CelResult, CelValue } from '@bufbuild/cel';
import {
  parseRequestURI,
  parseURL,
  urlEscapedPath,
  urlHostname,
  urlPort,
  urlQuery,
  type GoURL,
} from '../go-url.ts';
import {
  addQuantities,
  compareQuantities,
  parseQuantity,
  quantityAsFloat,
  quantityAsInt64,
  quantitySign,
  subtractQuantities,
  type Quantity,
} from '../quantity.ts';
import { findAllRegexp, findRegexp, matchesRegexp } from '../re2.ts';
import {
  BOOL,
  BYTES,
  DOUBLE,
  DURATION,
  INT,
  QUANTITY_TYPE,
  STRING,
  TIMESTAMP,
  UINT,
  URL_TYPE,
  listOf,
  mapOf,
  param,
  type CelT,
  type Overload,
} from './types.ts';

/** A function group of the environment (@bufbuild/cel's FuncGroup.call). */
export interface Callable {
  call(id: number, target: CelValue | undefined, args: CelValue[]): CelResult | undefined;
}

/** The standard operators the libraries compute with (CEL equality, ordering, addition). */
export interface Operators {
  equals: Callable;
  less: Callable;
  add: Callable;
}

/** A library function: what the checker resolves against, and what runs. */
export interface LibraryFunction {
  name: string;
  overloads: Overload[];
  runtime: CelFunc[];
}

const { DYN: RT_DYN, BOOL: RT_BOOL, INT: RT_INT, STRING: RT_STRING, DOUBLE: RT_DOUBLE } = CelScalar;
const listOfRuntime = listType(RT_DYN);

const member = (params: CelT[], result: CelT): Overload => ({ member: true, params, result });
const global = (params: CelT[], result: CelT): Overload => ({ member: false, params, result });

const COMPARABLE = [INT, UINT, DOUBLE, BOOL, DURATION, TIMESTAMP, STRING, BYTES];
const SUMMABLE = [INT, UINT, DOUBLE, DURATION];

function noSuchOverload(): never {
  throw new Error('no such overload');
}

function call(group: Callable, args: CelValue[]): CelValue {
  const result = group.call(0, undefined, args);
  if (result === undefined) noSuchOverload();
  if (isCelError(result)) throw new Error(result.message);
  return result;
}

// kubernetes.URL and kubernetes.Quantity values: @bufbuild/cel carries only
// its own value kinds, so an opaque value is a map no rule can name (the
// checker types it as the library type, which has no fields or keys).
const TYPE_KEY = '@kubernetes.type';
const VALUE_KEY = '@kubernetes.value';

/** Whether a value is a kubernetes.URL or kubernetes.Quantity (sized 1, as cel-go sizes them). */
export function isOpaqueValue(v: CelValue): boolean {
  return isCelMap(v) && v.has(TYPE_KEY);
}

function opaque(type: string, value: string): CelValue {
  return celMap(
    new Map<string, string>([
      [TYPE_KEY, type],
      [VALUE_KEY, value],
    ]),
  );
}

function opaqueValue(v: CelValue, type: string): string {
  if (isCelMap(v) && v.get(TYPE_KEY) === type) {
    const value = v.get(VALUE_KEY);
    if (typeof value === 'string') return value;
  }
  return noSuchOverload();
}

function urlOf(v: CelValue): GoURL {
  const parsed = parseURL(opaqueValue(v, 'kubernetes.URL'));
  if (parsed instanceof Error) throw parsed;
  return parsed;
}

/** resource.ErrFormatWrong. */
const QUANTITY_FORMAT_ERROR =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

function quantityValue(q: Quantity): CelValue {
  return opaque('kubernetes.Quantity', `${q.numerator}/${q.denominator}`);
}

function quantityOf(v: CelValue): Quantity {
  const [numerator = '0', denominator = '1'] = opaqueValue(v, 'kubernetes.Quantity').split('/');
  return { numerator: BigInt(numerator), denominator: BigInt(denominator) };
}

function operand(v: CelValue): Quantity {
  return typeof v === 'bigint' ? { numerator: v, denominator: 1n } : quantityOf(v);
}

/** The libraries, computing with the standard operators of the environment they join. */
export function kubernetesLibrary(ops: Operators): LibraryFunction[] {
  const compare = (a: CelValue, b: CelValue): number =>
    call(ops.less, [a, b]) === true ? -1 : call(ops.less, [b, a]) === true ? 1 : 0;
  const equals = (a: CelValue, b: CelValue): boolean => call(ops.equals, [a, b]) === true;
  const extreme = (name: string, prefer: number) =>
    function (this: Iterable<CelValue>): CelValue {
      let result: CelValue | undefined;
      for (const x of this) if (result === undefined || compare(result, x) === prefer) result = x;
      if (result === undefined) throw new Error(`${name} called on empty list`);
      return result;
    };
  const contains = (list: Iterable<CelValue>, v: CelValue) => [...list].some((x) => equals(x, v));
  const LIST = listOf(param('A'));
  const regexError = (run: () => CelValue): CelValue => {
    try {
      return run();
    } catch (e) {
      // find/findAll word a bad (non-literal) pattern as "Illegal regex: ...".
      throw new Error(`Illegal regex: ${(e as Error).message}`);
    }
  };
  return [
    // lists
    {
      name: 'isSorted',
      overloads: COMPARABLE.map((t) => member([listOf(t)], BOOL)),
      runtime: [
        celMethod('isSorted', listOfRuntime, [], RT_BOOL, function () {
          const xs = [...this];
          return xs.every((x, i) => i === 0 || compare(xs[i - 1]!, x) <= 0);
        }),
      ],
    },
    {
      name: 'sum',
      overloads: SUMMABLE.map((t) => member([listOf(t)], t)),
      runtime: [
        celMethod('sum', listOfRuntime, [], RT_DYN, function () {
          let acc: CelValue | undefined;
          for (const x of this) acc = acc === undefined ? x : call(ops.add, [acc, x]);
          return acc ?? 0n;
        }),
      ],
    },
    {
      name: 'min',
      overloads: COMPARABLE.map((t) => member([listOf(t)], t)),
      runtime: [celMethod('min', listOfRuntime, [], RT_DYN, extreme('min', 1))],
    },
    {
      name: 'max',
      overloads: COMPARABLE.map((t) => member([listOf(t)], t)),
      runtime: [celMethod('max', listOfRuntime, [], RT_DYN, extreme('max', -1))],
    },
    {
      name: 'indexOf',
      overloads: [member([LIST, param('A')], INT)],
      runtime: [
        celMethod('indexOf', listOfRuntime, [RT_DYN], RT_INT, function (v) {
          return BigInt([...this].findIndex((x) => equals(x, v)));
        }),
      ],
    },
    {
      name: 'lastIndexOf',
      overloads: [member([LIST, param('A')], INT)],
      runtime: [
        celMethod('lastIndexOf', listOfRuntime, [RT_DYN], RT_INT, function (v) {
          return BigInt([...this].findLastIndex((x) => equals(x, v)));
        }),
      ],
    },
    // regex
    {
      name: 'find',
      overloads: [member([STRING, STRING], STRING)],
      runtime: [
        celMethod('find', RT_STRING, [RT_STRING], RT_STRING, function (pattern) {
          return regexError(() => findRegexp(pattern, this)) as string;
        }),
      ],
    },
    {
      name: 'findAll',
      overloads: [
        member([STRING, STRING], listOf(STRING)),
        member([STRING, STRING, INT], listOf(STRING)),
      ],
      runtime: [
        celMethod('findAll', RT_STRING, [RT_STRING], listOfRuntime, function (pattern) {
          return regexError(() => celList(findAllRegexp(pattern, this))) as never;
        }),
        celMethod('findAll', RT_STRING, [RT_STRING, RT_INT], listOfRuntime, function (pattern, n) {
          return regexError(() => celList(findAllRegexp(pattern, this, Number(n)))) as never;
        }),
      ],
    },
    // the global form of the standard matches(); the member form is the environment's re2 option
    {
      name: 'matches',
      overloads: [global([STRING, STRING], BOOL)],
      runtime: [celFunc('matches', [RT_STRING, RT_STRING], RT_BOOL, (s, p) => matchesRegexp(p, s))],
    },
    // urls
    {
      name: 'url',
      overloads: [global([STRING], URL_TYPE)],
      runtime: [
        celFunc('url', [RT_STRING], RT_DYN, (s) => {
          const checked = parseRequestURI(s);
          const parsed = checked instanceof Error ? checked : parseURL(s);
          if (parsed instanceof Error) {
            throw new Error(`URL parse error during conversion from string: ${parsed.message}`);
          }
          return opaque('kubernetes.URL', s);
        }),
      ],
    },
    {
      name: 'isURL',
      overloads: [global([STRING], BOOL)],
      runtime: [
        celFunc('isURL', [RT_STRING], RT_BOOL, (s) => !(parseRequestURI(s) instanceof Error)),
      ],
    },
    ...(
      [
        ['getScheme', (u: GoURL) => u.scheme],
        ['getHost', (u: GoURL) => u.host],
        ['getHostname', urlHostname],
        ['getPort', urlPort],
        ['getEscapedPath', urlEscapedPath],
      ] as const
    ).map(([name, get]): LibraryFunction => ({
      name,
      overloads: [member([URL_TYPE], STRING)],
      runtime: [
        celMethod(name, RT_DYN, [], RT_STRING, function () {
          return get(urlOf(this));
        }),
      ],
    })),
    {
      name: 'getQuery',
      overloads: [member([URL_TYPE], mapOf(listOf(STRING)))],
      runtime: [
        celMethod('getQuery', RT_DYN, [], RT_DYN, function () {
          return urlQuery(urlOf(this));
        }),
      ],
    },
    // quantity
    {
      name: 'quantity',
      overloads: [global([STRING], QUANTITY_TYPE)],
      runtime: [
        celFunc('quantity', [RT_STRING], RT_DYN, (s) => {
          const q = parseQuantity(s);
          if (!q) throw new Error(QUANTITY_FORMAT_ERROR);
          return quantityValue(q);
        }),
      ],
    },
    {
      name: 'isQuantity',
      overloads: [global([STRING], BOOL)],
      runtime: [celFunc('isQuantity', [RT_STRING], RT_BOOL, (s) => parseQuantity(s) !== undefined)],
    },
    {
      // declared with cel.Overload, so a global function: sign(q)
      name: 'sign',
      overloads: [global([QUANTITY_TYPE], INT)],
      runtime: [celFunc('sign', [RT_DYN], RT_INT, (q) => BigInt(quantitySign(quantityOf(q))))],
    },
    ...(
      [
        ['isGreaterThan', BOOL, (c: number) => c > 0],
        ['isLessThan', BOOL, (c: number) => c < 0],
        ['compareTo', INT, (c: number) => BigInt(c)],
      ] as const
    ).map(([name, result, answer]): LibraryFunction => ({
      name,
      overloads: [member([QUANTITY_TYPE, QUANTITY_TYPE], result)],
      runtime: [
        celMethod(name, RT_DYN, [RT_DYN], RT_DYN, function (other) {
          return answer(compareQuantities(quantityOf(this), quantityOf(other)));
        }),
      ],
    })),
    {
      name: 'asApproximateFloat',
      overloads: [member([QUANTITY_TYPE], DOUBLE)],
      runtime: [
        celMethod('asApproximateFloat', RT_DYN, [], RT_DOUBLE, function () {
          return quantityAsFloat(quantityOf(this));
        }),
      ],
    },
    {
      name: 'asInteger',
      overloads: [member([QUANTITY_TYPE], INT)],
      runtime: [
        celMethod('asInteger', RT_DYN, [], RT_INT, function () {
          const value = quantityAsInt64(quantityOf(this));
          if (value === undefined) throw new Error('cannot convert value to integer');
          return value;
        }),
      ],
    },
    {
      name: 'isInteger',
      overloads: [member([QUANTITY_TYPE], BOOL)],
      runtime: [
        celMethod('isInteger', RT_DYN, [], RT_BOOL, function () {
          return quantityAsInt64(quantityOf(this)) !== undefined;
        }),
      ],
    },
    ...(
      [
        ['add', addQuantities],
        ['sub', subtractQuantities],
      ] as const
    ).map(([name, op]): LibraryFunction => ({
      name,
      overloads: [
        member([QUANTITY_TYPE, QUANTITY_TYPE], QUANTITY_TYPE),
        member([QUANTITY_TYPE, INT], QUANTITY_TYPE),
      ],
      runtime: [
        celMethod(name, RT_DYN, [RT_DYN], RT_DYN, function (other) {
          return quantityValue(op(quantityOf(this), operand(other)));
        }),
      ],
    })),
    // sets (cel-go ext.Sets)
    ...(
      [
        ['sets.contains', (a: CelValue[], b: CelValue[]) => b.every((x) => contains(a, x))],
        [
          'sets.equivalent',
          (a: CelValue[], b: CelValue[]) =>
            b.every((x) => contains(a, x)) && a.every((x) => contains(b, x)),
        ],
        ['sets.intersects', (a: CelValue[], b: CelValue[]) => b.some((x) => contains(a, x))],
      ] as const
    ).map(([name, test]): LibraryFunction => ({
      name,
      overloads: [global([LIST, LIST], BOOL)],
      runtime: [
        celFunc(name, [listOfRuntime, listOfRuntime], RT_BOOL, (a, b) => test([...a], [...b])),
      ],
    })),
  ];
}
