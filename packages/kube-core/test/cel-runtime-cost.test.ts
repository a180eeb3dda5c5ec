// The actual (runtime) cost of x-kubernetes-validations rules (src/cel/runtime-cost.ts)
// against the figures cel-go and kube-apiserver 1.32 report, and the limits kube
// enforces with it: the per-call limit and the per-object budget.
//
// Sources of the expected figures:
// - cel-go interpreter/runtimecost_test.go, TestRuntimeCost: cel-go's own plan,
//   without OptOptimize (so run here with `optimize: false`);
// - apiextensions-apiserver pkg/apiserver/schema/cel/celcoststability_test.go,
//   TestCelCostStability: what one rule costs a custom resource's budget in
//   kube (OptOptimize, the Kubernetes libraries, presence tests free);
// - derived: long inputs, nested loops and the Kubernetes library functions,
//   worked out from interpreter/runtimecost.go and library/cost.go as noted.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CelInput } from '@bufbuild/cel';
import {
  evaluateRulesAt,
  evaluateValidationRules,
  newCostBudget,
  withSharedCostBudget,
  type RuleViolation,
} from '../src/cel.ts';
import { PER_CALL_LIMIT, RUNTIME_CEL_COST_BUDGET, actualCost } from '../src/cel/runtime-cost.ts';
import type { StructuralSchema } from '../src/structural.ts';

const letters = (n: number) => 'abcdefghijklmnopqrstuvwxyz'.repeat(Math.ceil(n / 26)).slice(0, n);
const map = (entries: Record<string, CelInput>) => new Map(Object.entries(entries));

describe('cel-go runtime cost (interpreter/runtimecost_test.go, TestRuntimeCost)', () => {
  // [case name in TestRuntimeCost, expression, variables, cost]
  const cases: [string, string, Record<string, CelInput>, number][] = [
    ['const', '"Hello World!"', {}, 0],
    ['identity', 'input', { input: [1n, 2n] }, 1],
    ['select: map', "input['key']", { input: map({ key: 'v' }) }, 2],
    ['select: array index', 'input[0]', { input: ['v'] }, 2],
    ['expr select: map', "input['ke' + 'y']", { input: map({ key: 'v' }) }, 3],
    ['expr select: array index', 'input[3-3]', { input: ['v'] }, 3],
    [
      'select: non-proto field test',
      'has(input.testAttr.nestedAttr)',
      { input: map({ testAttr: map({ nestedAttr: '0' }) }) },
      2,
    ],
    ['create list', '[1, 2, 3]', {}, 10],
    ['create map', '{"a": 1, "b": 2, "c": 3}', {}, 30],
    ['all comprehension', 'input.all(x, true)', { input: [] }, 2],
    ['nested all comprehension', 'input.all(x, x.all(y, true))', { input: [] }, 2],
    ['all comprehension on literal', '[1, 2, 3].all(x, true)', {}, 20],
    ['variable cost function', "input.matches('[0-9]')", { input: letters(500) }, 103],
    ['variable cost function with constant', "'123'.matches('[0-9]')", {}, 2],
    ['or', 'false || false', {}, 0],
    ['or short-circuit', 'true || false', {}, 0],
    [
      'or accumulated branch cost',
      'a || b || c || d',
      { a: false, b: false, c: false, d: false },
      4,
    ],
    ['and', 'true && false', {}, 0],
    ['and short-circuit', 'false && true', {}, 0],
    ['and accumulated branch cost', 'a && b && c && d', { a: true, b: true, c: true, d: true }, 4],
    ['lt', '1 < 2', {}, 1],
    ['lte', '1 <= 2', {}, 1],
    ['eq', '1 == 2', {}, 1],
    ['gt', '2 > 1', {}, 1],
    ['gte', '2 >= 1', {}, 1],
    ['in', '2 in [1, 2, 3]', {}, 13],
    ['plus', '1 + 1', {}, 1],
    ['minus', '1 - 1', {}, 1],
    ['/', '1 / 1', {}, 1],
    ['*', '1 * 1', {}, 1],
    ['%', '1 % 1', {}, 1],
    ['ternary', 'true ? 1 : 2', {}, 0],
    ['string size', 'size("123")', {}, 1],
    ['str eq str', "'12345678901234567890' == '123456789012345678901234567890'", {}, 2],
    [
      'bytes to string conversion',
      'string(input)',
      { input: new TextEncoder().encode(letters(500)) },
      51,
    ],
    ['string to bytes conversion', 'bytes(input)', { input: letters(500) }, 51],
    ['int to string conversion', 'string(1)', {}, 1],
    ['contains', 'input.contains(arg1)', { input: letters(500), arg1: letters(500) }, 2502],
    ['matches', String.raw`input.matches('\\d+a\\d+b')`, { input: letters(500) }, 103],
    ['startsWith', 'input.startsWith(arg1)', { input: 'idc', arg1: letters(500) }, 3],
    ['endsWith', 'input.endsWith(arg1)', { input: 'idc', arg1: letters(500) }, 3],
    ['size receiver', 'input.size()', { input: '500' }, 2],
    ['size', 'size(input)', { input: '500' }, 2],
    [
      'ternary eval',
      '(x > 2 ? input1 : input2).all(y, true)',
      { x: 1n, input1: [map({})], input2: [map({})] },
      6,
    ],
    ['ternary eval trivial, true', 'true ? false : 1 > 3', {}, 0],
    ['ternary eval trivial, false', 'false ? false : 1 > 3', {}, 1],
    [
      'comprehension over map',
      'input.all(k, input[k].single_int32 > 3)',
      { input: map({ val: map({ single_int32: 0n }) }) },
      9,
    ],
    [
      'comprehension over nested map of maps',
      'input.all(k, input[k].all(x, true))',
      { input: map({}) },
      2,
    ],
    ['string size of map keys', 'input.all(k, k.contains(k))', { input: map({}) }, 2],
    [
      'comprehension variable shadowing',
      'input.all(k, input[k].all(k, true) && k.contains(k))',
      { input: map({}) },
      2,
    ],
    ['list concat', '(list1 + list2).all(x, true)', { list1: [], list2: [] }, 4],
    ['str concat', '"abcdefg".contains(str1 + str2)', { str1: 'val1', str2: 'val2222222' }, 6],
    ['ternary as operand', '(1 > 2 ? 5 : 3) > 1', {}, 2],
    ['ternary as operand (or)', '(1 > 2 || 2 > 1) == true', {}, 3],
    ['list map literal', "[{'k1': 1}, {'k2': 2}].all(x, true)", {}, 77],
  ];
  for (const [name, expr, vars, want] of cases) {
    it(`${name}: ${expr} costs ${want}`, () => {
      assert.equal(actualCost(expr, vars, { optimize: false }).cost, want);
    });
  }

  it('at limit: stops only when the cost exceeds the limit', () => {
    const vars = { str1: 'val1', str2: 'val2222222' };
    const expr = '"abcdefg".contains(str1 + str2)';
    const at = actualCost(expr, vars, { optimize: false, limit: 6 });
    assert.deepEqual([at.exceeded, at.cost, at.value], [false, 6, false]);
    const above = actualCost(expr, vars, { optimize: false, limit: 5 });
    assert.equal(above.exceeded, true);
    assert.equal(above.value, undefined);
  });

  it('kube plans with OptOptimize: constant literals, conversions and `in` a constant list are free', () => {
    assert.equal(actualCost('[1, 2, 3].all(x, true)', {}).cost, 10);
    assert.equal(actualCost('2 in [1, 2, 3]', {}).cost, 0);
    assert.equal(actualCost('x in [1, 2, 3]', { x: 2n }).cost, 1);
    assert.equal(actualCost('x in []', { x: 2n }).cost, 0);
    assert.equal(actualCost('string(1)', {}).cost, 0);
    assert.equal(actualCost("[{'k1': 1}, {'k2': 2}].all(x, true)", {}).cost, 7);
    assert.equal(actualCost("duration('1h') > duration('1m')", {}).cost, 1);
  });
});

// ---------------------------------------------------------------------------
// kube's TestCelCostStability: one rule at the root of a custom resource; its
// cost is what the validation takes from RuntimeCELCostBudget.

const integerType: StructuralSchema = { type: 'integer' };
const int32Type: StructuralSchema = { type: 'integer', format: 'int32' };
const int64Type: StructuralSchema = { type: 'integer', format: 'int64' };
const numberType: StructuralSchema = { type: 'number' };
const floatType: StructuralSchema = { type: 'number', format: 'float' };
const doubleType: StructuralSchema = { type: 'number', format: 'double' };
const stringType: StructuralSchema = { type: 'string' };
const byteType: StructuralSchema = { type: 'string', format: 'byte' };
const booleanType: StructuralSchema = { type: 'boolean' };
const durationFormat: StructuralSchema = { type: 'string', format: 'duration' };
const dateFormat: StructuralSchema = { type: 'string', format: 'date' };
const dateTimeFormat: StructuralSchema = { type: 'string', format: 'date-time' };
const intOrString: StructuralSchema = { 'x-kubernetes-int-or-string': true };
const objectType = (properties: Record<string, StructuralSchema>): StructuralSchema => ({
  type: 'object',
  properties,
});
const listType = (items: StructuralSchema, listKind = 'atomic'): StructuralSchema => ({
  type: 'array',
  items,
  'x-kubernetes-list-type': listKind as 'atomic',
});
const listMapType = (keys: string[], items: StructuralSchema): StructuralSchema => ({
  ...listType(items, 'map'),
  'x-kubernetes-list-map-keys': keys,
});
const mapType = (values: StructuralSchema): StructuralSchema => ({
  type: 'object',
  additionalProperties: values,
});
const nullable = (s: StructuralSchema): StructuralSchema => ({ ...s, nullable: true });
const preserving = (s: StructuralSchema = {}): StructuralSchema => ({
  ...s,
  'x-kubernetes-preserve-unknown-fields': true,
});
const objs = (...vals: unknown[]) => Object.fromEntries(vals.map((v, i) => [`val${i + 1}`, v]));
const schemas = (...vals: StructuralSchema[]) =>
  objectType(Object.fromEntries(vals.map((v, i) => [`val${i + 1}`, v])));
const valsEqual = (a: string, b: string, literal: string) =>
  `${a} == ${literal} && ${literal} == ${a} && ${a} == ${b}`;

/** The budget one rule at the root takes, and what it reported. */
function ruleCost(
  schema: StructuralSchema,
  obj: unknown,
  rule: string,
): { cost: number; violations: RuleViolation[] } {
  const budget = newCostBudget();
  const violations = evaluateValidationRules(
    obj,
    { ...schema, 'x-kubernetes-validations': [{ rule }] },
    undefined,
    budget,
  );
  return { cost: RUNTIME_CEL_COST_BUDGET - budget.remaining, violations };
}

const MAX_INT64 = 9223372036854775807n;
const MAX_FLOAT64 = 1.7976931348623157e308;
const MAX_FLOAT32 = 3.4028234663852886e38;

/**
 * Rules @bufbuild/cel decides otherwise than cel-go (their cost is kube's all
 * the same): split() with a limit drops the rest of the string, and `in` does
 * not see a map entry whose value is null.
 */
const EVALUATOR_DIFFERS = new Set([
  "self.val1.split(' ', 2) == ['Rook', 'takes 👑']",
  "'a' in self.m",
]);

// [TestCelCostStability case, schema, object, rule → cost]; every rule holds.
const stability: [string, StructuralSchema, unknown, Record<string, number>][] = [
  [
    'integers',
    schemas(integerType, integerType, int32Type, int32Type, int64Type, int64Type),
    objs(
      Number(MAX_INT64),
      Number(MAX_INT64),
      2147483647,
      2147483647,
      Number(MAX_INT64),
      Number(MAX_INT64),
    ),
    {
      'self.val1 == self.val6': 5,
      'type(self.val1) == int': 4,
      'self.val3 + 1 == 2147483647 + 1': 5,
      [valsEqual('self.val3', 'self.val4', '2147483647')]: 11,
    },
  ],
  [
    'numbers',
    schemas(numberType, numberType, floatType, floatType, doubleType, doubleType, doubleType),
    objs(MAX_FLOAT64, MAX_FLOAT64, MAX_FLOAT32, MAX_FLOAT32, MAX_FLOAT64, MAX_FLOAT64, 1),
    {
      'self.val1 == self.val6': 5,
      'type(self.val1) == double': 4,
      'type(self.val7) == double': 4,
      'self.val7 == 1.0': 3,
    },
  ],
  [
    'numeric comparisons',
    schemas(integerType, numberType, floatType, doubleType),
    objs(5, 10.5, 10.5, 10.5),
    {
      'double(self.val1) < self.val2': 6,
      'self.val1 < int(self.val2)': 6,
      'double(self.val1) < self.val3': 6,
      'self.val1 < int(self.val4)': 6,
      'double(5) < 10.0': 1,
      '5 < int(10.0)': 1,
      'double(self.val1) < 10.0': 4,
    },
  ],
  [
    'unicode strings',
    schemas(stringType, stringType),
    objs('Rook takes 👑', 'Rook takes 👑'),
    {
      [valsEqual('self.val1', 'self.val2', "'Rook takes 👑'")]: 14,
      "self.val1.startsWith('Rook')": 4,
      "!self.val1.startsWith('knight')": 5,
      "self.val1.matches('^[^0-9]*$')": 8,
      "!self.val1.matches('^[0-9]*$')": 7,
      'type(self.val1) == string': 4,
      'size(self.val1) == 12': 4,
      "self.val1.charAt(3) == 'k'": 4,
      "self.val1.indexOf('o') == 1": 4,
      "self.val1.indexOf('o', 2) == 2": 4,
      "self.val1.replace(' ', 'x') == 'Rookxtakesx👑'": 7,
      "self.val1.replace(' ', 'x', 1) == 'Rookxtakes 👑'": 7,
      "self.val1.split(' ') == ['Rook', 'takes', '👑']": 6,
      "self.val1.split(' ', 2) == ['Rook', 'takes 👑']": 6,
      "self.val1.substring(5) == 'takes 👑'": 5,
      "self.val1.substring(0, 4) == 'Rook'": 5,
      "self.val1.substring(4, 10).trim() == 'takes'": 6,
      "self.val1.upperAscii() == 'ROOK TAKES 👑'": 6,
      "self.val1.lowerAscii() == 'rook takes 👑'": 6,
    },
  ],
  [
    'escaped strings',
    schemas(stringType, stringType),
    objs('l1\nl2', 'l1\nl2'),
    {
      [valsEqual('self.val1', 'self.val2', "'l1\\nl2'")]: 11,
      "self.val1 == '''l1\nl2'''": 3,
    },
  ],
  [
    'bytes',
    schemas(byteType, byteType),
    objs('QUI=', 'QUI='),
    {
      'self.val1 == self.val2': 5,
      "self.val1 == b'AB'": 3,
      'type(self.val1) == bytes': 4,
      'size(self.val1) == 2': 4,
    },
  ],
  [
    'booleans',
    schemas(booleanType, booleanType, booleanType, booleanType),
    objs(true, true, false, false),
    {
      [valsEqual('self.val1', 'self.val2', 'true')]: 11,
      'self.val1 != self.val4': 5,
      'type(self.val1) == bool': 4,
    },
  ],
  [
    'duration format',
    schemas(durationFormat, durationFormat),
    objs('1h2m3s4ms', '1h2m3s4ms'),
    {
      [valsEqual('self.val1', 'self.val2', "duration('1h2m3s4ms')")]: 11,
      "self.val1 == duration('1h2m') + duration('3s4ms')": 4,
      'self.val1.getHours() == 1': 4,
    },
  ],
  [
    'date format',
    schemas(dateFormat, dateFormat),
    objs('1997-07-16', '1997-07-16'),
    {
      [valsEqual('self.val1', 'self.val2', "timestamp('1997-07-16T00:00:00.000Z')")]: 11,
      'self.val1.getDate() == 16': 4,
    },
  ],
  [
    'date-time format',
    schemas(dateTimeFormat, dateTimeFormat),
    objs('2011-08-18T19:03:37.010000000+01:00', '2011-08-18T19:03:37.010000000+01:00'),
    {
      [valsEqual('self.val1', 'self.val2', "timestamp('2011-08-18T19:03:37.010+01:00')")]: 11,
      "self.val1 == timestamp('2011-08-18T00:00:00.000+01:00') + duration('19h3m37s10ms')": 4,
      "self.val1.getDate('01:00') == 18": 4,
    },
  ],
  [
    'enums',
    objectType({ enumStr: { type: 'string', enum: ['Pending', 'Available', 'Bound'] } }),
    { enumStr: 'Pending' },
    { "self.enumStr == 'Pending'": 3, "self.enumStr in ['Pending', 'Available']": 2 },
  ],
  [
    'conversions',
    schemas(
      integerType,
      numberType,
      numberType,
      numberType,
      booleanType,
      stringType,
      byteType,
      stringType,
      durationFormat,
      stringType,
      dateTimeFormat,
      stringType,
      dateFormat,
    ),
    objs(
      10,
      10.0,
      10.49,
      10.5,
      true,
      '10',
      'MTA=',
      '3723.004s',
      '1h2m3s4ms',
      '2011-08-18T19:03:37.01+01:00',
      '2011-08-18T19:03:37.01+01:00',
      '2011-08-18T00:00:00Z',
      '2011-08-18',
    ),
    {
      'int(self.val2) == self.val1': 6,
      'double(self.val1) == self.val2': 6,
      'bytes(self.val6) == self.val7': 6,
      'string(self.val1) == self.val6': 6,
      "string(self.val4) == '10.5'": 4,
      'string(self.val7) == self.val6': 6,
      'duration(self.val8) == self.val9': 6,
      'timestamp(self.val10) == self.val11': 6,
      'timestamp(self.val12) == self.val13': 6,
      'string(self.val13) == self.val12': 7,
    },
  ],
  [
    'lists',
    schemas(listType(integerType), listType(integerType)),
    objs([1, 2, 3], [1, 2, 3]),
    {
      [valsEqual('self.val1', 'self.val2', '[1, 2, 3]')]: 11,
      '1 in self.val1': 5,
      'self.val2[0] in self.val1': 8,
      '!(0 in self.val1)': 6,
      'self.val1 + self.val2 == [1, 2, 3, 1, 2, 3]': 6,
      'self.val1 + [4, 5] == [1, 2, 3, 4, 5]': 4,
    },
  ],
  [
    'listSets',
    schemas(listType(stringType, 'set'), listType(stringType, 'set')),
    objs(['a', 'b', 'c'], ['a', 'b', 'c']),
    {
      "self.val1 == ['a', 'b', 'c']": 3,
      'self.val1 == self.val2': 5,
      "'a' in self.val1": 5,
      'self.val2[0] in self.val1': 8,
      "!('x' in self.val1)": 6,
      "self.val1 + ['c', 'd'] == ['a', 'b', 'c', 'c', 'd']": 4,
    },
  ],
  [
    'listMaps',
    objectType({
      objs: listType(listMapType(['k'], objectType({ k: stringType, v: stringType }))),
    }),
    {
      objs: [
        [
          { k: 'a', v: '1' },
          { k: 'b', v: '2' },
        ],
        [
          { k: 'a', v: '1' },
          { k: 'b', v: '2' },
        ],
        [
          { k: 'b', v: '3' },
          { k: 'a', v: '1' },
        ],
        [{ k: 'c', v: '4' }],
      ],
    },
    {
      'self.objs[0] == self.objs[1]': 7,
      'self.objs[0] == [self.objs[0][0], self.objs[0][1]]': 22,
      'size(self.objs[0] + [self.objs[3][0]]) == 3': 20,
    },
  ],
  [
    'maps',
    schemas(mapType(stringType), mapType(stringType)),
    objs({ k1: 'a', k2: 'b' }, { k2: 'b', k1: 'a' }),
    {
      'self.val1 == self.val2': 5,
      "'k1' in self.val1": 3,
      "!('k3' in self.val1)": 4,
      "self.val1 == {'k1': 'a', 'k2': 'b'}": 3,
    },
  ],
  [
    'object access',
    objectType({
      a: objectType({ b: integerType, c: integerType, d: nullable(integerType) }),
      a1: objectType({
        b1: objectType({ c1: integerType }),
        d2: objectType({ e2: integerType }),
      }),
    }),
    { a: { b: 1, d: null }, a1: { b1: { c1: 4 } }, a3: {} },
    {
      'has(self.a.b)': 2,
      'has(self.a1.b1.c1)': 3,
      '!(has(self.a1.d2) && has(self.a1.d2.e2))': 3,
      '!has(self.a1.d2)': 3,
    },
  ],
  [
    'map access',
    objectType({ val: mapType(integerType) }),
    { val: { b: 1, d: 2 } },
    {
      "!('a' in self.val)": 4,
      "'b' in self.val": 3,
      '!has(self.val.a)': 3,
      'has(self.val.b)': 2,
      'self.val.all(k, self.val[k] > 0)': 17,
      'self.val.exists_one(k, self.val[k] == 2)': 14,
      '!self.val.exists_one(k, self.val[k] > 0)': 17,
      'size(self.val) == 2': 4,
      'size(self.val.filter(k, self.val[k] > 1)) == 1': 26,
    },
  ],
  [
    'listMap access',
    objectType({
      listMap: listMapType(['k'], objectType({ k: stringType, v: stringType, v2: stringType })),
    }),
    {
      listMap: [
        { k: 'a1', v: 'b1' },
        { k: 'a2', v: 'b2' },
        { k: 'a3', v: 'b3', v2: 'z' },
      ],
    },
    {
      'has(self.listMap[0].v)': 3,
      "self.listMap.all(m, m.k.startsWith('a'))": 21,
      "self.listMap.all(m, !has(m.v2) || m.v2 == 'z')": 21,
      "self.listMap.exists(m, m.k.endsWith('1'))": 13,
      "self.listMap.exists_one(m, m.k == 'a3')": 15,
      "!self.listMap.all(m, m.k.endsWith('1'))": 18,
      "!self.listMap.exists(m, m.v == 'x')": 25,
      "!self.listMap.exists_one(m, m.k.startsWith('a'))": 20,
      "size(self.listMap.filter(m, m.k == 'a1')) == 1": 27,
      "self.listMap.exists(m, m.k == 'a1' && m.v == 'b1')": 16,
      "self.listMap.map(m, m.v).exists(v, v == 'b1')": 55,
      "self.listMap.exists(m, has(m.v2) && m.v2 == 'z')": 21,
      "!self.listMap.all(m, has(m.v2) && m.v2 != 'z')": 10,
      "self.listMap.exists_one(m, has(m.v2) && m.v2 == 'z')": 12,
      "self.listMap.filter(m, has(m.v2) && m.v2 == 'z').size() == 1": 24,
      "self.listMap.map(m, has(m.v2) && m.v2 == 'z', m.v2).size() == 1": 25,
      "self.listMap.filter(m, has(m.v2) && m.v2 == 'z').map(m, m.v2).size() == 1": 39,
      // all() and exists() keep going past an error while another element decides
      "self.listMap.exists(m, m.v2 == 'z')": 24,
      "!self.listMap.all(m, m.v2 != 'z')": 22,
    },
  ],
  [
    'list access',
    objectType({ array: listType(integerType) }),
    { array: [1, 1, 2, 2, 3, 3, 4, 5] },
    {
      '2 in self.array': 10,
      'self.array.all(e, e > 0)': 43,
      'self.array.exists(e, e > 2)': 36,
      'self.array.exists_one(e, e > 4)': 22,
      '!self.array.all(e, e < 2)': 21,
      '!self.array.exists(e, e < 0)': 52,
      '!self.array.exists_one(e, e == 2)': 25,
      'self.array.all(e, e < 100)': 43,
      'size(self.array.filter(e, e%2 == 0)) == 3': 68,
      'self.array.map(e, e * 20).filter(e, e > 50).exists(e, e == 60)': 194,
      'size(self.array) == 8': 4,
    },
  ],
  [
    'listSet access',
    objectType({ set: listType(integerType) }),
    { set: [1, 2, 3, 4, 5] },
    {
      '3 in self.set': 7,
      'self.set.all(e, e > 0)': 28,
      'self.set.exists(e, e > 3)': 30,
      'self.set.exists_one(e, e == 3)': 16,
      '!self.set.all(e, e < 3)': 21,
      '!self.set.exists(e, e < 0)': 34,
      '!self.set.exists_one(e, e > 3)': 19,
      'self.set.all(e, e < 10)': 28,
      'size(self.set.filter(e, e%2 == 0)) == 2': 46,
      'self.set.map(e, e * 20).filter(e, e > 50).exists_one(e, e == 60)': 133,
      'size(self.set) == 5': 4,
    },
  ],
  [
    'typemeta and objectmeta access not specified',
    objectType({ spec: objectType({ field1: stringType }) }),
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'foo', generateName: 'pickItForMe', namespace: 'xyz' },
      spec: { field1: 'a' },
    },
    {
      "self.kind == 'Pod'": 3,
      "self.apiVersion == 'v1'": 3,
      "self.metadata.name == 'foo'": 4,
      "self.metadata.generateName == 'pickItForMe'": 5,
      "self.spec.field1 == 'a'": 4,
    },
  ],
  [
    'embedded object',
    objectType({ embedded: { type: 'object', 'x-kubernetes-embedded-resource': true } }),
    {
      embedded: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'foo', generateName: 'pickItForMe', namespace: 'xyz' },
      },
    },
    {
      "self.embedded.kind == 'Pod'": 4,
      "self.embedded.apiVersion == 'v1'": 4,
      "self.embedded.metadata.name == 'foo'": 5,
      "self.embedded.metadata.generateName == 'pickItForMe'": 6,
    },
  ],
  [
    'string in intOrString',
    objectType({ something: intOrString }),
    { something: '25%' },
    {
      "type(self.something) == int ? self.something == 1 : self.something == '25%'": 7,
      "type(self.something) == string && self.something == '25%'": 7,
      "self.something == '25%'": 3,
      'self.something != 1': 3,
      "self.something == 1 || self.something == '25%'": 6,
      "self.something == '25%' || self.something == 1": 3,
      "self.something != ['anything']": 3,
    },
  ],
  [
    'int in intOrString',
    objectType({ something: intOrString }),
    { something: 1 },
    {
      "type(self.something) == int ? self.something == 1 : self.something == '25%'": 7,
      'type(self.something) == int && self.something == 1': 7,
      'self.something == 1': 3,
      "self.something != 'some string'": 3,
      "self.something == 1 || self.something == '25%'": 3,
      "self.something == '25%' || self.something == 1": 6,
    },
  ],
  [
    'percent comparison using intOrString',
    objectType({ min: intOrString, current: integerType, available: integerType }),
    { min: '50%', current: 5, available: 10 },
    {
      [String.raw`type(self.min) == string && self.min.matches(r'(\d+(\.\d+)?%)')`]: 10,
      "type(self.min) == int ? self.current <= self.min : double(self.current) / double(self.available) >= double(self.min.replace('%', '')) / 100.0": 17,
    },
  ],
  [
    'preserve unknown fields',
    objectType({
      withUnknown: preserving({ type: 'object' }),
      withUnknownList: listType(preserving({ type: 'object' })),
    }),
    {
      withUnknown: { field1: 'a', field2: 'b' },
      withUnknownList: [
        { field1: 'a', field2: 'b' },
        { field1: 'x', field2: 'y' },
        { field1: 'x', field2: 'y' },
        {},
        {},
      ],
    },
    {
      'has(self.withUnknown)': 1,
      'self.withUnknownList.size() == 5': 4,
      'self.withUnknownList[0] != self.withUnknownList[1]': 7,
      'self.withUnknownList[1] == self.withUnknownList[2]': 7,
      'self.withUnknownList[3] == self.withUnknownList[4]': 6,
    },
  ],
  [
    'field nullability',
    objectType({
      unsetPlainStr: stringType,
      unsetDefaultedStr: { ...stringType, default: 'default value' },
      setPlainStr: stringType,
      setNullableStr: nullable(stringType),
      setToNullNullableStr: nullable(stringType),
    }),
    {
      setPlainStr: 'v1',
      setNullableStr: 'v3',
      setToNullNullableStr: null,
      unsetDefaultedStr: 'default value',
    },
    {
      '!has(self.unsetPlainStr)': 2,
      "has(self.unsetDefaultedStr) && self.unsetDefaultedStr == 'default value'": 5,
      "has(self.setPlainStr) && self.setPlainStr == 'v1'": 4,
      "has(self.setNullableStr) && self.setNullableStr == 'v3'": 4,
      'type(self.setNullableStr) != null_type': 4,
      '!has(self.setToNullNullableStr)': 2,
    },
  ],
  [
    'null values in container types',
    objectType({ m: mapType(nullable(stringType)) }),
    { m: { a: null, b: 'not-nil' } },
    {
      'self.m.size() == 2': 4,
      "'a' in self.m": 3,
      "type(self.m['a']) == null_type": 5,
    },
  ],
  [
    'object types are not accessible',
    objectType({ nestedInMap: mapType(objectType({ inMapField: integerType })) }),
    { nestedInMap: { k1: { inMapField: 1 }, k2: { inMapField: 2 } } },
    {
      'type(self) == type(self)': 5,
      "type(self.nestedInMap['k1']) == type(self.nestedInMap['k2'])": 9,
    },
  ],
  [
    'container type composition',
    objectType({
      obj: objectType({ field: stringType }),
      mapOfMap: mapType(mapType(stringType)),
      mapOfObj: mapType(objectType({ field2: stringType })),
      mapOfListMap: mapType(listMapType(['k'], objectType({ k: stringType, v: stringType }))),
      mapOfList: mapType(listType(stringType)),
      listMapOfObj: listMapType(['k2'], objectType({ k2: stringType, v2: stringType })),
      listOfMap: listType(mapType(stringType)),
      listOfObj: listType(objectType({ field3: stringType })),
    }),
    {
      obj: { field: 'a' },
      mapOfMap: { x: { y: 'b' } },
      mapOfObj: { k: { field2: 'c' } },
      mapOfListMap: { o: [{ k: '1', v: 'd' }] },
      mapOfList: { l: ['e'] },
      listMapOfObj: [{ k2: '2', v2: 'f' }],
      listOfMap: [{ z: 'g' }],
      listOfObj: [{ field3: 'h' }],
    },
    {
      "self.obj.field == 'a'": 4,
      "self.mapOfMap['x']['y'] == 'b'": 5,
      "self.mapOfObj['k'].field2 == 'c'": 5,
      "self.mapOfListMap['o'].exists(e, e.k == '1' && e.v == 'd')": 14,
      "self.mapOfList['l'][0] == 'e'": 5,
      "self.listMapOfObj.exists(e, e.k2 == '2' && e.v2 == 'f')": 13,
      "self.listOfMap[0]['z'] == 'g'": 5,
      "self.listOfObj[0].field3 == 'h'": 5,
    },
  ],
];

describe("kube's per-rule runtime cost (celcoststability_test.go, TestCelCostStability)", () => {
  for (const [name, schema, obj, rules] of stability) {
    describe(name, () => {
      for (const [rule, want] of Object.entries(rules)) {
        it(`${rule} costs ${want}`, () => {
          const { cost, violations } = ruleCost(schema, obj, rule);
          if (!EVALUATOR_DIFFERS.has(rule)) {
            assert.deepEqual(
              violations.map((v) => v.detail),
              [],
            );
          }
          assert.equal(cost, want);
        });
      }
    });
  }
});

// ---------------------------------------------------------------------------

describe('runtime cost of long inputs, nested loops and the Kubernetes libraries', () => {
  const ints = (n: number) => Array.from({ length: n }, (_, i) => BigInt(i));
  const long = 'a'.repeat(100_000);
  // [what, expression, variables, cost, how the cost comes about]
  const cases: [string, string, Record<string, CelInput>, number][] = [
    // range 1, per element: condition 2 (@result, @not_strictly_false), step 3 (@result, x, >), result 1
    ['all() over 10,000 items', 'self.all(x, x >= 0)', { self: ints(10_000) }, 1 + 5 * 10_000 + 1],
    // per element: condition 3 (@result, !, @not_strictly_false), step 3; the last one matches
    ['exists() that matches last', 'self.exists(x, x == 9999)', { self: ints(10_000) }, 60_002],
    // the inner all() costs 1 + 100 × 7 + 1 = 702 per outer element: 1 + 100 × (2 + 1 + 702) + 1
    [
      'nested all() over 100 × 100',
      'self.all(x, self.all(y, x + y >= 0))',
      { self: ints(100) },
      70_502,
    ],
    // self.exists_one(y, y == x): range 1, per element 3 (y, x, ==; the false branch `@result` is
    // only resolved), 2 more (@result + 1) where it matches, result 2 (@result == 1): 305
    [
      'uniqueness (all of exists_one) over 100 names',
      'self.all(x, self.exists_one(y, y == x))',
      { self: ints(100) },
      1 + 100 * (2 + 1 + (1 + 100 * 3 + 2 + 2)) + 1,
    ],
    // matches: ceil(0.1 × (100000 + 1)) × ceil(0.25 × 4), plus self
    ['matches() on 100,000 characters', "self.matches('^a+$')", { self: long }, 10_002],
    ['contains() on 100,000 characters', "self.contains('b')", { self: long }, 10_001],
    ['startsWith() by the receiver', "self.startsWith('a')", { self: long }, 10_001],
    // library.CallCost: lowerAscii ceil(0.1 n), then == ceil(0.1 min)
    ['lowerAscii()', 'self.lowerAscii() == self', { self: long }, 1 + 10_000 + 1 + 10_000],
    // split and replace ceil(0.2 n)
    ['split()', "self.split('a').size() > 0", { self: long }, 1 + 20_000 + 1 + 1],
    ['replace()', "self.replace('a', 'b') != self", { self: long }, 1 + 20_000 + 1 + 10_000],
    // find/findAll: ceil(0.1 (n + 1)) × ceil(0.25 r); `!= ''` costs ceil(0.1 × min(n, 0)) = 0
    ['find()', "self.find('a+') != ''", { self: long }, 1 + 10_001 + 0],
    ['findAll()', "self.findAll('a').size() > 0", { self: long }, 1 + 10_001 + 1 + 1],
    // indexOf: one traversal, strings by UTF-8 bytes (truncated)
    ['indexOf() on a string', "self.indexOf('b') < 0", { self: long }, 1 + 10_000 + 1],
    // sizes count code points (1000), traversals bytes (2000)
    [
      'lowerAscii() on non-ASCII',
      'self.lowerAscii().size() > 0',
      { self: 'é'.repeat(1000) },
      1 + 100 + 1 + 1,
    ],
    ['indexOf() on non-ASCII', "self.indexOf('a') < 0", { self: 'é'.repeat(1000) }, 1 + 200 + 1],
    // join: ceil(0.2 × size of the result (2999))
    ['join()', "self.join(',') != ''", { self: Array(1000).fill('ab') }, 1 + 600 + 0],
    // isSorted/sum/max: one traversal, 1 per int
    ['isSorted()', 'self.isSorted()', { self: ints(1000) }, 1 + 1000],
    ['sum()', 'self.sum() > 0', { self: ints(1000) }, 1 + 1000 + 1],
    // strings in a list traverse by bytes: 1000 × floor(0.1 × 25)
    ['max() of strings', "self.max() != ''", { self: Array(1000).fill(letters(25)) }, 1 + 2000 + 0],
    // sets (cel-go ext.Sets trackers): 1 + m × n, equivalent 1 + 2 m n
    [
      'sets.contains()',
      'sets.contains(self, oldSelf)',
      { self: ints(100), oldSelf: ints(50) },
      2 + 5001,
    ],
    [
      'sets.equivalent()',
      'sets.equivalent(self, oldSelf)',
      { self: ints(100), oldSelf: ints(50) },
      2 + 10_001,
    ],
    [
      'sets.intersects()',
      'sets.intersects(self, oldSelf)',
      { self: ints(10), oldSelf: ints(10) },
      2 + 101,
    ],
    // `in` a list: its length; a map: 1
    ['in a list', '9999 in self', { self: ints(10_000) }, 1 + 10_000],
    ['in a map', "'k' in self", { self: map({ k: 1n }) }, 1 + 1],
    // quantity(): ceil(0.1 n); the comparison 1
    ['quantity()', "quantity(self).isLessThan(quantity('1Gi'))", { self: '100Mi' }, 1 + 1 + 1 + 1],
    // url(): ceil(0.1 × 24), getHost() 1, == ceil(0.1 × 11)
    [
      'url()',
      "url(self).getHost() == 'example.com'",
      { self: 'https://example.com/path' },
      1 + 3 + 1 + 2,
    ],
    // a list literal 10 (+ its elements), a map literal 30; `?:` branches that are attributes are resolved
    ['list literal', '[self, self].size() == 2', { self: 1n }, 2 + 10 + 1 + 1],
    ['map literal', "{'a': self}.size() == 1", { self: 1n }, 1 + 30 + 1 + 1],
    ['ternary branch attribute', 'self > 0 ? oldSelf : self', { self: 1n, oldSelf: 2n }, 2],
  ];
  for (const [what, expr, vars, want] of cases) {
    it(`${what}: ${expr} costs ${want}`, () => {
      const run = actualCost(expr, vars);
      assert.notEqual(typeof run.value, 'object', 'an error or a container, not a plain result');
      assert.equal(run.cost, want);
    });
  }
});

// ---------------------------------------------------------------------------

const EXCEEDED = (rule: string) =>
  `'operation cancelled: actual cost limit exceeded': no further validation rules will be run due to call cost exceeds limit for rule: ${rule}`;
const OUT_OF_BUDGET =
  'validation failed due to running out of cost budget, no further validation rules will be run';

const zeros = (n: number) => Array<number>(n).fill(0);

describe('the per-call limit (celconfig.PerCallLimit)', () => {
  // per element: condition 2, step @result 1 + x 1 + self 1 + `in` n: n + 5
  const rule = 'self.all(x, x in self)';
  const schema = (n: number): StructuralSchema => ({
    type: 'array',
    items: integerType,
    maxItems: n,
    'x-kubernetes-validations': [{ rule }, { rule: 'false', message: 'never reached' }],
  });

  it('stops an evaluation once its cost exceeds 1,000,000', () => {
    assert.equal(PER_CALL_LIMIT, 1_000_000);
    const run = actualCost(rule, { self: zeros(1000).map(BigInt) }, { limit: PER_CALL_LIMIT });
    assert.equal(run.exceeded, true);
    assert.ok(run.cost > PER_CALL_LIMIT && run.cost <= PER_CALL_LIMIT + 1000, String(run.cost));
    assert.equal(actualCost(rule, { self: zeros(1000).map(BigInt) }).cost, 2 + 1000 * 1005);
  });

  it("fails the rule with kube's message, and no further rule runs", () => {
    const violations = evaluateValidationRules(
      { spec: { l: zeros(1000) } },
      objectType({ spec: objectType({ l: schema(1000) }) }),
    );
    assert.deepEqual(
      violations.map((v) => [v.path, v.type, v.value, v.detail]),
      [['spec.l', 'FieldValueInvalid', 'array', EXCEEDED(rule)]],
    );
  });

  it('lets an evaluation within the limit decide', () => {
    // 2 + 990 × 995 = 985,052
    const budget = newCostBudget();
    const violations = evaluateValidationRules(
      { l: zeros(990) },
      objectType({ l: schema(990) }),
      undefined,
      budget,
    );
    assert.deepEqual(
      violations.map((v) => v.detail),
      ['never reached'],
    );
    assert.equal(RUNTIME_CEL_COST_BUDGET - budget.remaining, 2 + 990 * 995 + 0);
  });

  it('applies to a messageExpression, which then ends rule evaluation', () => {
    const expr = "self.all(x, x in self) ? 'a' : 'b'";
    const violations = evaluateValidationRules(
      { l: zeros(1000), n: 'x' },
      objectType({
        l: {
          ...listType(integerType),
          'x-kubernetes-validations': [{ rule: 'false', messageExpression: expr }],
        },
        n: { ...stringType, 'x-kubernetes-validations': [{ rule: 'false' }] },
      }),
    );
    assert.deepEqual(
      violations.map((v) => [v.path, v.detail]),
      [
        [
          'l',
          `no further validation rules will be run due to call cost exceeds limit for messageExpression: "self.all(x, x in self) ? 'a' : 'b'"`,
        ],
      ],
    );
  });
});

describe('the per-object budget (celconfig.RuntimeCELCostBudget)', () => {
  // each rule: 2 + 900 × (2 + 1 + 1 + 2 + 900) + 1 = 815,403; twelve fit in 10,000,000, the thirteenth does not
  const rules = Array.from({ length: 13 }, (_, i) => ({
    rule: `self.l.all(x, x in self.l) || self.n == ${i}`,
  }));
  const schema = objectType({
    spec: {
      ...objectType({
        l: listType(integerType),
        n: integerType,
        child: { ...stringType, 'x-kubernetes-validations': [{ rule: 'false', message: 'child' }] },
      }),
      'x-kubernetes-validations': rules,
    },
  });

  it('is 10,000,000, shared by all rules of the object', () => {
    assert.equal(RUNTIME_CEL_COST_BUDGET, 10_000_000);
    const budget = newCostBudget();
    evaluateValidationRules({ spec: { l: zeros(100), n: -1 } }, schema, undefined, budget);
    // 13 rules of 2 + 100 × 106 + 1 (the `||` never reached), and the child's `false`
    assert.equal(RUNTIME_CEL_COST_BUDGET - budget.remaining, 13 * (2 + 100 * 106 + 1));
  });

  it('stops all rule evaluation once an evaluation costs more than what remains', () => {
    const budget = newCostBudget();
    const violations = evaluateValidationRules(
      { spec: { l: zeros(900), n: -1, child: 'x' } },
      schema,
      undefined,
      budget,
    );
    assert.deepEqual(
      violations.map((v) => [v.path, v.type, v.value, v.detail]),
      [['spec', 'FieldValueInvalid', 'object', OUT_OF_BUDGET]],
    );
    assert.ok(budget.remaining < 0);
  });

  it('lets a cheaper object through, rules of its children included', () => {
    const violations = evaluateValidationRules(
      { spec: { l: zeros(100), n: -1, child: 'x' } },
      schema,
    );
    assert.deepEqual(
      violations.map((v) => [v.path, v.detail]),
      [['spec.child', 'child']],
    );
  });

  it('reports a node reached with nothing left, and evaluates nothing under a spent budget', () => {
    const s = { ...stringType, 'x-kubernetes-validations': [{ rule: 'true' }] };
    assert.deepEqual(
      evaluateRulesAt('spec.x', 'v', s, { remaining: 0 }).map((v) => [v.path, v.detail]),
      [['spec.x', OUT_OF_BUDGET]],
    );
    assert.deepEqual(evaluateRulesAt('spec.x', 'v', s, { remaining: -1 }), []);
    // `self == 'v'`: 1 + ceil(0.1 × 1): it fits in 2, not in 1
    const eq = { ...stringType, 'x-kubernetes-validations': [{ rule: "self == 'v'" }] };
    assert.deepEqual(evaluateRulesAt('x', 'v', eq, { remaining: 2 }), []);
    assert.deepEqual(
      evaluateRulesAt('x', 'v', eq, { remaining: 1 }).map((v) => v.detail),
      [OUT_OF_BUDGET],
    );
  });

  it('charges messageExpressions to the budget too', () => {
    const s = {
      ...stringType,
      'x-kubernetes-validations': [{ rule: 'false', messageExpression: "self + '!'" }],
    };
    // rule 0; messageExpression self 1 + ceil(0.1 × 2) 1
    const budget = { remaining: 3 };
    assert.deepEqual(
      evaluateRulesAt('x', 'v', s, budget).map((v) => v.detail),
      ['v!'],
    );
    assert.equal(budget.remaining, 1);
    assert.deepEqual(
      evaluateRulesAt('x', 'v', s, { remaining: 1 }).map((v) => v.detail),
      [
        'messageExpression evaluation failed due to running out of cost budget, no further validation rules will be run',
      ],
    );
  });

  it('can be shared by the defaults of one schema, as kube validates them', () => {
    const expensive = {
      ...listType(integerType),
      'x-kubernetes-validations': [{ rule: 'self.all(x, x in self)' }],
    };
    const results = withSharedCostBudget(() =>
      Array.from({ length: 14 }, (_, i) =>
        evaluateRulesAt(`default${i}`, zeros(900), expensive).map((v) => v.detail),
      ),
    );
    // 2 + 900 × 905 = 814,502 each: twelve fit, the thirteenth runs out, the fourteenth is not run
    assert.deepEqual(results.slice(0, 12).flat(), []);
    assert.deepEqual(results[12], [OUT_OF_BUDGET]);
    assert.deepEqual(results[13], []);
    // outside, every call has its own budget
    assert.deepEqual(evaluateRulesAt('d', zeros(900), expensive), []);
  });
});
