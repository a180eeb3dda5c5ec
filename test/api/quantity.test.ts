import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareQuantities, parseQuantity } from '../../src/api/v1alpha1/quantity.ts';

describe('quantities', () => {
  it('parses every suffix', () => {
    const table: [string, bigint, bigint][] = [
      ['1', 1n, 1n],
      ['500m', 500n, 1000n],
      ['0.5', 5n, 10n],
      ['.5', 5n, 10n],
      ['64Mi', 64n * 2n ** 20n, 1n],
      ['1Gi', 2n ** 30n, 1n],
      ['1k', 1000n, 1n],
      ['1e3', 1000n, 1n],
      ['1E-3', 1n, 1000n],
      ['100n', 100n, 10n ** 9n],
      ['-1', -1n, 1n],
    ];
    for (const [text, numerator, denominator] of table) {
      const q = parseQuantity(text)!;
      assert.equal(q.numerator * denominator, numerator * q.denominator, text);
    }
  });
  it('rejects what is not a quantity', () => {
    for (const text of ['', 'm', '1mi', '1 Gi', '1.2.3', 'abc', '1Kb']) {
      assert.equal(parseQuantity(text), undefined, text);
    }
  });
  it('compares across units', () => {
    const cmp = (a: string, b: string) => compareQuantities(parseQuantity(a)!, parseQuantity(b)!);
    assert.equal(cmp('1', '1000m'), 0);
    assert.equal(cmp('1Gi', '1024Mi'), 0);
    assert.equal(cmp('1G', '1Gi'), -1);
    assert.equal(cmp('600m', '0.5'), 1);
  });
});
