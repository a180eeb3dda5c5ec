// The README's reference tables, checked against the code so that a stale
// README fails CI: the operator environment and the process environment, the
// `run` flags, every spec and status field of the MCPServer, the phases, every
// condition reason and the Events. Each failure names the row to add or remove.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { StructuralSchema } from '@mcp-operator/kube-core/structural';
import { mcpServerOpenAPISchema } from '../../src/api/v1alpha1/crd.ts';
import { PHASES } from '../../src/api/v1alpha1/schema.ts';
import { OPERATOR_ENV_DEFAULTS, parseOperatorEnv } from '../../src/cmd/env.ts';
import { RUN_FLAGS } from '../../src/cmd/run.ts';
import { CONDITION_REASONS } from '../../src/operator/conditions.ts';

const root = new URL('../..', import.meta.url).pathname;
const README = 'README.md';
const markdown = readFileSync(join(root, README), 'utf8');

// ---------------------------------------------------------------------------
// A small reader for the README's pipe tables.

interface Row {
  /** 1-based line in README.md, for messages. */
  line: number;
  cells: string[];
}

interface Table {
  /** The headings the table sits under, by level: headings[1] is its `##`. */
  headings: string[];
  /** Header cells, lower-cased. */
  header: string[];
  rows: Row[];
}

/** The cells of a `| a | b |` line; `\|` is a pipe inside a cell. */
function splitRow(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === '\\' && line[i + 1] === '|') {
      cell += '|';
      i++;
    } else if (c === '|') {
      cells.push(cell.trim());
      cell = '';
    } else {
      cell += c;
    }
  }
  cells.push(cell.trim());
  return cells.slice(1, -1); // the row's leading and trailing pipes
}

function parseTables(text: string): Table[] {
  const lines = text.split('\n');
  const tables: Table[] = [];
  const headings: string[] = [];
  let fenced = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^\s*(```|~~~)/.test(line)) {
      fenced = !fenced;
      continue;
    }
    if (fenced) continue;
    const heading = /^(#{1,6})\s+(.*?)\s*$/.exec(line);
    if (heading) {
      const level = heading[1]!.length;
      headings.length = level - 1;
      headings[level - 1] = heading[2]!;
      continue;
    }
    const next = lines[i + 1] ?? '';
    if (line.startsWith('|') && /^\|(\s*:?-+:?\s*\|)+\s*$/.test(next)) {
      const table: Table = {
        headings: [...headings],
        header: splitRow(line).map((h) => h.toLowerCase()),
        rows: [],
      };
      let j = i + 2;
      for (; j < lines.length && lines[j]!.startsWith('|'); j++) {
        table.rows.push({ line: j + 1, cells: splitRow(lines[j]!) });
      }
      tables.push(table);
      i = j - 1;
    }
  }
  return tables;
}

const tables = parseTables(markdown);

/** The first table directly under `### sub` of `## section`. */
function tableUnder(section: string, sub: string): Table {
  const found = tables.find((t) => t.headings[1] === section && t.headings[2] === sub);
  assert.ok(found, `${README} has no table under "## ${section}" → "### ${sub}"; restore it`);
  return found;
}

/** The tables of `## section` whose first header cell is `first`. */
function tablesIn(section: string, first: string): Table[] {
  const found = tables.filter((t) => t.headings[1] === section && t.header[0] === first);
  assert.ok(found.length > 0, `${README} has no "${first}" table under "## ${section}"`);
  return found;
}

function column(table: Table, name: string): number {
  const index = table.header.indexOf(name);
  assert.ok(
    index >= 0,
    `a table in ${README} lost its "${name}" column: ${table.header.join(' | ')}`,
  );
  return index;
}

/** The contents of the `code spans` of a cell, in order. */
function codeSpans(cell: string | undefined): string[] {
  return [...(cell ?? '').matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
}

/** Documented names → the row documenting each (a row may document several). */
function documented(table: Table, pick: (cell: string) => string[]): Map<string, Row> {
  const names = new Map<string, Row>();
  for (const row of table.rows) for (const name of pick(row.cells[0] ?? '')) names.set(name, row);
  return names;
}

/** Both directions of a comparison, as messages saying which row to add or remove. */
function compareSets(
  docs: Map<string, Row>,
  code: Iterable<string>,
  what: { table: string; addRow: (name: string) => string; source: string },
): string[] {
  const expected = new Set(code);
  const problems: string[] = [];
  for (const name of [...expected].sort()) {
    if (!docs.has(name)) {
      problems.push(
        `${README} "${what.table}" lacks ${name} (${what.source}): add a row ${what.addRow(name)}`,
      );
    }
  }
  for (const [name, row] of docs) {
    if (!expected.has(name)) {
      problems.push(
        `${README}:${row.line} "${what.table}" lists ${name}, which is not in ${what.source}: remove that row, or the name from it`,
      );
    }
  }
  return problems;
}

function assertNone(problems: string[]) {
  assert.equal(problems.length, 0, `\n${problems.join('\n')}`);
}

// ---------------------------------------------------------------------------
// What the code says.

/** Every .ts file under a folder of the repository. */
function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

const source = (path: string) => readFileSync(join(root, path), 'utf8');

/** CamelCase string literals assigned to or compared with a `reason` in `text`. */
function reasonLiterals(text: string): Set<string> {
  const found = new Set<string>();
  for (const m of text.matchAll(/\breason\b\s*(?::|===?)\s*([^;,\n)]*)/g)) {
    for (const literal of m[1]!.matchAll(/'([A-Z][A-Za-z]+)'/g)) found.add(literal[1]!);
  }
  return found;
}

const union = (...sets: Iterable<string>[]) => new Set(sets.flatMap((s) => [...s]));

/** The reconciler's text split into its `events.record(...)` calls and the rest. */
function reconcilerParts() {
  const text = source('src/operator/reconciler.ts');
  const calls = [...text.matchAll(/events\.record\(\s*server,\s*\{([\s\S]*?)\}\s*\)/g)];
  let rest = text;
  for (const call of calls) rest = rest.replace(call[0], '');
  return { text, events: calls.map((c) => c[1]!).join('\n'), rest };
}

/**
 * Reasons the code compares with but never sets: `Conflict` is the API's 409
 * reason on the ConflictError the reconciler raises for a lost status race.
 */
const NOT_OURS = new Set(['Conflict']);

/** Every reason the code sets on a condition, read from the modules that set them. */
function conditionReasonsInCode(): Set<string> {
  const readiness = source('src/operator/readiness.ts');
  const surfaces = new Set(
    [...readiness.matchAll(/\b(?:ready|notReady)\(\s*'([A-Z][A-Za-z]+)'/g)].map((m) => m[1]!),
  );
  const all = union(
    surfaces,
    reasonLiterals(source('src/operator/status.ts')),
    reasonLiterals(source('src/operator/desired.ts')),
    reasonLiterals(reconcilerParts().rest),
  );
  return new Set([...all].filter((r) => !NOT_OURS.has(r)));
}

/** Every reason the reconciler records as an Event: its own and its failures'. */
function eventReasonsInCode(): Set<string> {
  const { text, events } = reconcilerParts();
  const failures = [...text.matchAll(/kind:\s*'failed',\s*reason:\s*'([A-Z][A-Za-z]+)'/g)].map(
    (m) => m[1]!,
  );
  return union(reasonLiterals(events), failures);
}

/** The fields of a structural schema: leaves, and every object or list on the way. */
function fieldPaths(schema: StructuralSchema): { leaves: Set<string>; all: Set<string> } {
  const leaves = new Set<string>();
  const all = new Set<string>();
  const walk = (s: StructuralSchema, path: string) => {
    if (s.type === 'array' && s.items && (s.items.type === 'object' || s.items.type === 'array')) {
      all.add(path);
      walk(s.items, `${path}[]`);
    } else if (s.type === 'object' && s.properties) {
      if (path) all.add(path);
      for (const [key, child] of Object.entries(s.properties)) {
        walk(child, path ? `${path}.${key}` : key);
      }
    } else {
      // A scalar, a list of scalars, or a map: one row in the reference.
      leaves.add(path);
      all.add(path);
    }
  };
  walk(schema, '');
  return { leaves, all };
}

/** The schema node of a field path such as `tools[].requiredTrust`. */
function schemaAt(schema: StructuralSchema, path: string): StructuralSchema | undefined {
  let node: StructuralSchema | undefined = schema;
  for (const part of path.split('.')) {
    const list = part.endsWith('[]');
    node = node?.properties?.[list ? part.slice(0, -2) : part];
    if (list) node = node?.items;
  }
  return node;
}

const crdSchema = mcpServerOpenAPISchema();
const specSchema = crdSchema.properties!.spec!;
const statusSchema = crdSchema.properties!.status!;

// ---------------------------------------------------------------------------

describe('README.md matches the code', () => {
  it('the operator environment table lists exactly the variables src/cmd/env.ts reads, with their defaults', () => {
    // What parseOperatorEnv reads, observed: every variable it looks up.
    const read = new Set<string>();
    const probe = new Proxy<Record<string, string | undefined>>(
      {},
      {
        get: (_target, key) => {
          if (typeof key === 'string') read.add(key);
          return undefined;
        },
      },
    );
    assert.ok(parseOperatorEnv(probe).ok);
    assert.deepEqual(
      [...read].sort(),
      Object.keys(OPERATOR_ENV_DEFAULTS).sort(),
      'OPERATOR_ENV_DEFAULTS in src/cmd/env.ts must list exactly the variables parseOperatorEnv reads',
    );

    const table = tableUnder('Operator configuration', 'Operator environment');
    const docs = documented(table, (cell) =>
      codeSpans(cell).filter((s) => /^[A-Z][A-Z0-9_]*$/.test(s)),
    );
    const defaults = OPERATOR_ENV_DEFAULTS as Record<string, string>;
    const problems = compareSets(docs, Object.keys(defaults), {
      table: 'Operator environment',
      source: 'OPERATOR_ENV_DEFAULTS of src/cmd/env.ts',
      addRow: (name) =>
        `| \`${name}\` | ${defaults[name] ? `\`${defaults[name]}\`` : 'none'} | … | … |`,
    });
    const col = column(table, 'default');
    for (const [name, row] of docs) {
      const expected = defaults[name];
      if (expected === undefined) continue;
      const cell = row.cells[col] ?? '';
      if (expected === '') {
        if (!/^(none|—)/.test(cell)) {
          problems.push(
            `${README}:${row.line} says the default of ${name} is "${cell}"; the code has none: start the cell with "none"`,
          );
        }
      } else if (codeSpans(cell)[0] !== expected) {
        problems.push(
          `${README}:${row.line} says the default of ${name} is "${cell}"; the code's is \`${expected}\``,
        );
      }
    }
    assertNone(problems);
  });

  it('the process environment table lists exactly the other variables src/ reads', () => {
    const reads = new Set<string>();
    for (const file of sourceFiles('src')) {
      if (file === join('src', 'cmd', 'env.ts')) continue; // the operator environment, above
      const text = source(file);
      for (const m of text.matchAll(/\benv\.([A-Z][A-Z0-9_]*)\b/g)) reads.add(m[1]!);
      for (const m of text.matchAll(/\benv\[\s*['"]([A-Z][A-Z0-9_]*)['"]\s*\]/g)) reads.add(m[1]!);
    }
    assert.ok(reads.has('KUBECONFIG'), 'the scan of src/ for env.NAME found nothing');
    const table = tableUnder('Operator configuration', 'Process environment');
    const docs = documented(table, (cell) =>
      codeSpans(cell).filter((s) => /^[A-Z][A-Z0-9_]*$/.test(s)),
    );
    assertNone(
      compareSets(docs, reads, {
        table: 'Process environment',
        source: 'the env.NAME reads under src/',
        addRow: (name) => `| \`${name}\` | … |`,
      }),
    );
  });

  it('the `run` flag table lists exactly the flags of src/cmd/run.ts, with their defaults', () => {
    const table = tableUnder('Operator configuration', '`run` flags');
    const docs = documented(table, (cell) => {
      const flag = /^--([a-z0-9-]+)/.exec(codeSpans(cell)[0] ?? '');
      return flag ? [flag[1]!] : [];
    });
    const flags = RUN_FLAGS as Record<string, { type: string; default?: unknown }>;
    const problems = compareSets(docs, Object.keys(flags), {
      table: '`run` flags',
      source: 'RUN_FLAGS of src/cmd/run.ts',
      addRow: (name) => {
        const d = flags[name]!.default;
        const shown = typeof d === 'string' || typeof d === 'boolean' ? `\`${String(d)}\`` : '…';
        return `| \`--${name}\` | ${shown} | … |`;
      },
    });
    const col = column(table, 'default');
    for (const [name, row] of docs) {
      const d = flags[name]?.default;
      if (typeof d !== 'string' && typeof d !== 'boolean') continue;
      const shown = codeSpans(row.cells[col])[0];
      if (shown !== String(d)) {
        problems.push(
          `${README}:${row.line} says --${name} defaults to ${shown === undefined ? `"${row.cells[col]}"` : `\`${shown}\``}; the code's default is \`${String(d)}\``,
        );
      }
    }
    assertNone(problems);
  });

  it('the reference documents every spec field of the CRD schema, and no other', () => {
    const { leaves, all } = fieldPaths(specSchema);
    const docs = new Map<string, Row>();
    const problems: string[] = [];
    const reference = tablesIn('The MCPServer reference', 'field');
    for (const table of reference) {
      for (const row of table.rows) {
        for (const span of codeSpans(row.cells[0])) {
          const path = span.replace(/^spec\./, '');
          docs.set(path, row);
          if (!all.has(path)) {
            problems.push(
              `${README}:${row.line} documents spec.${path}, which the MCPServer schema (src/api/v1alpha1/schema.ts) does not have: remove that row, or the name from it`,
            );
          }
        }
      }
    }
    for (const leaf of [...leaves].sort()) {
      if (!docs.has(leaf)) {
        problems.push(
          `${README} "The MCPServer reference" lacks spec.${leaf}: add a row | \`${leaf}\` | type | default | rules | example |`,
        );
      }
    }
    // Defaults the CRD declares (the API server fills them in) must be the ones shown.
    for (const leaf of leaves) {
      const value = schemaAt(specSchema, leaf)?.default;
      const row = docs.get(leaf);
      if (value === undefined || !row) continue;
      const declared = typeof value === 'string' ? value : JSON.stringify(value);
      const table = reference.find((t) => t.rows.includes(row))!;
      const cell = row.cells[column(table, 'default')];
      if (!codeSpans(cell).includes(declared)) {
        problems.push(
          `${README}:${row.line} shows the default of spec.${leaf} as "${cell}"; the CRD's is \`${declared}\``,
        );
      }
    }
    assertNone(problems);
  });

  it('the status fields table lists exactly the status fields of the CRD schema', () => {
    const [table] = tablesIn('The MCPServer reference', 'status field');
    const docs = documented(table!, (cell) =>
      codeSpans(cell).map((s) => s.replace(/^status\./, '')),
    );
    assertNone(
      compareSets(docs, Object.keys(statusSchema.properties ?? {}), {
        table: 'Status fields',
        source: 'the status of the MCPServer schema',
        addRow: (name) => `| \`${name}\` | type | meaning |`,
      }),
    );
  });

  it('the phases table lists exactly the phases', () => {
    const table = tableUnder('Status', 'Phases');
    const docs = documented(table, (cell) => codeSpans(cell).slice(0, 1));
    assertNone(
      compareSets(docs, PHASES, {
        table: 'Phases',
        source: 'PHASES of src/api/v1alpha1/schema.ts',
        addRow: (name) => `| \`${name}\` | meaning |`,
      }),
    );
  });

  it('CONDITION_REASONS of src/operator/conditions.ts lists every reason the code sets', () => {
    const listed = new Set<string>(
      Object.values(CONDITION_REASONS).flatMap((byStatus) => [...byStatus.True, ...byStatus.False]),
    );
    const inCode = conditionReasonsInCode();
    const missing = [...inCode].filter((r) => !listed.has(r)).sort();
    const stale = [...listed].filter((r) => !inCode.has(r)).sort();
    assert.deepEqual(
      { missing, stale },
      { missing: [], stale: [] },
      'add the missing reasons to CONDITION_REASONS (under their condition type and status) and remove the stale ones',
    );
  });

  it('the conditions table explains every condition reason the code can set, and no other', () => {
    const table = tableUnder('Status', 'Conditions');
    const [typeCol, statusCol, reasonCol] = ['condition', 'status', 'reason'].map((c) =>
      column(table, c),
    );
    const docs = new Map<string, Row>();
    for (const row of table.rows) {
      const type = codeSpans(row.cells[typeCol!])[0] ?? row.cells[typeCol!] ?? '';
      const status = (row.cells[statusCol!] ?? '').replace(/`/g, '');
      const reason = codeSpans(row.cells[reasonCol!])[0] ?? row.cells[reasonCol!] ?? '';
      docs.set(`${type} ${status} ${reason}`, row);
    }
    const inCode = Object.entries(CONDITION_REASONS).flatMap(([type, byStatus]) =>
      (['True', 'False'] as const).flatMap((status) =>
        byStatus[status].map((reason) => `${type} ${status} ${reason}`),
      ),
    );
    assertNone(
      compareSets(docs, inCode, {
        table: 'Conditions',
        source: 'CONDITION_REASONS of src/operator/conditions.ts',
        addRow: (key) => {
          const [type, status, reason] = key.split(' ');
          return `| \`${type}\` | ${status} | \`${reason}\` | meaning, and what to do |`;
        },
      }),
    );
  });

  it('the Events table lists exactly the reasons the reconciler records', () => {
    const table = tableUnder('Status', 'Events');
    const col = column(table, 'reason');
    const docs = new Map<string, Row>();
    for (const row of table.rows) for (const r of codeSpans(row.cells[col])) docs.set(r, row);
    const inCode = eventReasonsInCode();
    assert.ok(inCode.has('Created'), 'the scan of src/operator/reconciler.ts found no Events');
    assertNone(
      compareSets(docs, inCode, {
        table: 'Events',
        source: 'the events src/operator/reconciler.ts records',
        addRow: (reason) => `| Normal or Warning | \`${reason}\` | when |`,
      }),
    );
  });

  it('links inside the README point at headings that exist', () => {
    const anchors = new Set(
      [...markdown.matchAll(/^#{1,6}\s+(.*)$/gm)].map((m) =>
        m[1]!
          .trim()
          .toLowerCase()
          .replace(/[^a-z0-9 _-]/g, '')
          .replace(/ /g, '-'),
      ),
    );
    const broken = [...markdown.matchAll(/\]\(#([^)]+)\)/g)]
      .map((m) => m[1]!)
      .filter((anchor) => !anchors.has(anchor));
    assert.deepEqual(broken, [], `fix the links to these anchors in ${README}`);
  });
});
