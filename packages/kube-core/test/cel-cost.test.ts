// The static cost estimate of a rule (src/cel/cost.ts) against
// apiextensions-apiserver's own expectations: TestCostEstimation in
// staging/src/k8s.io/apiextensions-apiserver/pkg/apiserver/schema/cel/
// compilation_test.go, each case once without bounds (sizes estimated from
// the 3 MiB request limit) and once with maxItems/maxProperties/maxLength set.
// (Its `has()` cases expect 0, which its checker reads as "not checked".)
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileRule, declType } from '../src/cel/check.ts';
import { costErrorMessage, estimateCost } from '../src/cel/cost.ts';
import type { StructuralSchema } from '../src/structural.ts';

type Generator = (max?: number) => StructuralSchema;

function item(type: string): StructuralSchema {
  if (type === 'int-or-string') return { 'x-kubernetes-int-or-string': true };
  if (['duration', 'date', 'date-time'].includes(type)) return { type: 'string', format: type };
  return { type: type as StructuralSchema['type'] };
}

const requiredObject = (): StructuralSchema => ({
  type: 'object',
  properties: { required: { type: 'string' }, optional: { type: 'string' } },
  required: ['required'],
});

const withRule = (s: StructuralSchema, rule: string): StructuralSchema => ({
  ...s,
  'x-kubernetes-validations': [{ rule }],
});

const array =
  (type: string, rule: string): Generator =>
  (max) =>
    withRule({ type: 'array', items: item(type), maxItems: max }, rule);
const arrayOfArrays =
  (type: string, rule: string): Generator =>
  (max) =>
    withRule({ type: 'array', items: { type: 'array', items: item(type) }, maxItems: max }, rule);
const objectArray =
  (rule: string): Generator =>
  (max) =>
    withRule({ type: 'array', items: requiredObject(), maxItems: max }, rule);
const mapArray =
  (type: string, rule: string): Generator =>
  (max) =>
    withRule(
      {
        type: 'array',
        items: { type: 'object', additionalProperties: item(type) },
        maxItems: max,
      },
      rule,
    );
const map =
  (type: string, rule: string): Generator =>
  (max) =>
    withRule({ type: 'object', additionalProperties: item(type), maxProperties: max }, rule);
const mapOf =
  (value: StructuralSchema, rule: string): Generator =>
  (max) =>
    withRule({ type: 'object', additionalProperties: value, maxProperties: max }, rule);
const string =
  (rule: string): Generator =>
  (max) =>
    withRule({ type: 'string', maxLength: max }, rule);
const bytes =
  (rule: string): Generator =>
  (max) =>
    withRule({ type: 'string', format: 'byte', maxLength: max }, rule);
const nested =
  (rule: string): Generator =>
  (max) =>
    withRule(
      {
        type: 'object',
        additionalProperties: { type: 'string', maxLength: max },
        maxProperties: max,
      },
      rule,
    );
const allMaxNested =
  (rule: string): Generator =>
  (max) =>
    withRule(
      {
        type: 'array',
        maxItems: max,
        items: {
          type: 'object',
          maxProperties: max,
          additionalProperties: { ...requiredObject(), maxProperties: max },
        },
      },
      rule,
    );
const oneMaxNested =
  (rule: string): Generator =>
  (max) =>
    withRule(
      {
        type: 'array',
        items: { type: 'object', maxProperties: max, additionalProperties: requiredObject() },
      },
      rule,
    );

function cost(schema: StructuralSchema): number {
  const self = declType(schema);
  const rule = schema['x-kubernetes-validations']![0]!.rule;
  const compiled = compileRule(rule, self);
  assert.equal(compiled.error, undefined, rule);
  return estimateCost(compiled.checked!, self);
}

const LIMIT = 10_000_000;

// [name, generator, cost without bounds (or 'exceeds'), bound, cost with the bound]
const CASES: [string, Generator, number | 'exceeds', number, number][] = [
  ['number array with all', array('number', 'self.all(x, true)'), 4718591, 10, 32],
  ['string array with all', array('string', 'self.all(x, true)'), 3145727, 20, 62],
  ['boolean array with all', array('boolean', 'self.all(x, true)'), 1887437, 5, 17],
  [
    'array of number arrays with all',
    arrayOfArrays('number', 'self.all(x, true)'),
    3145727,
    100,
    302,
  ],
  ['array of objects with all', objectArray('self.all(x, true)'), 555128, 50, 152],
  ['map of numbers with all', map('number', 'self.all(x, true)'), 1348169, 10, 32],
  ['map of strings with all', map('string', 'self.all(x, true)'), 1179647, 3, 11],
  ['map of booleans with all', map('boolean', 'self.all(x, true)'), 943718, 100, 302],
  ['string with contains', string("self.contains('test')"), 314574, 10, 5],
  ['string with startsWith', string("self.startsWith('test')"), 2, 15, 2],
  ['string with endsWith', string("self.endsWith('test')"), 2, 30, 2],
  ['concat string', string('size(self + "hello") > size("hello")'), 314578, 4, 7],
  ['index of array with numbers', array('number', 'self[1] == 0.0'), 2, 5000, 2],
  ['index of array with strings', array('string', 'self[1] == self[1]'), 314577, 8, 314577],
  [
    'O(n^2) loop with numbers',
    array('number', 'self.all(x, self.all(y, true))'),
    'exceeds',
    10,
    352,
  ],
  [
    'O(n^3) loop with numbers',
    array('number', 'self.all(x, self.all(y, self.all(z, true)))'),
    'exceeds',
    10,
    3552,
  ],
  ['regex matches simple', string('self.matches("x")'), 314574, 50, 22],
  ['regex matches empty string', string('"".matches("(((((((((())))))))))[0-9]")'), 7, 10, 7],
  ['regex matches empty regex', string('self.matches("")'), 1, 100, 1],
  ['map of strings with value length', nested('self.all(x, x.contains(self[x]))'), 2752507, 10, 72],
  ['set array maxLength to zero', array('number', 'self[3] == 0.0'), 2, 0, 2],
  ['set map maxLength to zero', map('number', 'self["x"] == 0.0'), 2, 0, 2],
  ['set string maxLength to zero', string('self == "x"'), 2, 0, 1],
  ['set bytes maxLength to zero', bytes('self == b"x"'), 2, 0, 1],
  [
    'set maxLength greater than estimated maxLength',
    array('number', 'self.all(x, x == 0.0)'),
    6291454,
    3 * 1024 * 2048,
    25165826,
  ],
  [
    'nested types with root rule with all supporting maxLength',
    allMaxNested('self.all(x, x["y"].required == "z")'),
    7340027,
    10,
    72,
  ],
  [
    'nested types with root rule with one supporting maxLength',
    oneMaxNested('self.all(x, x["y"].required == "z")'),
    7340027,
    10,
    7340027,
  ],
  ['int-or-string array with all', array('int-or-string', 'self.all(x, true)'), 4718591, 10, 32],
  ['index of array with int-or-strings', array('int-or-string', 'self[0] == 5'), 3, 10, 3],
  ['index of array with booleans', array('boolean', 'self[0] == false'), 2, 25, 2],
  ['index of array of objects', objectArray('self[0] == null'), 2, 422, 2],
  ['index of array of array of numbers', arrayOfArrays('number', 'self[0][0] == -1.0'), 3, 51, 3],
  [
    'array of number maps with all',
    mapArray('number', 'self.all(x, x.y == 25.2)'),
    6291452,
    12,
    74,
  ],
  ['index of array of number maps', mapArray('number', 'self[0].x > 2.0'), 4, 3000, 4],
  ['duration array with all', array('duration', 'self.all(x, true)'), 2359295, 5, 17],
  ['index of duration array', array('duration', 'self[0].getHours() == 2'), 4, 525, 4],
  ['date array with all', array('date', 'self.all(x, true)'), 725936, 15, 47],
  ['index of date array', array('date', 'self[2].getDayOfMonth() == 13'), 4, 42, 4],
  ['date-time array with all', array('date-time', 'self.all(x, true)'), 428963, 25, 77],
  ['index of date-time array', array('date-time', 'self[2].getMinutes() == 45'), 4, 99, 4],
  ['map of int-or-strings with all', map('int-or-string', 'self.all(x, true)'), 1348169, 15, 47],
  ['map of objects with all', mapOf(requiredObject(), 'self.all(x, true)'), 428963, 20, 62],
  [
    'map of number maps with all',
    mapOf({ type: 'object', additionalProperties: { type: 'number' } }, 'self.all(x, true)'),
    1179647,
    10,
    32,
  ],
  [
    'map of number arrays with all',
    mapOf({ type: 'array', items: { type: 'number' } }, 'self.all(x, true)'),
    1179647,
    25,
    77,
  ],
  ['map of durations with all', map('duration', 'self.all(x, true)'), 1048577, 5, 17],
];

describe('the estimated cost of a rule (apiextensions TestCostEstimation)', () => {
  for (const [name, generate, unbounded, bound, bounded] of CASES) {
    it(name, () => {
      if (unbounded === 'exceeds') assert.ok(cost(generate()) > LIMIT, 'exceeds the limit');
      else assert.equal(cost(generate()), unbounded, 'without bounds');
      assert.equal(cost(generate(bound)), bounded, `with bound ${bound}`);
    });
  }
});

describe('the budget message (getCostErrorMessage)', () => {
  it('words the factor as kube does', () => {
    const tail =
      ' (try simplifying the rule, or adding maxItems, maxProperties, and maxLength where arrays, maps, and strings are declared)';
    assert.equal(
      costErrorMessage('estimated rule cost', 12_000_000, LIMIT),
      `estimated rule cost exceeds budget by factor of 1.200000x${tail}`,
    );
    assert.equal(
      costErrorMessage('estimated rule cost', 51_600_000, LIMIT),
      `estimated rule cost exceeds budget by factor of 5.2x${tail}`,
    );
    assert.equal(
      costErrorMessage('estimated rule cost', 2e12, LIMIT),
      `estimated rule cost exceeds budget by factor of more than 100x${tail}`,
    );
  });
});
