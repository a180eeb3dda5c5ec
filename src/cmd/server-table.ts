// The table of MCPServers `mcp-operator local` keeps on screen: namespace,
// name, phase, ready, url and age, aligned as kubectl aligns its tables; and,
// when stdout is not a terminal, one line per change instead. Pure.
import { humanDuration } from '@mcp-operator/kube-core/duration';

export interface ServerRow {
  namespace: string;
  name: string;
  phase: string;
  /** The Ready condition's status ('True', 'False', 'Unknown'), or '' before the first status. */
  ready: string;
  url: string;
  /** creationTimestamp in ms since the epoch, or undefined. */
  createdMs: number | undefined;
}

interface ServerLike {
  metadata?: { namespace?: string; name?: string; creationTimestamp?: string };
  status?: { phase?: string; url?: string; conditions?: { type?: string; status?: string }[] };
}

export function serverRow(object: unknown): ServerRow {
  const server = object as ServerLike;
  const created = Date.parse(server.metadata?.creationTimestamp ?? '');
  return {
    namespace: server.metadata?.namespace ?? '',
    name: server.metadata?.name ?? '',
    phase: server.status?.phase ?? '',
    ready: server.status?.conditions?.find((c) => c.type === 'Ready')?.status ?? '',
    url: server.status?.url ?? '',
    createdMs: Number.isNaN(created) ? undefined : created,
  };
}

/** Rows in kubectl's order: by namespace, then name. */
export function sortRows(rows: Iterable<ServerRow>): ServerRow[] {
  return [...rows].sort(
    (a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name),
  );
}

const HEADERS = ['NAMESPACE', 'NAME', 'PHASE', 'READY', 'URL', 'AGE'];
const orNone = (value: string) => value || '<none>';

/** The table's lines, columns three spaces apart as kubectl's printer spaces them. */
export function renderTable(rows: ServerRow[], nowMs: number): string[] {
  if (rows.length === 0) return ['No MCPServers yet.'];
  const cells = sortRows(rows).map((r) => [
    r.namespace,
    r.name,
    orNone(r.phase),
    orNone(r.ready),
    orNone(r.url),
    r.createdMs === undefined ? '<unknown>' : humanDuration(nowMs - r.createdMs),
  ]);
  const widths = HEADERS.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  return [HEADERS, ...cells].map((line) =>
    line
      .map((cell, i) => (i === line.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join('   ')
      .trimEnd(),
  );
}

/**
 * The line that reports a change of what the table shows (phase, ready, url),
 * a new server or a deleted one; undefined when nothing shown changed.
 */
export function changeLine(
  before: ServerRow | undefined,
  after: ServerRow | undefined,
): string | undefined {
  const row = after ?? before;
  if (!row) return undefined;
  const who = `${row.namespace}/${row.name}`;
  if (!after) return `${who} deleted`;
  const shown = (r: ServerRow) =>
    `phase=${orNone(r.phase)} ready=${orNone(r.ready)} url=${orNone(r.url)}`;
  if (before && shown(before) === shown(after)) return undefined;
  return `${who} ${shown(after)}`;
}
