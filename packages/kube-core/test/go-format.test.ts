// Go's printing of JSON values, as fmt, strconv and encoding/json print them
// (the expected strings are what Go 1.23 prints for the same values).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  goFloat,
  goFloat32,
  goFormat,
  goJson,
  goNumber,
  goQuote,
  goSharpV,
  goStrings,
  goTypeName,
} from '../src/go-format.ts';

describe('Go value printing', () => {
  it('quotes strings as strconv.Quote does', () => {
    assert.equal(goQuote('plain'), '"plain"');
    assert.equal(goQuote('a"b\\c'), '"a\\"b\\\\c"');
    assert.equal(goQuote('\n\t\x01\x7f'), '"\\n\\t\\x01\\x7f"');
    assert.equal(goQuote('é✓'), '"é✓"');
    assert.equal(goQuote('\u00a0\u200b'), '"\\u00a0\\u200b"');
  });

  it('prints floats with %v and decoded JSON numbers as int64 or float64', () => {
    assert.deepEqual(
      [1e6, 1e21, 65535, 2.5e-5, 0.5, -0].map((n) => goFloat(n)),
      ['1e+06', '1e+21', '65535', '2.5e-05', '0.5', '-0'],
    );
    assert.deepEqual([1e6, -3, 1.5, 1e-7].map(goNumber), ['1000000', '-3', '1.5', '1e-07']);
    assert.deepEqual([0.1, 1e6, 16777217, 3.4e38].map(goFloat32), [
      '0.1',
      '1e+06',
      '1.6777216e+07',
      '3.4e+38',
    ]);
  });

  it('prints %v, %#v and %T of interface{} values', () => {
    const value = { b: [1, 'x', true], a: null };
    assert.equal(goFormat(value), 'map[a:<nil> b:[1 x true]]');
    assert.equal(
      goSharpV(value),
      'map[string]interface {}{"a":interface {}(nil), "b":[]interface {}{1, "x", true}}',
    );
    assert.equal(goStrings(['a', 'b']), '[]string{"a", "b"}');
    assert.equal(goStrings([]), '[]string(nil)');
    assert.deepEqual([{}, [], 1, 'x', null].map(goTypeName), [
      'map[string]interface {}',
      '[]interface {}',
      'float64',
      'string',
      '%!s(<nil>)',
    ]);
  });

  it('marshals JSON as encoding/json does: sorted keys, HTML characters escaped', () => {
    assert.equal(
      goJson({ b: 1, a: ['<x>&'], 10: true, 9: null }),
      '{"10":true,"9":null,"a":["\\u003cx\\u003e\\u0026"],"b":1}',
    );
    assert.equal(goJson('\u2028'), '"\\u2028"');
  });
});
