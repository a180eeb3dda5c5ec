// What the server-side printers of the built-in kinds share: the Table's
// column and row shapes, kubectl's durations and timestamps, reading loose
// JSON, and the label and selector formatting of apimachinery. Each kind's
// own printer sits in its registry entry (./<kind>.ts); table.ts renders them.
import { isObject, type JsonObject } from '@mcp-operator/kube-core/json';
import { isQualifiedName, isValidLabelValue } from '@mcp-operator/kube-core/names';
import type { KubeObject } from '../types.ts';
import { humanDuration } from '@mcp-operator/kube-core/duration';

export interface ColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

export type Cell = string | number | boolean | null;

export type Row = { cells: Cell[]; conditions?: Record<string, string>[] };

export interface Printer {
  columns: ColumnDefinition[];
  row: (obj: KubeObject, now: Date) => Row;
}

// ---- durations and timestamps ----------------------------------------------

export { humanDuration };

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** Go's time.Parse(time.RFC3339, s) in milliseconds, or undefined when it would fail. */
export function parseRFC3339(s: string): number | undefined {
  const m = RFC3339.exec(s);
  if (!m) return undefined;
  const [mo, d, h, mi, sec] = m.slice(2, 7).map(Number) as [number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 59) {
    return undefined;
  }
  const ms = Date.parse(s);
  return Number.isNaN(ms) ? undefined : ms;
}

/** translateTimestampSince: "<unknown>" for an unset time. */
export function since(timestamp: unknown, now: Date): string {
  if (typeof timestamp !== 'string' || !timestamp) return '<unknown>';
  const ms = parseRFC3339(timestamp);
  return ms === undefined ? '<unknown>' : humanDuration(now.getTime() - ms);
}

// ---- reading JSON ----------------------------------------------------------

export function get(node: unknown, ...path: (string | number)[]): unknown {
  let cur = node;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as JsonObject)[key as string];
  }
  return cur;
}

export const str = (v: unknown, fallback = ''): string => (typeof v === 'string' ? v : fallback);
export const int = (v: unknown, fallback = 0): number =>
  typeof v === 'number' && Number.isFinite(v) ? Math.trunc(v) : fallback;
export const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const keys = (v: unknown): string[] => (isObject(v) ? Object.keys(v) : []);

export const NAME_DESCRIPTION =
  'Name must be unique within a namespace; it is the identifier clients use to refer to the object.';
export const CREATION_DESCRIPTION =
  'CreationTimestamp is the server time, in RFC 3339 form and UTC, at which the object was created.';

export const nameColumn = (): ColumnDefinition => ({
  name: 'Name',
  type: 'string',
  format: 'name',
  description: NAME_DESCRIPTION,
  priority: 0,
});

export const column = (name: string, description: string, priority = 0, type = 'string') => ({
  name,
  type,
  format: '',
  description,
  priority,
});

export const ageColumn = () => column('Age', CREATION_DESCRIPTION);

// ---- formatting shared by several kinds -------------------------------------

/** labels.FormatLabels: sorted k=v pairs, "<none>" when empty. */
export function formatLabels(map: unknown): string {
  const pairs = keys(map)
    .sort()
    .map((k) => `${k}=${str((map as JsonObject)[k])}`);
  return pairs.length ? pairs.join(',') : '<none>';
}

/** metav1.LabelSelectorAsSelector(...).String(); "<invalid>" when it would not convert. */
export function formatSelector(selector: unknown): string {
  if (!selector || typeof selector !== 'object') return '';
  const reqs: { key: string; text: string }[] = [];
  const matchLabels = (get(selector, 'matchLabels') ?? {}) as JsonObject;
  for (const key of keys(matchLabels)) {
    const value = str(matchLabels[key]);
    if (isQualifiedName(key).length || isValidLabelValue(value).length) return '<invalid>';
    reqs.push({ key, text: `${key}=${value}` });
  }
  for (const expr of list(get(selector, 'matchExpressions'))) {
    const key = str(get(expr, 'key'));
    const values = list(get(expr, 'values')).map((v) => str(v));
    if (isQualifiedName(key).length || values.some((v) => isValidLabelValue(v).length)) {
      return '<invalid>';
    }
    const set = `(${[...values].sort().join(',')})`;
    switch (get(expr, 'operator')) {
      case 'In':
        if (!values.length) return '<invalid>';
        reqs.push({ key, text: `${key} in ${set}` });
        break;
      case 'NotIn':
        if (!values.length) return '<invalid>';
        reqs.push({ key, text: `${key} notin ${set}` });
        break;
      case 'Exists':
        reqs.push({ key, text: key });
        break;
      case 'DoesNotExist':
        reqs.push({ key, text: `!${key}` });
        break;
      default:
        return '<invalid>';
    }
  }
  return reqs
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((r) => r.text)
    .join(',');
}
/** IPs or hostnames of load-balancer ingress points, sorted and de-duplicated. */
export function loadBalancerAddresses(status: unknown): string {
  const found = new Set<string>();
  for (const ing of list(get(status, 'loadBalancer', 'ingress'))) {
    const ip = str(get(ing, 'ip'));
    const hostname = str(get(ing, 'hostname'));
    if (ip) found.add(ip);
    else if (hostname) found.add(hostname);
  }
  return [...found].sort().join(',');
}
