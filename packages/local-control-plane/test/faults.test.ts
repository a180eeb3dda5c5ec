// Fault injection's rules on their own (counted and random failures, in the
// order the HTTP server asks for them), and one random rule over HTTPS.
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { after, before, describe, it } from 'node:test';
import { Faults, seededRandom } from '../src/faults.ts';
import type { InjectedFailure, RequestMatch } from '../src/faults.ts';
import { LocalControlPlane } from '../src/control-plane.ts';

const LIST_PODS: RequestMatch = { verb: 'list', resource: 'pods', namespace: 'default' };

/** The outcome of `n` requests: the code of each failure, or 0 when it was served. */
function outcomes(faults: Faults, n: number, match: RequestMatch = LIST_PODS): number[] {
  return Array.from({ length: n }, () => faults.takeFailure(match)?.code ?? 0);
}

describe('seededRandom', () => {
  it('repeats its sequence for a seed, differs between seeds, and stays within [0, 1)', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const c = seededRandom(43);
    const first = Array.from({ length: 1000 }, () => a());
    assert.deepEqual(
      first,
      Array.from({ length: 1000 }, () => b()),
    );
    assert.notDeepEqual(
      first.slice(0, 10),
      Array.from({ length: 10 }, () => c()),
    );
    assert.ok(first.every((x) => x >= 0 && x < 1));
    const mean = first.reduce((s, x) => s + x, 0) / first.length;
    assert.ok(Math.abs(mean - 0.5) < 0.05, `mean ${mean}`);
  });
});

describe('Faults.failRandomly', () => {
  const failures: InjectedFailure[] = [
    { code: 500 },
    { code: 429, reason: 'TooManyRequests', retryAfterSeconds: 1 },
  ];

  it('fails about the given share of matching requests, with each answer about equally often', () => {
    const faults = new Faults();
    faults.failRandomly({ rate: 0.1, failures, seed: 7 });
    const codes = outcomes(faults, 10_000);
    const failed = codes.filter((c) => c !== 0).length;
    assert.ok(failed > 850 && failed < 1150, `${failed} of 10000 failed`);
    const serverErrors = codes.filter((c) => c === 500).length;
    assert.ok(Math.abs(serverErrors - failed / 2) < failed * 0.1, `${serverErrors} 500s`);
  });

  it('answers with the rule’s failure as given', () => {
    const faults = new Faults();
    faults.failRandomly({ rate: 1, failures: [failures[1]!], seed: 1 });
    assert.deepEqual(faults.takeFailure(LIST_PODS), {
      code: 429,
      reason: 'TooManyRequests',
      retryAfterSeconds: 1,
    });
  });

  it('decides the same way on every run with the same seed', () => {
    const run = () => {
      const faults = new Faults();
      faults.failRandomly({ rate: 0.3, failures, seed: 2024 });
      return outcomes(faults, 500);
    };
    assert.deepEqual(run(), run());
  });

  it('draws only for the requests it matches', () => {
    const faults = new Faults();
    faults.failRandomly({
      verb: 'update',
      resource: 'mcpservers/status',
      rate: 0.5,
      failures,
      seed: 3,
    });
    assert.deepEqual(outcomes(faults, 100), new Array(100).fill(0));
    const status = { verb: 'update', resource: 'mcpservers/status', namespace: 'a' } as const;
    const alone = new Faults();
    alone.failRandomly({
      verb: 'update',
      resource: 'mcpservers/status',
      rate: 0.5,
      failures,
      seed: 3,
    });
    // The non-matching requests in between did not move its sequence.
    assert.deepEqual(outcomes(faults, 50, status), outcomes(alone, 50, status));
  });

  it('keeps each rule’s sequence its own when another rule answers first', () => {
    const status = { verb: 'update', resource: 'mcpservers/status', namespace: 'a' } as const;
    const conflicts = { ...status, rate: 0.25, failures: [{ code: 409 }], seed: 409 };
    const both = new Faults();
    both.failRandomly({ rate: 0.5, failures: [{ code: 500 }], seed: 10 });
    both.failRandomly(conflicts);
    const alone = new Faults();
    alone.failRandomly(conflicts);
    const withOther = outcomes(both, 400, status);
    const conflictsAlone = outcomes(alone, 400, status);
    // Where the first rule did not answer, the second answered exactly as it does alone.
    const firstSilent = withOther.map((code, i) => (code === 500 ? -1 : i)).filter((i) => i >= 0);
    assert.ok(firstSilent.length > 100);
    assert.deepEqual(
      firstSilent.map((i) => withOther[i]),
      firstSilent.map((i) => conflictsAlone[i]),
    );
  });

  it('takes counted failures first, and clear() ends every rule', () => {
    const faults = new Faults();
    faults.failRandomly({ rate: 1, failures: [{ code: 500 }], seed: 5 });
    faults.failNext({ verb: 'list', resource: 'pods', count: 2, code: 503 });
    assert.deepEqual(outcomes(faults, 4), [503, 503, 500, 500]);
    faults.clear();
    assert.deepEqual(outcomes(faults, 3), [0, 0, 0]);
  });

  it('refuses a rate outside 0–1 and an empty list of answers', () => {
    const faults = new Faults();
    assert.throws(() => faults.failRandomly({ rate: 1.5, failures, seed: 1 }), RangeError);
    assert.throws(() => faults.failRandomly({ rate: 0.5, failures: [], seed: 1 }), RangeError);
  });
});

describe('a random failure rule over HTTPS', () => {
  let plane: LocalControlPlane;

  before(async () => {
    plane = new LocalControlPlane({ authorization: 'AlwaysAllow' });
    await plane.start();
  });
  after(() => plane.stop());

  const get = (path: string) =>
    new Promise<{ code: number; body: { reason?: string; code?: number } }>((resolve, reject) => {
      const req = request(
        `${plane.url}${path}`,
        { ca: plane.caCert, headers: { authorization: `Bearer ${plane.token}` } },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () =>
            resolve({ code: res.statusCode ?? 0, body: JSON.parse(text) as { reason?: string } }),
          );
        },
      );
      req.on('error', reject);
      req.end();
    });

  it('answers matching requests with the injected Status and leaves the others alone', async () => {
    plane.faults.resetRequests();
    plane.faults.failRandomly({
      verb: 'list',
      resource: 'configmaps',
      rate: 1,
      failures: [{ code: 429, reason: 'TooManyRequests', message: 'slow down' }],
      seed: 9,
    });
    const failed = await get('/api/v1/namespaces/default/configmaps');
    assert.equal(failed.code, 429);
    assert.equal(failed.body.reason, 'TooManyRequests');
    const served = await get('/api/v1/namespaces/default/secrets');
    assert.equal(served.code, 200);
    plane.faults.clear();
    assert.equal((await get('/api/v1/namespaces/default/configmaps')).code, 200);
    assert.deepEqual(
      plane.faults.requests({ resource: 'configmaps' }).map((r) => r.code),
      [429, 200],
    );
  });
});
