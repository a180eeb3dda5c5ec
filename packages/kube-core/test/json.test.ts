import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clone, deepEqual } from '../src/json.ts';

describe('clone', () => {
  it('copies every level, sharing nothing with the original', () => {
    const original = { a: [1, { b: 'x' }], c: { d: null, e: true }, f: undefined };
    const copy = clone(original);
    assert.deepEqual(copy, original);
    assert.notEqual(copy.a, original.a);
    assert.notEqual(copy.a[1], original.a[1]);
    assert.notEqual(copy.c, original.c);
    (copy.a[1] as { b: string }).b = 'changed';
    assert.equal((original.a[1] as { b: string }).b, 'x');
  });

  it('returns scalars as they are', () => {
    for (const value of [0, 'text', true, null, undefined]) assert.equal(clone(value), value);
  });

  it('keeps a "__proto__" key that JSON.parse made an own key, as data', () => {
    const parsed = JSON.parse('{"spec":{"__proto__":{"polluted":true},"constructor":"c"}}') as {
      spec: Record<string, unknown>;
    };
    const copy = clone(parsed);
    assert.deepEqual(Object.keys(copy.spec), ['__proto__', 'constructor']);
    assert.equal(Object.getPrototypeOf(copy.spec), Object.prototype);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(JSON.stringify(copy), JSON.stringify(parsed));
  });
});

describe('deepEqual', () => {
  it('ignores key order and respects array order', () => {
    assert.ok(deepEqual({ a: 1, b: [1, 2] }, { b: [1, 2], a: 1 }));
    assert.ok(!deepEqual({ a: [1, 2] }, { a: [2, 1] }));
    assert.ok(!deepEqual({ a: 1 }, { a: 1, b: 2 }));
    assert.ok(!deepEqual({ a: 1, b: undefined }, { a: 1, c: undefined }));
  });
});
