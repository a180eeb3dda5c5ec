// meta.k8s.io/v1 Table output (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`),
// rendered as kube-apiserver renders it: the apiextensions table convertor for
// custom resources (Name + additionalPrinterColumns), the server-side printers
// for built-ins (their registry entries' printers, src/kinds/; always with
// the wide columns, kubectl hides priority > 0), and the default convertor
// (Name, Created At) for everything else.
import { goJson, goNumber } from '@mcp-operator/kube-core/go-format';
import { clone } from '@mcp-operator/kube-core/json';
import { evaluateJsonPath } from './jsonpath.ts';
import { strategyFor } from './kinds/index.ts';
import {
  CREATION_DESCRIPTION,
  column,
  humanDuration,
  nameColumn,
  parseRFC3339,
  str,
  type Cell,
  type Printer,
} from './kinds/print.ts';
import type { KubeObject, PrinterColumn, ResourceType } from './types.ts';

export { humanDuration } from './kinds/print.ts';

export interface TableOptions {
  includeObject: 'None' | 'Metadata' | 'Object';
  now: Date;
}

// ---- Go value printing (jsonpath's PrintResults) ----------------------------

function printValue(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'number') return goNumber(v);
  if (typeof v === 'object' && v !== null) return goJson(v);
  return null;
}

// ---- custom resources (apiextensions table convertor) ----------------------

/** CRD versions without printer columns are served with a single Age column. */
const DEFAULT_CRD_COLUMNS: PrinterColumn[] = [
  {
    name: 'Age',
    type: 'date',
    jsonPath: '.metadata.creationTimestamp',
    description: CREATION_DESCRIPTION,
  },
];

function cellForColumn(col: PrinterColumn, obj: KubeObject, now: Date): Cell {
  let results: unknown[];
  try {
    results = evaluateJsonPath(obj, col.jsonPath);
  } catch {
    return null;
  }
  // Only the first match is shown; a missing value is a null cell, blank in kubectl.
  if (!results.length || results[0] === undefined || results[0] === null) return null;
  const value = results[0];
  switch (col.type) {
    case 'string':
      return printValue(value);
    case 'integer':
      return typeof value === 'number' ? Math.trunc(value) : null;
    case 'number':
      return typeof value === 'number' ? value : null;
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    case 'date': {
      if (typeof value !== 'string') return null;
      if (value === '' || value === 'null') return '<unknown>';
      const ms = parseRFC3339(value);
      return ms === undefined ? '<invalid>' : humanDuration(now.getTime() - ms);
    }
    default:
      return null;
  }
}

function customResourcePrinter(type: ResourceType): Printer {
  const columns = type.printerColumns?.length ? type.printerColumns : DEFAULT_CRD_COLUMNS;
  return {
    columns: [
      nameColumn(),
      ...columns.map((c) => ({
        name: c.name,
        type: c.type,
        format: c.format ?? '',
        description:
          c.description || `Custom resource definition column (in JSONPath format): ${c.jsonPath}`,
        priority: c.priority ?? 0,
      })),
    ],
    row: (obj, now) => ({
      cells: [obj.metadata.name ?? '', ...columns.map((c) => cellForColumn(c, obj, now))],
    }),
  };
}

const defaultPrinter: Printer = {
  columns: [nameColumn(), { ...column('Created At', CREATION_DESCRIPTION), type: 'date' }],
  row: (obj) => {
    const ms = parseRFC3339(str(obj.metadata.creationTimestamp));
    // A zero time prints as Go's zero time in RFC 3339.
    const created =
      ms === undefined
        ? '0001-01-01T00:00:00Z'
        : new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
    return { cells: [obj.metadata.name ?? '', created] };
  },
};

function printerFor(type: ResourceType): Printer {
  if (!type.builtin) return customResourcePrinter(type);
  return strategyFor(type)?.printer ?? defaultPrinter;
}

function rowObject(obj: KubeObject, includeObject: TableOptions['includeObject']): unknown {
  switch (includeObject) {
    case 'None':
      return null;
    case 'Object':
      return clone(obj);
    default:
      return {
        kind: 'PartialObjectMetadata',
        apiVersion: 'meta.k8s.io/v1',
        metadata: clone(obj.metadata),
      };
  }
}

/**
 * A meta.k8s.io/v1 Table for objects of one type: CRDs → Name + printer columns
 * (priority carried in columnDefinitions); built-ins → their kube columns;
 * others → Name, Created At. Row objects follow `includeObject` (Metadata →
 * PartialObjectMetadata, None → null, Object → the object).
 */
export function toTable(
  objects: KubeObject[],
  type: ResourceType,
  listMeta: { resourceVersion: string; continue?: string },
  options: TableOptions,
): Record<string, unknown> {
  const printer = printerFor(type);
  const metadata: Record<string, string> = {};
  if (listMeta.resourceVersion) metadata.resourceVersion = listMeta.resourceVersion;
  if (listMeta.continue) metadata.continue = listMeta.continue;
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata,
    columnDefinitions: printer.columns.map((c) => ({ ...c })),
    rows: objects.map((obj) => {
      const { cells, conditions } = printer.row(obj, options.now);
      return {
        cells,
        ...(conditions ? { conditions } : {}),
        object: rowObject(obj, options.includeObject),
      };
    }),
  };
}
