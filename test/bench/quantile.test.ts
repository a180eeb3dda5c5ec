// The bench's reading of the operator's /metrics: Prometheus text, PromQL's
// histogram_quantile (promql/quantile.go: linear inside the bucket the rank
// falls in, the lowest bucket starting at 0, the +Inf bucket answering the
// highest finite bound) and a window of a histogram between two readings.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  histogramQuantile,
  nearestRank,
  parsePrometheusText,
  samplesSince,
} from '../../bench/quantile.ts';

const exposition = (counts: [string, number][], controller = 'mcpserver') =>
  counts
    .map(
      ([le, n]) =>
        `controller_runtime_reconcile_time_seconds_bucket{controller="${controller}",le="${le}"} ${n}`,
    )
    .join('\n');

describe('bench metrics', () => {
  it('reads samples with their labels, skipping comments', () => {
    const samples = parsePrometheusText(
      '# HELP x help\n# TYPE x counter\nx_total{code="200",method="GET"} 7\nup 1\n',
    );
    assert.deepEqual(samples, [
      { metricName: 'x_total', labels: { code: '200', method: 'GET' }, value: 7 },
      { metricName: 'up', labels: {}, value: 1 },
    ]);
  });

  it('interpolates a quantile inside its bucket, as histogram_quantile does', () => {
    const buckets = parsePrometheusText(
      exposition([
        ['0.01', 50],
        ['0.025', 90],
        ['0.05', 100],
        ['+Inf', 100],
      ]),
    );
    const cases: [number, number][] = [
      [0.5, 0.01], // the rank is the first bucket's count: its upper bound
      [0.25, 0.005], // inside the first bucket, from 0
      [0.7, 0.0175], // halfway through the second
      [0.99, 0.0475],
    ];
    for (const [q, want] of cases) assert.ok(Math.abs(histogramQuantile(q, buckets) - want) < 1e-9);
  });

  it('answers the highest finite bound for a rank in +Inf, and NaN without observations', () => {
    const buckets = parsePrometheusText(
      exposition([
        ['0.01', 1],
        ['0.025', 1],
        ['+Inf', 10],
      ]),
    );
    assert.equal(histogramQuantile(0.99, buckets), 0.025);
    assert.ok(Number.isNaN(histogramQuantile(0.5, parsePrometheusText(exposition([['+Inf', 0]])))));
  });

  it('adds up the buckets of several controllers', () => {
    const buckets = parsePrometheusText(
      `${exposition([
        ['0.01', 10],
        ['+Inf', 10],
      ])}\n${exposition(
        [
          ['0.01', 0],
          ['+Inf', 10],
        ],
        'other',
      )}`,
    );
    assert.equal(histogramQuantile(0.5, buckets), 0.01);
    assert.equal(histogramQuantile(0.9, buckets), 0.01);
  });

  it('gives the passes of a window: the later reading minus the earlier, series by series', () => {
    const before = parsePrometheusText(
      exposition([
        ['0.01', 10],
        ['0.025', 40],
        ['+Inf', 40],
      ]),
    );
    const after = parsePrometheusText(
      `${exposition([
        ['0.01', 60],
        ['0.025', 90],
        ['+Inf', 90],
      ])}\n${exposition([['+Inf', 5]], 'new')}`,
    );
    const window = samplesSince(after, before);
    assert.deepEqual(
      window.map((v) => [v.labels['controller'], v.labels['le'], v.value]),
      [
        ['mcpserver', '0.01', 50],
        ['mcpserver', '0.025', 50],
        ['mcpserver', '+Inf', 50],
        ['new', '+Inf', 5],
      ],
    );
    // Before, 30 of 40 passes took over 10 ms; in the window none did.
    // Rank 39.6 of 40: 29.6 of the 30 passes between 10 and 25 ms.
    assert.ok(Math.abs(histogramQuantile(0.99, before) - (0.01 + (0.015 * 29.6) / 30)) < 1e-12);
    assert.equal(histogramQuantile(1, window.slice(0, 3)), 0.01);
  });

  it('takes a nearest-rank quantile of measured values, in any order', () => {
    const waits = [9, 1, 8, 2, 7, 3, 6, 4, 5, 10];
    const cases: [number, number][] = [
      [0.5, 5], // five of ten at or below it
      [0.99, 10], // ten values: the 99th percentile is the largest
      [0.1, 1],
      [0.11, 2],
      [0, 1],
      [1, 10],
    ];
    for (const [q, want] of cases) assert.equal(nearestRank(q, waits), want, `q=${q}`);
    assert.deepEqual(waits, [9, 1, 8, 2, 7, 3, 6, 4, 5, 10], 'the input is left in its order');
    assert.ok(Number.isNaN(nearestRank(0.5, [])));
  });
});
