// The one CEL environment of x-kubernetes-validations (src/cel/*), held
// to kube-apiserver 1.32. The cases are apiextensions-apiserver's
// (staging/src/k8s.io/apiextensions-apiserver/pkg/apiserver/schema/cel/
// validation_test.go, TestValidationExpressions: "stdlib list functions",
// "stdlib regex functions", "URL parsing", "quantity") and the library
// docs in k8s.io/apiserver/pkg/cel/library/*.go.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateValidationRules } from '../src/cel.ts';
import { compileRule, declType } from '../src/cel/check.ts';
import { compileRegexp, findAllRegexp } from '../src/re2.ts';
import type { StructuralSchema } from '../src/structural.ts';

const list = (items: StructuralSchema): StructuralSchema => ({ type: 'array', items });

const PROPERTIES: Record<string, StructuralSchema> = {
  ints: list({ type: 'integer' }),
  unsortedInts: list({ type: 'integer' }),
  emptyInts: list({ type: 'integer' }),
  doubles: list({ type: 'number' }),
  emptyDoubles: list({ type: 'number' }),
  durations: list({ type: 'string', format: 'duration' }),
  unsortedDurations: list({ type: 'string', format: 'duration' }),
  strings: list({ type: 'string' }),
  emptyStrings: list({ type: 'string' }),
  dates: list({ type: 'string', format: 'date' }),
  unsortedDates: list({ type: 'string', format: 'date' }),
  objs: list({ type: 'object', properties: { f1: { type: 'string' }, f2: { type: 'string' } } }),
  str: { type: 'string' },
  url: { type: 'string' },
  val1: { type: 'string' },
  val2: { type: 'string' },
};

const OBJECT = {
  ints: [1, 2, 2, 3],
  unsortedInts: [2, 1],
  emptyInts: [],
  doubles: [1, 2, 2, 3],
  emptyDoubles: [],
  durations: ['1s', '1m', '1m', '1h'],
  unsortedDurations: ['1m', '1s'],
  strings: ['a', 'b', 'b', 'c'],
  emptyStrings: [],
  dates: ['2000-01-01', '2000-02-01', '2000-02-01', '2010-01-01'],
  unsortedDates: ['2000-02-01', '2000-01-01'],
  objs: [
    { f1: 'a', f2: 'a' },
    { f1: 'a', f2: 'b' },
    { f1: 'a', f2: 'b' },
    { f1: 'a', f2: 'c' },
  ],
  str: 'this is a 123 string 456',
  url: 'https://user:pass@kubernetes.io:80/docs/home?k1=a&k2=b&k2=c#anchor',
  val1: '20',
  val2: '200M',
};

function details(rule: string): string[] {
  const schema: StructuralSchema = {
    type: 'object',
    properties: PROPERTIES,
    'x-kubernetes-validations': [{ rule }],
  };
  return evaluateValidationRules(
    { spec: OBJECT },
    {
      type: 'object',
      properties: { spec: schema },
    },
  ).map((v) => v.detail);
}

describe('the Kubernetes CEL libraries evaluate as in kube-apiserver 1.32', () => {
  const valid: Record<string, string[]> = {
    'lists (library.Lists)': [
      'self.ints.sum() == 8',
      'self.ints.min() == 1',
      'self.ints.max() == 3',
      'self.emptyInts.sum() == 0',
      'self.ints.isSorted()',
      'self.emptyInts.isSorted()',
      'self.unsortedInts.isSorted() == false',
      'self.ints.indexOf(2) == 1',
      'self.ints.lastIndexOf(2) == 2',
      'self.ints.indexOf(10) == -1',
      'self.doubles.sum() == 8.0',
      'self.doubles.min() == 1.0',
      'self.emptyDoubles.sum() == 0.0',
      'self.doubles.indexOf(2.0) == 1',
      "self.durations.sum() == duration('1h2m1s')",
      "self.durations.min() == duration('1s')",
      "self.durations.max() == duration('1h')",
      'self.durations.isSorted()',
      'self.unsortedDurations.isSorted() == false',
      "self.durations.indexOf(duration('1m')) == 1",
      "self.strings.min() == 'a'",
      "self.strings.max() == 'c'",
      'self.strings.isSorted()',
      "self.strings.lastIndexOf('b') == 2",
      "self.dates.min() == timestamp('2000-01-01T00:00:00.000Z')",
      "self.dates.max() == timestamp('2010-01-01T00:00:00.000Z')",
      'self.dates.isSorted()',
      'self.unsortedDates.isSorted() == false',
      "self.dates.indexOf(timestamp('2000-02-01T00:00:00.000Z')) == 1",
      '[[1], [2]].indexOf([1]) == 0',
      "[{'a': 1}, {'b': 2}].lastIndexOf({'b': 2}) == 1",
      'self.objs.indexOf(self.objs[1]) == 1',
      'self.objs.lastIndexOf(self.objs[1]) == 2',
      '([0] + self.emptyInts).min() == 0',
      'dyn([]).sum() == 0',
      'dyn([1, 2]).sum() == 3',
      'dyn([1.0, 2.0]).sum() == 3.0',
      '[].sum() == 0',
    ],
    'regex (library.Regex), RE2': [
      "self.str.find('[0-9]+') == '123'",
      "self.str.find('[0-9]+') != '456'",
      "self.str.find('xyz') == ''",
      "self.str.findAll('[0-9]+') == ['123', '456']",
      "self.str.findAll('[0-9]+', 0) == []",
      "self.str.findAll('[0-9]+', 1) == ['123']",
      "self.str.findAll('[0-9]+', 2) == ['123', '456']",
      "self.str.findAll('[0-9]+', -1) == ['123', '456']",
      "self.str.findAll('xyz') == []",
      // Go drops an empty match right after a match: ["123" "" "" "" "" "456"]
      "'123 abc 456'.findAll('[0-9]*') == ['123', '', '', '', '', '456']",
      "self.str.matches('^this')",
      "matches(self.str, '[0-9]{3}')",
    ],
    'urls (library.URLs), parsed as Go net/url does': [
      "url('/path').getScheme() == ''",
      "url('https://example.com/').getScheme() == 'https'",
      "url('https://example.com:80/').getHost() == 'example.com:80'",
      "url('https://example.com/').getHost() == 'example.com'",
      "url('https://[::1]:80/').getHost() == '[::1]:80'",
      "url('https://[::1]/').getHost() == '[::1]'",
      "url('/path').getHost() == ''",
      "url('https://example.com:80/').getHostname() == 'example.com'",
      "url('https://127.0.0.1/').getHostname() == '127.0.0.1'",
      "url('https://[::1]/').getHostname() == '::1'",
      "url('https://example.com:80/').getPort() == '80'",
      "url('https://example.com/').getPort() == ''",
      "url('https://example.com/path').getEscapedPath() == '/path'",
      "url('https://example.com/with space/').getEscapedPath() == '/with%20space/'",
      "url('https://example.com').getEscapedPath() == ''",
      "url('https://example.com/path?k1=a&k2=b&k2=c').getQuery() == { 'k1': ['a'], 'k2': ['b', 'c']}",
      "url('https://example.com/path?key with spaces=value with spaces').getQuery() == { 'key with spaces': ['value with spaces']}",
      "url('https://example.com/path?').getQuery() == {}",
      "url('https://example.com/path').getQuery() == {}",
      "url(self.url).getScheme() == 'https'",
      "url(self.url).getHost() == 'kubernetes.io:80'",
      "url(self.url).getHostname() == 'kubernetes.io'",
      "url(self.url).getPort() == '80'",
      "url(self.url).getEscapedPath() == '/docs/home'",
      "url(self.url).getQuery() == {'k1': ['a'], 'k2': ['b', 'c']}",
      "isURL('https://user:pass@example.com:80/path?query=val#fragment')",
      "isURL('/path') == true",
      "isURL('https://a:b:c/') == false",
      "isURL('../relative-path') == false",
    ],
    'quantity (library.Quantity, 1.28)': [
      'isQuantity(self.val1)',
      'isQuantity(self.val2)',
      "isQuantity('20Mi')",
      "!isQuantity('200K')",
      "quantity(self.val2) == quantity('0.2G') && quantity('0.2G') == quantity('200M')",
      "quantity('2M') == quantity('0.002G') && quantity('2000k') == quantity('2M')",
      "quantity(self.val1).isLessThan(quantity('100M'))",
      "quantity(self.val2).isGreaterThan(quantity('50M'))",
      "quantity(self.val2).compareTo(quantity('0.2G')) == 0",
      "quantity('50k').add(quantity(self.val1)) == quantity('50.02k')",
      "quantity('50k').sub(quantity(self.val1)) == quantity('49980')",
      'quantity(self.val1).isInteger()',
      "quantity('50k').add(20) == quantity('50020')",
      "quantity('50k').sub(20000).asApproximateFloat() == 30000.0",
      "quantity('50k').asInteger() == 50000",
      "sign(quantity('-1m')) == -1",
    ],
    'sets (ext.Sets, 1.29)': [
      'sets.contains([1, 2, 3], [2, 3])',
      'sets.equivalent([1, 2], [2, 1, 1])',
      '!sets.intersects([1], [2])',
    ],
    'strings (ext.Strings v2)': [
      "'HeLLo'.lowerAscii() == 'hello'",
      "'HeLLo'.upperAscii() == 'HELLO'",
      "'a,b'.split(',') == ['a', 'b']",
      "['a', 'b'].join('-') == 'a-b'",
      "'hello'.substring(1, 3) == 'el'",
      "'  x '.trim() == 'x'",
      "'hello'.indexOf('l') == 2",
      "'hello'.replace('l', 'L') == 'heLLo'",
      "'hello'.charAt(4) == 'o'",
    ],
  };
  for (const [library, rules] of Object.entries(valid)) {
    it(library, () => {
      for (const rule of rules) assert.deepEqual(details(rule), [], rule);
    });
  }

  it('fails at run time as kube does', () => {
    const errors: Record<string, string> = {
      'self.emptyInts.min() == 1': 'min called on empty list evaluating rule',
      'self.emptyDoubles.max() == 3.0': 'max called on empty list evaluating rule',
      "self.emptyStrings.min() == 'a'": 'min called on empty list evaluating rule',
      "url('https://a:b:c/').getHost() == ''":
        'URL parse error during conversion from string: parse "https://a:b:c/": invalid port ":c" after host evaluating rule',
      "quantity('200K').isInteger()":
        "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$' evaluating rule",
      "quantity('1E30').asInteger() == 1": 'cannot convert value to integer evaluating rule',
      // a pattern built at run time is compiled then: RE2 refuses lookahead
      "self.str.matches(self.val1 + '(?!x)')":
        'error parsing regexp: invalid or unsupported Perl syntax: `(?!` evaluating rule',
      "self.str.find(self.val1 + '(?=x)') == ''":
        'Illegal regex: error parsing regexp: invalid or unsupported Perl syntax: `(?=` evaluating rule',
    };
    for (const [rule, want] of Object.entries(errors)) {
      assert.deepEqual(details(rule), [`${want}: ${rule}`], rule);
    }
  });
});

describe('compiling a rule', () => {
  const self = declType({ type: 'object', properties: PROPERTIES });
  const compileError = (rule: string) => compileRule(rule, self).error ?? '';

  it('rejects library calls on the wrong types, as cel-go type-checks them', () => {
    const cases: Record<string, string> = {
      "['a', 'b'].sum() == 'c'":
        "found no matching overload for 'sum' applied to 'list(string).()'",
      '[[1], [2]].min() == [1]':
        "found no matching overload for 'min' applied to 'list(list(int)).()'",
      "[{'a': 1}, {'b': 2}].max() == {'b': 2}":
        "found no matching overload for 'max' applied to 'list(map(string, int)).()'",
      // sign is declared with cel.Overload: a global function, not a method
      "quantity('1').sign() == 1":
        "found no matching overload for 'sign' applied to 'kubernetes.Quantity.()'",
    };
    for (const [rule, want] of Object.entries(cases)) {
      assert.match(
        compileError(rule),
        new RegExp(`^compilation failed: ERROR: <input>:1:\\d+: ${escapeRe(want)}`),
        rule,
      );
    }
  });

  it('rejects an RE2-invalid matches() literal (cel.ValidateRegexLiterals, kube 1.29+)', () => {
    assert.equal(
      compileError("self.str.matches('^(?!admin)')"),
      "compilation failed: ERROR: <input>:1:18: invalid matches argument\n | self.str.matches('^(?!admin)')\n | .................^",
    );
    assert.match(compileError("self.str.matches('x++')"), /invalid matches argument/);
  });

  it('rejects an RE2-invalid find()/findAll() literal when the program is built', () => {
    for (const rule of [
      "self.str.find(')') == ''",
      "self.str.findAll(')') == []",
      "self.str.findAll(')', 1) == []",
    ]) {
      assert.equal(
        compileError(rule),
        'program instantiation failed: error parsing regexp: unexpected ): `)`',
        rule,
      );
    }
  });

  it('names a function this environment cannot evaluate instead of passing it', () => {
    for (const [rule, name] of [
      ["ip('10.0.0.1').family() == 4", 'ip'],
      ["isCIDR('10.0.0.0/8')", 'isCIDR'],
      ["ip.isCanonical('10.0.0.1')", 'ip.isCanonical'],
      ["format.dns1123Label().validate('x').hasValue()", 'format.dns1123Label'],
      ['optional.of(1).hasValue()', 'optional.of'],
      ['self.ints.all(i, v, v > 0)', 'all'],
    ] as const) {
      assert.match(
        compileError(rule),
        new RegExp(
          `undeclared reference to '${escapeRe(name)}' \\(in container ''\\): kube-apiserver 1.32 offers it, this CEL environment cannot evaluate it`,
        ),
        rule,
      );
    }
    // a name kube does not declare either reads as cel-go words it
    assert.match(
      compileError('self.str.frobnicate()'),
      /undeclared reference to 'frobnicate' \(in container ''\)\n/,
    );
  });
});

describe('RE2 (Go regexp) semantics', () => {
  it('refuses lookaround and backreferences with Go’s messages', () => {
    const message = (p: string) => (compileRegexp(p) as Error).message;
    assert.equal(
      message('^(?!foo)'),
      'error parsing regexp: invalid or unsupported Perl syntax: `(?!`',
    );
    // Go 1.22+ reads `(?<` as a named group, so lookbehind is a bad name there
    assert.equal(message('(?<=a)b'), 'error parsing regexp: invalid named capture: `(?<=a)b`');
    assert.equal(message('(a)\\1'), 'error parsing regexp: invalid escape sequence: `\\1`');
    assert.equal(
      message('+'),
      'error parsing regexp: missing argument to repetition operator: `+`',
    );
  });

  it('finds all matches as Regexp.FindAllString does', () => {
    assert.deepEqual(findAllRegexp('a*', 'baaab'), ['', 'aaa', '']);
    assert.deepEqual(findAllRegexp('[0-9]+', 'a1b22c333', 2), ['1', '22']);
  });
});

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
