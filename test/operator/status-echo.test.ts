import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StatusEchoes } from '../../src/operator/status-echo.ts';
import type { KubeObject } from '@mcp-operator/kube-core/port';

const KEY = 'team-a/weather';
const status = {
  phase: 'Ready',
  observedGeneration: 2,
  conditions: [{ type: 'Ready', status: 'True', reason: 'Ready', message: 'Serving' }],
};
const server = (changes: Partial<KubeObject['metadata']> = {}, extra: object = {}): KubeObject => ({
  apiVersion: 'mcpruntime.org/v1alpha1',
  kind: 'MCPServer',
  metadata: {
    name: 'weather',
    namespace: 'team-a',
    generation: 2,
    resourceVersion: '10',
    labels: { team: 'a' },
    annotations: { note: 'x' },
    ...changes,
  },
  spec: { image: 'ghcr.io/acme/weather', port: 8080 },
  ...extra,
});

describe('StatusEchoes', () => {
  const echoes = new StatusEchoes();
  const before = server();
  echoes.wrote(KEY, server({ resourceVersion: '9' }), server({}, { status }));

  it('recognizes the update its own status write brings back, whatever the key order', () => {
    const reordered = {
      conditions: [{ message: 'Serving', reason: 'Ready', status: 'True', type: 'Ready' }],
      observedGeneration: 2,
      phase: 'Ready',
    };
    assert.ok(echoes.isEcho(KEY, before, server({ resourceVersion: '11' }, { status: reordered })));
  });

  it('lets through every other update', () => {
    const cases: [string, KubeObject][] = [
      ['a status someone else wrote', server({}, { status: { ...status, phase: 'Error' } })],
      ['a new generation', server({ generation: 3 }, { status })],
      ['changed labels', server({ labels: { team: 'b' } }, { status })],
      ['changed annotations', server({ annotations: {} }, { status })],
      ['a deletion', server({ deletionTimestamp: '2026-12-01T00:00:00Z' }, { status })],
      ['a changed spec', { ...server({}, { status }), spec: { image: 'other', port: 8080 } }],
    ];
    for (const [what, updated] of cases) {
      assert.equal(echoes.isEcho(KEY, before, updated), false, what);
    }
    assert.equal(
      echoes.isEcho('team-a/other', before, server({}, { status })),
      false,
      'another key',
    );
  });

  it('forgets a deleted server, or one whose status write lost to a newer version', () => {
    const local = new StatusEchoes();
    local.wrote(KEY, before, server({ resourceVersion: '11' }, { status }));
    local.forget(KEY);
    assert.equal(local.isEcho(KEY, before, server({ resourceVersion: '11' }, { status })), false);
    assert.equal(local.latest(KEY, before), before);
  });

  it('gives the server as its own status write left it while the cache holds the version it replaced', () => {
    const local = new StatusEchoes();
    const stale = server({}, { status: { phase: 'Pending', observedGeneration: 1 } });
    local.wrote(KEY, stale, server({ resourceVersion: '11' }, { status }));
    // A pass between the write and its update event (a child's event woke it).
    const latest = local.latest(KEY, stale);
    assert.deepEqual(latest, server({ resourceVersion: '11' }, { status }));
    assert.deepEqual(local.latest(KEY, stale), latest, 'as long as the cache lags');
    assert.equal(stale.metadata.resourceVersion, '10', 'the cached copy is left alone');
    // The cache has the write (or anything newer): the cached copy, and the write is let go.
    const newer = server({ resourceVersion: '12', generation: 3 }, { status });
    assert.equal(local.latest(KEY, newer), newer);
    assert.equal(local.latest(KEY, stale), stale, 'not brought back by a stale read');
    assert.equal(local.latest('team-a/other', stale), stale, 'another key');
  });

  it('lets the write go once an update event shows the cache moved on', () => {
    const local = new StatusEchoes();
    local.wrote(KEY, before, server({ resourceVersion: '11' }, { status }));
    assert.ok(local.isEcho(KEY, before, server({ resourceVersion: '11' }, { status })));
    assert.equal(local.latest(KEY, before), before);
  });
});
