// kubectl reads manifests with sigs.k8s.io/yaml, which decodes with go-yaml v2
// (YAML 1.1 scalars) and converts the result to JSON. These tests pin that
// reading (go-yaml v2's resolve.go resolve table and resolve(), decode.go's
// merge and timestamp handling, sigs.k8s.io/yaml's key conversion) and that
// toYaml's output reads back unchanged with it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { isAmbiguousYaml11String, parseKubectlYaml, toYaml } from '../../src/kube/yaml.ts';

const read = (text: string): unknown => parseKubectlYaml(text, 'test.yaml')[0];
const readValue = (scalar: string): unknown => (read(`v: ${scalar}\n`) as { v: unknown }).v;

/** Strings that YAML 1.1 (go-yaml v2) or YAML 1.2 reads as something else when unquoted. */
const TRICKY = [
  ...['y', 'Y', 'yes', 'Yes', 'YES', 'n', 'N', 'no', 'No', 'NO'],
  ...['on', 'On', 'ON', 'off', 'Off', 'OFF', 'true', 'True', 'TRUE', 'false', 'False', 'FALSE'],
  ...['~', 'null', 'Null', 'NULL', ''],
  ...['1e3', '1E3', '1e-3', '0x1F', '0X1f', '+0x1F', '-0x1F', '0777', '0o17', '0b101', '-0b101'],
  ...['1_000', '08', '.5', '+.5', '1.', '-1', '+1', '0', '-0', '3.14', '12345678901234567890'],
  ...['.inf', '-.Inf', '+.INF', '.nan', '.NaN', '<<'],
  // Strings to go-yaml v2, but numbers or dates to other YAML 1.1 readers.
  ...['1:30', '190:20:30', '2024-01-01', '2001-12-14t21:59:43.10-05:00', '2024-1-2 3:04:05'],
];

describe('parseKubectlYaml', () => {
  it("resolves plain scalars with go-yaml v2's resolve table and resolve()", () => {
    const table: [string, unknown][] = [
      // resolveMap: y/n, yes/no, on/off, true/false in three cases each; null spellings.
      ...['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON', 'true', 'True', 'TRUE'].map(
        (s): [string, unknown] => [s, true],
      ),
      ...['n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF', 'false', 'False', 'FALSE'].map(
        (s): [string, unknown] => [s, false],
      ),
      ...['~', 'null', 'Null', 'NULL', ''].map((s): [string, unknown] => [s, null]),
      // Other cases are strings.
      ['yEs', 'yEs'],
      ['oN', 'oN'],
      ['nULL', 'nULL'],
      ['yes please', 'yes please'],
      // ParseInt(s, 0, 64) after removing every `_`: base prefixes, octal, signs.
      ['0x1F', 31],
      ['0X1f', 31],
      ['+0x1F', 31],
      ['-0x1F', -31],
      ['0777', 511],
      ['0o17', 15],
      ['0b101', 5],
      ['-0b101', -5],
      ['1_000', 1000],
      ['1__0', 10],
      ['0', 0],
      ['-1', -1],
      ['+1', 1],
      // Not an octal int, but yamlStyleFloat.
      ['08', 8],
      ['09.5', 9.5],
      // yamlStyleFloat: exponents need no dot or sign; a trailing dot is fine.
      ['1e3', 1000],
      ['1E-3', 0.001],
      ['1.', 1],
      ['3.14', 3.14],
      ['+.5', 0.5],
      // A leading '.': ParseFloat.
      ['.5', 0.5],
      ['.5e1', 5],
      // ParseFloat fails on overflow, so it stays a string.
      ['1e400', '1e400'],
      // No hint for these first characters, or not a number at all.
      ['0x', '0x'],
      ['.', '.'],
      ['1e', '1e'],
      ['_1', '_1'],
      ['=', '='],
      ['<<', '<<'],
      ['nil', 'nil'],
      // Base 60 is purposely unsupported by go-yaml v2; timestamps decode into
      // interface{} as their text (decode.go keeps them strings).
      ['1:30', '1:30'],
      ['190:20:30.15', '190:20:30.15'],
      ['2024-01-01', '2024-01-01'],
      ['2001-12-14t21:59:43.10-05:00', '2001-12-14t21:59:43.10-05:00'],
    ];
    for (const [scalar, expected] of table) {
      assert.deepEqual(readValue(scalar), expected, JSON.stringify(scalar));
    }
  });

  it("differs from the yaml package's own YAML 1.1 schema where go-yaml v2 does", () => {
    // Why the yaml package's version: '1.1' is not used for the scalars.
    const table: [string, unknown, unknown][] = [
      ['1:30', '1:30', 90],
      ['0o17', 15, '0o17'],
      ['1e400', '1e400', Infinity],
      ['.', '.', NaN],
    ];
    for (const [scalar, goYaml, yaml11] of table) {
      assert.deepEqual(readValue(scalar), goYaml, scalar);
      assert.deepEqual((parse(`v: ${scalar}\n`, { version: '1.1' }) as { v: unknown }).v, yaml11);
    }
    assert.ok((parse('v: 2024-01-01\n', { version: '1.1' }) as { v: unknown }).v instanceof Date);
    assert.equal(readValue('2024-01-01'), '2024-01-01');
  });

  it('keeps quoted, block and !!str scalars as strings and honours explicit tags', () => {
    assert.deepEqual(
      read(
        [
          'a: "off"',
          "b: 'yes'",
          'c: !!str 0x1F',
          'd: |\n  on',
          'e: !!int "0x1F"',
          'f: !!float 3',
          'g: !!bool Y',
          'h: !!null ""',
          'i: !!binary aGVsbG8=',
          'j: !custom 12',
          'k: !!timestamp 2024-01-01',
          '',
        ].join('\n'),
      ),
      {
        a: 'off',
        b: 'yes',
        c: '0x1F',
        d: 'on\n',
        e: 31,
        f: 3,
        g: true,
        h: null,
        i: 'hello',
        j: '12',
        k: '2024-01-01',
      },
    );
  });

  it('turns map keys into strings as sigs.k8s.io/yaml does', () => {
    // Booleans become "true"/"false", ints decimal, floats FormatFloat(v, 'g', -1, 32).
    assert.deepEqual(
      Object.entries(read('on: a\nno: b\n0x10: c\n1e3: d\n0.1: e\n1e7: f\n"yes": g\n') as object),
      [
        ['16', 'c'],
        ['1000', 'd'],
        ['true', 'a'],
        ['false', 'b'],
        ['0.1', 'e'],
        ['1e+07', 'f'],
        ['yes', 'g'],
      ],
    );
  });

  it('merges << as go-yaml v2 does, and follows aliases', () => {
    const doc = read(
      [
        'base: &base {p: 1, q: 2}',
        'explicitLater: {<<: *base, q: 3}',
        // go-yaml v2 lets a merge overwrite keys set before it.
        'mergeLater: {q: 0, <<: *base}',
        // In a list of maps, earlier maps win.
        'list: {<<: [{q: 4}, *base], r: 5}',
        'quoted: {"<<": x}',
        'alias: *base',
        '',
      ].join('\n'),
    );
    assert.deepEqual(doc, {
      base: { p: 1, q: 2 },
      explicitLater: { p: 1, q: 3 },
      mergeLater: { q: 2, p: 1 },
      list: { q: 4, p: 1, r: 5 },
      quoted: { '<<': 'x' },
      alias: { p: 1, q: 2 },
    });
  });

  it('reads every document of a stream, an empty one as null', () => {
    assert.deepEqual(parseKubectlYaml('a: 1\n---\n---\nb: yes\n', 's'), [
      { a: 1 },
      null,
      { b: true },
    ]);
    assert.deepEqual(parseKubectlYaml('', 's'), []);
  });

  it('refuses what kubectl cannot read, naming the source and line', () => {
    const table: [string, RegExp][] = [
      ['a: [\n', /^s: not valid YAML: /],
      ['a: 1\nb: 2\na: 3\n', /^s: not valid YAML: line 3: key "a" already set in map$/],
      ['on: 1\ntrue: 2\n', /^s: not valid YAML: line 2: key "true" already set in map$/],
      ['a: !!int abc\n', /^s: not valid YAML: line 1: cannot decode !!str `abc` as a !!int$/],
      // json.Marshal cannot encode NaN or Inf.
      ['a: .nan\n', /^s: not valid YAML: line 1: json: unsupported value: NaN$/],
      ['a: [-.inf]\n', /^s: not valid YAML: line 1: json: unsupported value: -Inf$/],
      ['~: 1\n', /^s: not valid YAML: line 1: unsupported map key of type <nil>$/],
      ['? [1]\n: 2\n', /^s: not valid YAML: line 1: invalid map key/],
      ['a: &a [*a]\n', /^s: not valid YAML: line 1: anchor 'a' value contains itself$/],
      ['a: {<<: 1}\n', /map merge requires map or sequence of maps as the value$/],
      ['a: !!binary "@@"\n', /!!binary value contains invalid base64 data$/],
    ];
    for (const [text, message] of table) {
      assert.throws(() => parseKubectlYaml(text, 's'), { message }, text);
    }
  });
});

describe('toYaml', () => {
  it('quotes every string YAML 1.1 or 1.2 would read as something else, and it reads back', () => {
    const text = toYaml([{ values: TRICKY, keys: Object.fromEntries(TRICKY.map((s) => [s, s])) }]);
    const expected = { values: TRICKY, keys: Object.fromEntries(TRICKY.map((s) => [s, s])) };
    assert.deepEqual(read(text), expected);
    // Other readers agree: YAML 1.2 core and the yaml package's YAML 1.1 schema.
    assert.deepEqual(parse(text), expected);
    assert.deepEqual(parse(text, { version: '1.1' }), expected);
    for (const s of TRICKY) assert.ok(isAmbiguousYaml11String(s), JSON.stringify(s));
  });

  it('leaves strings that read back as themselves unquoted', () => {
    const plain = ['nil', 'yes please', 'v1', '0x', '1e', 'mcp.example.com', 'a:b', '=', '_1'];
    const text = toYaml([{ plain }]);
    assert.equal(text, `plain:\n${plain.map((s) => `  - ${s}\n`).join('')}`);
    assert.deepEqual(read(text), { plain });
  });

  it('keeps numbers, booleans and null as they are', () => {
    const values = {
      int: 8080,
      negative: -1,
      float: 0.5,
      big: 1e21,
      small: 1e-7,
      t: true,
      f: false,
      n: null,
    };
    const text = toYaml([values]);
    assert.equal(
      text,
      'int: 8080\nnegative: -1\nfloat: 0.5\nbig: 1e+21\nsmall: 1e-7\nt: true\nf: false\n"n": null\n',
    );
    assert.deepEqual(read(text), values);
  });

  it('round-trips a nested object: key order, 2-space indent, no folding, documents split by ---', () => {
    const long = 'a long description '.repeat(20).trim();
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'w', labels: { 'app.kubernetes.io/name': 'w', enabled: 'on' } },
      spec: {
        replicas: 2,
        template: {
          metadata: {
            annotations: { 'nginx.ingress.kubernetes.io/ssl-redirect': 'off', note: long },
          },
          spec: {
            containers: [
              {
                name: 'server',
                args: ['--flag', 'yes', '0777'],
                env: [{ name: 'MULTI', value: 'line one\nline two\n' }],
                ports: [{ containerPort: 8088, protocol: 'TCP' }],
              },
            ],
          },
        },
      },
    };
    const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'w' } };
    const text = toYaml([deployment, service]);
    assert.deepEqual(parseKubectlYaml(text, 'out'), [deployment, service]);
    assert.match(text, /^apiVersion: apps\/v1\nkind: Deployment\nmetadata:\n {2}name: w\n/);
    assert.match(text, /\n---\napiVersion: v1\nkind: Service\n/);
    assert.ok(
      text.split('\n').some((line) => line.endsWith(`note: ${long}`)),
      'not folded',
    );
    assert.match(text, /ssl-redirect: "off"/);
    assert.match(text, /enabled: "on"/);
    assert.equal(toYaml([]), '');
  });
});
