// The servers' table of `mcp-operator local`: rows from MCPServers, kubectl's
// alignment (three spaces between columns, <none> for empty cells, Age as
// kubectl's HumanDuration), one line per change off a terminal, and in-place
// redraws on one.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LiveTable } from '../../src/cmd/live-table.ts';
import { changeLine, renderTable, serverRow } from '../../src/cmd/server-table.ts';

const T0 = Date.parse('2026-01-01T00:00:00Z');

function server(name: string, status?: Record<string, unknown>, namespace = 'default') {
  return {
    metadata: { name, namespace, creationTimestamp: '2026-01-01T00:00:00Z' },
    ...(status ? { status } : {}),
  };
}
const ready = (url: string) => ({
  phase: 'Ready',
  url,
  conditions: [{ type: 'Ready', status: 'True' }],
});

describe('serverRow and renderTable', () => {
  it('reads phase, the Ready condition, url and age from an MCPServer', () => {
    assert.deepEqual(serverRow(server('a', ready('http://h/a/mcp'))), {
      namespace: 'default',
      name: 'a',
      phase: 'Ready',
      ready: 'True',
      url: 'http://h/a/mcp',
      createdMs: T0,
    });
    assert.deepEqual(serverRow(server('b')), {
      namespace: 'default',
      name: 'b',
      phase: '',
      ready: '',
      url: '',
      createdMs: T0,
    });
  });

  it('aligns columns as kubectl does, sorted by namespace then name', () => {
    const rows = [
      serverRow(server('zeta', ready('http://127.0.0.1/zeta/mcp'))),
      serverRow(server('alpha', { phase: 'Pending' }, 'team-b')),
      serverRow(server('weather', ready('http://w.example.com/mcp'))),
    ];
    assert.deepEqual(renderTable(rows, T0 + 125_000), [
      'NAMESPACE   NAME      PHASE     READY    URL                         AGE',
      'default     weather   Ready     True     http://w.example.com/mcp    2m5s',
      'default     zeta      Ready     True     http://127.0.0.1/zeta/mcp   2m5s',
      'team-b      alpha     Pending   <none>   <none>                      2m5s',
    ]);
  });

  it('says so when there is no server', () => {
    assert.deepEqual(renderTable([], T0), ['No MCPServers yet.']);
  });
});

describe('changeLine', () => {
  const before = serverRow(server('a', { phase: 'Pending' }));
  const after = serverRow(server('a', ready('http://h/a/mcp')));

  it('reports a new server, a change of what is shown, and a deletion', () => {
    assert.equal(changeLine(undefined, before), 'default/a phase=Pending ready=<none> url=<none>');
    assert.equal(changeLine(before, after), 'default/a phase=Ready ready=True url=http://h/a/mcp');
    assert.equal(changeLine(after, undefined), 'default/a deleted');
  });

  it('stays quiet when nothing shown changed (a status write of other fields)', () => {
    assert.equal(changeLine(after, { ...after }), undefined);
  });
});

describe('LiveTable', () => {
  it('off a terminal: one line per change', () => {
    const written: string[] = [];
    const table = new LiveTable({ write: (t) => written.push(t), tty: false }, () => T0);
    table.start([server('a')]);
    table.update(server('a', { phase: 'Pending' }), false);
    table.update(server('a', { phase: 'Pending' }), false);
    table.update(server('a', ready('http://h/a/mcp')), false);
    table.update(server('a'), true);
    table.stop();
    assert.deepEqual(written, [
      'default/a phase=<none> ready=<none> url=<none>\n',
      'default/a phase=Pending ready=<none> url=<none>\n',
      'default/a phase=Ready ready=True url=http://h/a/mcp\n',
      'default/a deleted\n',
    ]);
  });

  it('on a terminal: redraws the table in place, once per burst of changes', async () => {
    const written: string[] = [];
    const table = new LiveTable(
      { write: (t) => written.push(t), tty: true, columns: () => 120 },
      () => T0 + 3_000,
    );
    table.start([server('a'), server('b')]);
    assert.equal(written.length, 1);
    assert.equal(
      written[0],
      [
        'NAMESPACE   NAME   PHASE    READY    URL      AGE',
        'default     a      <none>   <none>   <none>   3s',
        'default     b      <none>   <none>   <none>   3s',
        '',
      ].join('\n'),
    );
    table.update(server('a', ready('http://h/a/mcp')), false);
    table.update(server('b', ready('http://h/b/mcp')), false);
    await new Promise((resolve) => setImmediate(resolve));
    table.stop();
    assert.equal(written.length, 2, 'two changes, one redraw');
    // Up three lines (what was drawn), clear to the end of the screen, redraw.
    assert.ok(written[1]!.startsWith('\x1b[3A\r\x1b[0JNAMESPACE'));
    assert.match(written[1]!, /default {5}a {6}Ready {3}True {4}http:\/\/h\/a\/mcp {3}3s/);
  });

  it('counts wrapped lines on a narrow terminal, so the redraw starts at the top', async () => {
    const written: string[] = [];
    const table = new LiveTable(
      { write: (t) => written.push(t), tty: true, columns: () => 20 },
      () => T0,
    );
    table.start([server('a')]);
    table.update(server('a', { phase: 'Pending' }), false);
    await new Promise((resolve) => setImmediate(resolve));
    table.stop();
    const firstLines = written[0]!.trimEnd().split('\n');
    const wrapped = firstLines.reduce((n, l) => n + Math.ceil(l.length / 20), 0);
    assert.ok(written[1]!.startsWith(`\x1b[${wrapped}A`));
  });
});
