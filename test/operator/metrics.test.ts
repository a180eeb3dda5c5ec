// The per-server gauges, rendered from their own lines: the text must be what
// prom-client writes for the same gauges (prom-client's registry.js: a family
// is HELP, TYPE and its samples joined by newlines; families are joined by a
// blank line; label values escape backslash, newline and double quote).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Gauge, Registry } from 'prom-client';
import { PHASES } from '../../src/api/v1alpha1/schema.ts';
import { createRuntimeMetrics } from '../../src/controller/metrics.ts';
import { createServerMetrics } from '../../src/operator/metrics.ts';

/** The same observations through prom-client gauges, as the operator kept them before. */
function promClientText(steps: (['observe', string, string, boolean] | ['forget', string])[]) {
  const registry = new Registry();
  const phase = new Gauge({
    name: 'mcpserver_phase',
    help: 'Phase of each MCPServer: 1 for the current phase, 0 for the others.',
    labelNames: ['namespace', 'name', 'phase'],
    registers: [registry],
  });
  const ready = new Gauge({
    name: 'mcpserver_ready',
    help: 'Whether each MCPServer is ready (1) or not (0).',
    labelNames: ['namespace', 'name'],
    registers: [registry],
  });
  for (const step of steps) {
    const [namespace, name] = step[1].split('/') as [string, string];
    if (step[0] === 'observe') {
      for (const p of PHASES) phase.set({ namespace, name, phase: p }, p === step[2] ? 1 : 0);
      ready.set({ namespace, name }, step[3] ? 1 : 0);
    } else {
      for (const p of PHASES) phase.remove({ namespace, name, phase: p });
      ready.remove({ namespace, name });
    }
  }
  return registry.metrics();
}

function ours(steps: (['observe', string, string, boolean] | ['forget', string])[]) {
  let render = () => '';
  const metrics = createServerMetrics({ addTextCollector: (r) => void (render = r) });
  for (const step of steps) {
    if (step[0] === 'observe') metrics.observe(step[1], step[2], step[3]);
    else metrics.forget(step[1]);
  }
  return `${render()}\n`;
}

describe('per-server gauges', () => {
  const cases: [string, (['observe', string, string, boolean] | ['forget', string])[]][] = [
    ['no servers', []],
    [
      'servers in the order first seen, a phase change in place',
      [
        ['observe', 'team-a/weather', 'PartiallyReady', false],
        ['observe', 'team-b/tickets', 'Pending', false],
        ['observe', 'team-a/weather', 'Ready', true],
      ],
    ],
    [
      'a forgotten server, and one seen again after it was forgotten',
      [
        ['observe', 'team-a/one', 'Ready', true],
        ['observe', 'team-a/two', 'Error', false],
        ['forget', 'team-a/one'],
        ['observe', 'team-a/three', 'Ready', true],
        ['observe', 'team-a/one', 'Pending', false],
      ],
    ],
    // Names cannot hold these; the escaping is prom-client's all the same.
    ['label values that need escaping', [['observe', 'a"b\\c\nd/n', 'Ready', true]]],
  ];
  for (const [what, steps] of cases) {
    it(`writes what prom-client writes: ${what}`, async () => {
      assert.equal(ours(steps), await promClientText(steps));
    });
  }

  it('follows the registry in one /metrics body, a blank line between families', async () => {
    const runtime = createRuntimeMetrics();
    createServerMetrics(runtime).observe('team-a/weather', 'Ready', true);
    const text = await runtime.scrape();
    // Every family a block of its own (process metrics change between readings: not compared).
    const families = text.trimEnd().split('\n\n');
    assert.ok(families.every((f) => f.startsWith('# HELP ')));
    assert.deepEqual(
      families.slice(-2).map((f) => f.split(' ')[2]),
      ['mcpserver_phase', 'mcpserver_ready'],
    );
    assert.ok(families.some((f) => f.startsWith('# HELP controller_runtime_reconcile_total ')));
    assert.match(
      text,
      /\n\n# HELP mcpserver_phase [^\n]+\n# TYPE mcpserver_phase gauge\nmcpserver_phase\{namespace="team-a",name="weather",phase="Ready"\} 1\n/,
    );
    assert.ok(
      text.endsWith(
        '\n\n# HELP mcpserver_ready Whether each MCPServer is ready (1) or not (0).\n# TYPE mcpserver_ready gauge\nmcpserver_ready{namespace="team-a",name="weather"} 1\n',
      ),
    );
  });
});
