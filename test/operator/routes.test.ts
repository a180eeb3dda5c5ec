import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  overlappingClaims,
  routeConflictMessage,
  routeHolder,
  routesOverlap,
} from '../../src/operator/routes.ts';
import type { RouteClaim } from '../../src/operator/routes.ts';

function claim(
  id: string,
  host: string | undefined,
  creationTimestamp = '2025-01-01T00:00:00Z',
  path = '/weather/mcp',
): RouteClaim {
  const [namespace = 'default', name = id] = id.includes('/') ? id.split('/') : ['default', id];
  return { namespace, name, creationTimestamp, host, path };
}

const key = (c: RouteClaim | undefined) => (c ? `${c.namespace}/${c.name}` : undefined);

describe('routesOverlap', () => {
  const cases: { name: string; a: RouteClaim; b: RouteClaim; overlap: boolean }[] = [
    {
      name: 'same host and path',
      a: claim('a', 'x.example.com'),
      b: claim('b', 'x.example.com'),
      overlap: true,
    },
    {
      name: 'host compared case-insensitively',
      a: claim('a', 'X.Example.COM'),
      b: claim('b', 'x.example.com'),
      overlap: true,
    },
    {
      name: 'different host',
      a: claim('a', 'x.example.com'),
      b: claim('b', 'y.example.com'),
      overlap: false,
    },
    {
      name: 'hostless vs host',
      a: claim('a', undefined),
      b: claim('b', 'y.example.com'),
      overlap: true,
    },
    {
      name: 'host vs hostless',
      a: claim('a', 'x.example.com'),
      b: claim('b', undefined),
      overlap: true,
    },
    {
      name: 'hostless vs hostless',
      a: claim('a', undefined),
      b: claim('b', undefined),
      overlap: true,
    },
    {
      name: 'empty host is hostless',
      a: claim('a', ''),
      b: claim('b', 'y.example.com'),
      overlap: true,
    },
    {
      name: 'different path',
      a: claim('a', 'x.example.com', undefined, '/a/mcp'),
      b: claim('b', 'x.example.com', undefined, '/b/mcp'),
      overlap: false,
    },
    {
      name: 'different path, both hostless',
      a: claim('a', undefined, undefined, '/a/mcp'),
      b: claim('b', undefined, undefined, '/b/mcp'),
      overlap: false,
    },
    {
      name: 'paths are compared as given: cleaning is the caller job',
      a: claim('a', undefined, undefined, '/a/mcp/'),
      b: claim('b', undefined, undefined, '/a/mcp'),
      overlap: false,
    },
    {
      name: 'wildcard host is its own literal host',
      a: claim('a', '*.example.com'),
      b: claim('b', 'x.example.com'),
      overlap: false,
    },
    {
      name: 'same wildcard host',
      a: claim('a', '*.example.com'),
      b: claim('b', '*.EXAMPLE.com'),
      overlap: true,
    },
    {
      name: 'across namespaces',
      a: claim('team-a/weather', 'x.example.com'),
      b: claim('team-b/weather', 'x.example.com'),
      overlap: true,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.equal(routesOverlap(c.a, c.b), c.overlap);
      assert.equal(routesOverlap(c.b, c.a), c.overlap);
    });
  }
});

describe('routeHolder', () => {
  const t1 = '2025-01-01T00:00:00Z';
  const t2 = '2025-01-02T00:00:00Z';
  const t3 = '2025-01-03T00:00:00Z';
  const cases: {
    name: string;
    claims: RouteClaim[];
    /** who asks, by namespace/name */
    ask: string;
    holder: string | undefined;
  }[] = [
    {
      name: 'alone: holds',
      claims: [claim('a', 'x')],
      ask: 'default/a',
      holder: undefined,
    },
    {
      name: 'older same host+path holds',
      claims: [claim('b', 'x', t2), claim('a', 'x', t1)],
      ask: 'default/b',
      holder: 'default/a',
    },
    {
      name: 'the older one holds its own route',
      claims: [claim('b', 'x', t2), claim('a', 'x', t1)],
      ask: 'default/a',
      holder: undefined,
    },
    {
      name: 'different host: both hold',
      claims: [claim('a', 'x', t1), claim('b', 'y', t2)],
      ask: 'default/b',
      holder: undefined,
    },
    {
      name: 'different path: both hold',
      claims: [claim('a', 'x', t1, '/a/mcp'), claim('b', 'x', t2, '/b/mcp')],
      ask: 'default/b',
      holder: undefined,
    },
    {
      name: 'older hostless blocks a host',
      claims: [claim('a', undefined, t1), claim('b', 'x', t2)],
      ask: 'default/b',
      holder: 'default/a',
    },
    {
      name: 'older host blocks a hostless',
      claims: [claim('a', 'x', t1), claim('b', undefined, t2)],
      ask: 'default/b',
      holder: 'default/a',
    },
    {
      name: 'hostless vs hostless: older holds',
      claims: [claim('a', undefined, t2), claim('b', undefined, t1)],
      ask: 'default/a',
      holder: 'default/b',
    },
    {
      name: 'timestamp tie: namespace decides',
      claims: [claim('zeta/a', 'x', t1), claim('alpha/z', 'x', t1)],
      ask: 'zeta/a',
      holder: 'alpha/z',
    },
    {
      name: 'timestamp and namespace tie: name decides',
      claims: [claim('ns/b', 'x', t1), claim('ns/a', 'x', t1)],
      ask: 'ns/b',
      holder: 'ns/a',
    },
    {
      name: 'timestamp beats namespace and name',
      claims: [claim('alpha/a', 'x', t2), claim('zeta/z', 'x', t1)],
      ask: 'alpha/a',
      holder: 'zeta/z',
    },
    {
      name: 'timestamps compared as times, not strings',
      claims: [claim('a', 'x', '2025-01-01T00:00:00.5Z'), claim('b', 'x', '2025-01-01T00:00:00Z')],
      ask: 'default/a',
      holder: 'default/b',
    },
    {
      name: 'greedy chain: A host x oldest, B hostless blocked, C host y holds since B does not',
      claims: [claim('c', 'y', t3), claim('b', undefined, t2), claim('a', 'x', t1)],
      ask: 'default/c',
      holder: undefined,
    },
    {
      name: 'greedy chain: B names the oldest holder it overlaps',
      claims: [claim('c', 'y', t3), claim('b', undefined, t2), claim('a', 'x', t1)],
      ask: 'default/b',
      holder: 'default/a',
    },
    {
      name: 'hostless behind two hosted holders names the oldest',
      claims: [claim('c', undefined, t3), claim('b', 'y', t2), claim('a', 'x', t1)],
      ask: 'default/c',
      holder: 'default/a',
    },
    {
      name: 'blocked by a hostless holder, not by a blocked hosted one',
      claims: [claim('a', undefined, t1), claim('b', 'x', t2), claim('c', 'x', t3)],
      ask: 'default/c',
      holder: 'default/a',
    },
    {
      name: 'owner deleted: the next one takes over',
      claims: [claim('b', 'x', t2), claim('c', 'x', t3)],
      ask: 'default/b',
      holder: undefined,
    },
    {
      name: 'owner deleted: the one after still waits',
      claims: [claim('b', 'x', t2), claim('c', 'x', t3)],
      ask: 'default/c',
      holder: 'default/b',
    },
    {
      name: 'missing timestamp sorts as newest',
      claims: [claim('a', 'x', ''), claim('b', 'x', t3)],
      ask: 'default/a',
      holder: 'default/b',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const asking = c.claims.find((x) => key(x) === c.ask);
      assert.ok(asking);
      assert.equal(key(routeHolder(asking, c.claims)), c.holder);
    });
  }

  it('works when claims does not include the claim itself', () => {
    assert.equal(key(routeHolder(claim('b', 'x', t2), [claim('a', 'x', t1)])), 'default/a');
    assert.equal(routeHolder(claim('a', 'x', t1), [claim('b', 'x', t2)]), undefined);
  });

  it('uses the given claim over a stale copy of itself in claims', () => {
    // The stored copy says t3; the claim as asked is t1 (the source of truth for this call).
    const claims = [claim('a', 'x', t3), claim('b', 'x', t2)];
    assert.equal(routeHolder(claim('a', 'x', t1), claims), undefined);
  });

  it('scales to thousands of claims', () => {
    const claims: RouteClaim[] = [];
    for (let i = 0; i < 5000; i++) {
      const time = new Date(Date.UTC(2025, 0, 1) + i * 1000).toISOString();
      claims.push(claim(`ns${i % 50}/s${i}`, `h${i % 100}`, time, `/p${i % 7}/mcp`));
    }
    const started = performance.now();
    for (const c of claims.slice(0, 200)) routeHolder(c, claims);
    assert.ok(performance.now() - started < 2000, 'routeHolder is not quadratic');
    // s0..s99 take hosts h0..h99 on paths /p0../p6 (first come); s700 (h0, /p0) repeats s0's route.
    assert.equal(key(routeHolder(claims[700]!, claims)), 'ns0/s0');
  });
});

describe('overlappingClaims', () => {
  it('returns the others on an overlapping route, without the claim itself', () => {
    const a = claim('a', 'x');
    const claims = [
      a,
      claim('b', 'x'),
      claim('c', undefined),
      claim('d', 'y'),
      claim('e', 'x', undefined, '/other/mcp'),
    ];
    assert.deepEqual(overlappingClaims(a, claims).map(key), ['default/b', 'default/c']);
  });

  it('a hostless claim overlaps every host on its path', () => {
    const a = claim('a', undefined);
    const claims = [a, claim('b', 'x'), claim('c', 'y'), claim('d', 'x', undefined, '/o/mcp')];
    assert.deepEqual(overlappingClaims(a, claims).map(key), ['default/b', 'default/c']);
  });
});

describe('routeConflictMessage', () => {
  const cases: { name: string; holder: RouteClaim; claim: RouteClaim; includes: string[] }[] = [
    {
      name: 'both hosted',
      holder: claim('team-a/weather', 'mcp.example.com'),
      claim: claim('team-b/weather', 'MCP.example.com'),
      includes: [
        'MCPServer team-a/weather',
        'path /weather/mcp',
        'host mcp.example.com',
        'spec.publicPathPrefix',
        'spec.ingressHost',
      ],
    },
    {
      name: 'holder hostless',
      holder: claim('team-a/weather', undefined),
      claim: claim('team-b/weather', 'mcp.example.com'),
      includes: [
        'MCPServer team-a/weather',
        'path /weather/mcp',
        'every host',
        'spec.publicPathPrefix',
      ],
    },
    {
      name: 'claim hostless',
      holder: claim('team-a/weather', 'mcp.example.com'),
      claim: claim('team-b/weather', undefined),
      includes: [
        'MCPServer team-a/weather',
        'host mcp.example.com',
        'every host',
        'spec.publicPathPrefix',
        'spec.ingressHost',
      ],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const message = routeConflictMessage(c.holder, c.claim);
      for (const part of c.includes) assert.ok(message.includes(part), `${message} ∌ ${part}`);
      assert.ok(!message.includes('\n'));
    });
  }

  it('holder hostless does not suggest a host (it would not help)', () => {
    const message = routeConflictMessage(claim('a', undefined), claim('b', 'x'));
    assert.ok(!message.includes('spec.ingressHost'), message);
  });
});
