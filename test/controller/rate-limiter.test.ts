import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../../src/controller/clock.ts';
import {
  ExponentialFailureRateLimiter,
  MaxOfRateLimiter,
  TokenBucketRateLimiter,
  defaultControllerRateLimiter,
} from '../../src/controller/rate-limiter.ts';
import type { RateLimiter } from '../../src/controller/rate-limiter.ts';

function whens(limiter: RateLimiter, key: string, n: number): number[] {
  return Array.from({ length: n }, () => limiter.when(key));
}

describe('ExponentialFailureRateLimiter', () => {
  it('doubles from the base delay per failure', () => {
    const limiter = new ExponentialFailureRateLimiter();
    assert.deepEqual(whens(limiter, 'a', 6), [5, 10, 20, 40, 80, 160]);
    assert.equal(limiter.numRequeues('a'), 6);
  });

  it('caps at the max delay, even after very many failures', () => {
    const limiter = new ExponentialFailureRateLimiter();
    const waits = whens(limiter, 'a', 2000);
    // 5ms * 2^16 = 327.68s is the first step past 300s.
    assert.equal(waits[15], 163_840);
    assert.equal(waits[16], 300_000);
    assert.equal(waits.at(-1), 300_000);
    assert.equal(Math.max(...waits), 300_000);
  });

  it('keeps a count per key', () => {
    const limiter = new ExponentialFailureRateLimiter(1, 1000);
    whens(limiter, 'a', 3);
    assert.equal(limiter.when('b'), 1);
    assert.equal(limiter.numRequeues('a'), 3);
    assert.equal(limiter.numRequeues('b'), 1);
  });

  it('forget resets the key to the base delay', () => {
    const limiter = new ExponentialFailureRateLimiter();
    whens(limiter, 'a', 4);
    limiter.when('b');
    limiter.forget('a');
    assert.equal(limiter.numRequeues('a'), 0);
    assert.equal(limiter.when('a'), 5);
    assert.equal(limiter.numRequeues('b'), 1);
  });
});

describe('TokenBucketRateLimiter', () => {
  it('lets the burst through, then spaces callers 1/qps apart', () => {
    const clock = new FakeClock();
    const limiter = new TokenBucketRateLimiter(10, 3, clock);
    assert.deepEqual(whens(limiter, 'x', 3), [0, 0, 0]);
    // Each reservation past the burst waits one more token's worth.
    assert.deepEqual(whens(limiter, 'x', 3), [100, 200, 300]);
  });

  it('refills with time, up to the burst', async () => {
    const clock = new FakeClock();
    const limiter = new TokenBucketRateLimiter(10, 2, clock);
    whens(limiter, 'x', 2);
    await clock.advance(100);
    assert.equal(limiter.when('x'), 0);
    assert.equal(limiter.when('x'), 100);
    // A long idle spell refills only to the burst.
    await clock.advance(60_000);
    assert.deepEqual(whens(limiter, 'x', 3), [0, 0, 100]);
  });

  it('pays back debt before a token is free again', async () => {
    const clock = new FakeClock();
    const limiter = new TokenBucketRateLimiter(10, 1, clock);
    assert.deepEqual(whens(limiter, 'x', 3), [0, 100, 200]);
    await clock.advance(200);
    assert.equal(limiter.when('x'), 100);
  });

  it('is shared by all keys and tracks none', () => {
    const limiter = new TokenBucketRateLimiter(10, 1, new FakeClock());
    assert.equal(limiter.when('a'), 0);
    assert.equal(limiter.when('b'), 100);
    assert.equal(limiter.numRequeues('a'), 0);
    limiter.forget('a');
    assert.equal(limiter.when('a'), 200);
  });

  it('rejects a bucket that could never hand out a token', () => {
    assert.throws(() => new TokenBucketRateLimiter(0, 10), RangeError);
    assert.throws(() => new TokenBucketRateLimiter(10, 0), RangeError);
  });
});

describe('MaxOfRateLimiter', () => {
  it('returns the longest wait and counts the failure in every limiter', () => {
    const slow = new ExponentialFailureRateLimiter(100, 10_000);
    const fast = new ExponentialFailureRateLimiter(1, 10_000);
    const limiter = new MaxOfRateLimiter(fast, slow);
    assert.deepEqual(whens(limiter, 'a', 3), [100, 200, 400]);
    assert.equal(fast.numRequeues('a'), 3);
    assert.equal(limiter.numRequeues('a'), 3);
  });

  it('forgets in every limiter', () => {
    const a = new ExponentialFailureRateLimiter();
    const b = new ExponentialFailureRateLimiter(10, 1000);
    const limiter = new MaxOfRateLimiter(a, b);
    whens(limiter, 'k', 2);
    limiter.forget('k');
    assert.equal(a.numRequeues('k'), 0);
    assert.equal(b.numRequeues('k'), 0);
  });

  it('waits nothing with no limiters', () => {
    assert.equal(new MaxOfRateLimiter().when('a'), 0);
  });
});

describe('defaultControllerRateLimiter', () => {
  it('backs off per key from 5ms while the bucket has tokens', () => {
    const limiter = defaultControllerRateLimiter(new FakeClock());
    assert.deepEqual(whens(limiter, 'a', 4), [5, 10, 20, 40]);
    assert.equal(limiter.when('b'), 5);
    assert.equal(limiter.numRequeues('a'), 4);
    limiter.forget('a');
    assert.equal(limiter.when('a'), 5);
  });

  it('caps per-key backoff at 300s', () => {
    const limiter = defaultControllerRateLimiter(new FakeClock());
    // 25 calls stay within the bucket's burst, so only the backoff shows.
    const waits = whens(limiter, 'a', 25);
    assert.equal(waits[15], 163_840);
    assert.equal(waits[16], 300_000);
    assert.equal(waits.at(-1), 300_000);
  });

  it('spaces failures of many keys at 10 qps once 100 are spent', () => {
    const limiter = defaultControllerRateLimiter(new FakeClock());
    const first = Array.from({ length: 100 }, (_, i) => limiter.when(`k${i}`));
    assert.deepEqual(new Set(first), new Set([5]));
    assert.equal(limiter.when('k100'), 100);
    assert.equal(limiter.when('k101'), 200);
  });
});
