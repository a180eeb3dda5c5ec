// A quantile from a Prometheus histogram's cumulative buckets, as PromQL's
// histogram_quantile computes it: find the bucket the rank falls in and
// interpolate linearly inside it (the lowest bucket starts at 0; a rank in the
// +Inf bucket answers the highest finite bound).

interface MetricValue {
  value: number;
  labels: Record<string, string | number | undefined>;
  metricName?: string;
}

export function histogramQuantile(q: number, values: MetricValue[]): number {
  const buckets = values
    .filter((v) => v.metricName?.endsWith('_bucket') && v.labels['le'] !== undefined)
    .map((v) => ({
      le: v.labels['le'] === '+Inf' ? Infinity : Number(v.labels['le']),
      count: v.value,
    }));
  // Several label sets (controllers) add up bucket by bucket.
  const merged = new Map<number, number>();
  for (const b of buckets) merged.set(b.le, (merged.get(b.le) ?? 0) + b.count);
  const sorted = [...merged].map(([le, count]) => ({ le, count })).sort((a, b) => a.le - b.le);
  const total = sorted.at(-1)?.count ?? 0;
  if (total === 0) return NaN;
  const rank = q * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const { le, count } of sorted) {
    if (count >= rank) {
      if (le === Infinity) return lowerBound;
      if (count === lowerCount) return le;
      return lowerBound + ((le - lowerBound) * (rank - lowerCount)) / (count - lowerCount);
    }
    lowerBound = le;
    lowerCount = count;
  }
  return lowerBound;
}

/**
 * What a counter-like series gained between two readings (a histogram's
 * buckets over a window): each sample minus the earlier sample with the same
 * name and labels, as PromQL's increase() without the extrapolation.
 */
export function samplesSince(now: MetricValue[], before: MetricValue[]): MetricValue[] {
  const key = (v: MetricValue) =>
    `${v.metricName ?? ''}${JSON.stringify(Object.entries(v.labels).sort())}`;
  const earlier = new Map(before.map((v) => [key(v), v.value]));
  return now.map((v) => ({ ...v, value: v.value - (earlier.get(key(v)) ?? 0) }));
}

/** Samples of the Prometheus text exposition format: `name{label="v",…} value`. */
export function parsePrometheusText(text: string): MetricValue[] {
  const samples: MetricValue[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([A-Za-z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const [, key, value] of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
      labels[key!] = value!;
    }
    samples.push({ metricName: m[1]!, labels, value: Number(m[3]) });
  }
  return samples;
}

/**
 * The nearest-rank quantile of measured values (the smallest value with at
 * least q of them at or below it): for the bench's own timings, where every
 * value is known and nothing needs interpolating.
 */
export function nearestRank(q: number, values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
}
