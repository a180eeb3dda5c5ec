// ApiEventRecorder against a fake port (only create and patch behave) and a
// fake clock: the Event it creates, series aggregation within the window, the
// 404 fallback, best-effort failures, and note truncation.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { beforeEach, describe, it } from 'node:test';
import { FakeClock } from '../../src/controller/clock.ts';
import { createLogger } from '../../src/controller/logging.ts';
import { NotFoundError, ServerError } from '@mcp-operator/kube-core/errors';
import type {
  KubeObject,
  KubePort,
  ListResult,
  PatchType,
  ResourceRef,
  WatchHandle,
  WriteOptions,
} from '@mcp-operator/kube-core/port';
import { ApiEventRecorder } from '../../src/operator/events.ts';
import type { EventRecord } from '../../src/operator/events.ts';

type Call =
  | { verb: 'create'; resource: ResourceRef; object: KubeObject; options: WriteOptions }
  | {
      verb: 'patch';
      resource: ResourceRef;
      namespace: string | undefined;
      name: string;
      type: PatchType;
      body: unknown;
      options: WriteOptions;
    };

/** Records create and patch; a queued failure answers the next call of that verb. */
class FakePort implements KubePort {
  readonly calls: Call[] = [];
  readonly failCreate: Error[] = [];
  readonly failPatch: Error[] = [];

  get<T extends KubeObject>(): Promise<T> {
    return Promise.reject(new Error('get: not expected'));
  }
  list<T extends KubeObject>(): Promise<ListResult<T>> {
    return Promise.reject(new Error('list: not expected'));
  }
  watch(): Promise<WatchHandle> {
    return Promise.reject(new Error('watch: not expected'));
  }
  update<T extends KubeObject>(): Promise<T> {
    return Promise.reject(new Error('update: not expected'));
  }
  delete(): Promise<void> {
    return Promise.reject(new Error('delete: not expected'));
  }
  create<T extends KubeObject>(resource: ResourceRef, object: T, options: WriteOptions) {
    this.calls.push({ verb: 'create', resource, object: structuredClone(object), options });
    const failure = this.failCreate.shift();
    return failure ? Promise.reject(failure) : Promise.resolve(structuredClone(object));
  }
  patch<T extends KubeObject>(
    resource: ResourceRef,
    namespace: string | undefined,
    name: string,
    type: PatchType,
    body: unknown,
    options: WriteOptions,
  ): Promise<T> {
    this.calls.push({
      verb: 'patch',
      resource,
      namespace,
      name,
      type,
      body: structuredClone(body),
      options,
    });
    const failure = this.failPatch.shift();
    if (failure) return Promise.reject(failure);
    return Promise.resolve({
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name, namespace },
    } as KubeObject as T);
  }

  creates(): KubeObject[] {
    return this.calls.flatMap((c) => (c.verb === 'create' ? [c.object] : []));
  }
}

function server(name = 'weather', uid = 'uid-weather', namespace = 'tools'): KubeObject {
  return {
    apiVersion: 'mcpruntime.org/v1alpha1',
    kind: 'MCPServer',
    metadata: { name, namespace, uid },
  };
}

const created: EventRecord = {
  type: 'Normal',
  reason: 'Created',
  action: 'Create',
  note: 'created Deployment tools/weather',
  related: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'weather', namespace: 'tools' },
};

const MICRO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;

describe('ApiEventRecorder', () => {
  let port: FakePort;
  let clock: FakeClock;
  let logLines: { level: string; msg: string; reason?: string; err?: string }[];
  let recorder: ApiEventRecorder;

  beforeEach(() => {
    port = new FakePort();
    clock = new FakeClock(Date.UTC(2026, 2, 4, 10, 20, 30, 456));
    logLines = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        for (const line of chunk.toString('utf8').split('\n')) {
          if (line.trim()) logLines.push(JSON.parse(line) as (typeof logLines)[number]);
        }
        callback();
      },
    });
    recorder = new ApiEventRecorder({
      port,
      clock,
      log: createLogger({ level: 'warn', destination: sink }),
      instance: 'mcp-operator-7d9f-abcde',
    });
  });

  it('creates an events.k8s.io/v1 Event about the MCPServer on the first record', async () => {
    await recorder.record(server(), created);
    assert.equal(port.calls.length, 1);
    const call = port.calls[0]!;
    assert.equal(call.verb, 'create');
    assert.equal(call.resource.group, 'events.k8s.io');
    assert.equal(call.resource.version, 'v1');
    assert.equal(call.resource.plural, 'events');
    assert.equal(call.options.fieldManager, 'mcp-runtime-operator');

    const event = call.object;
    const { name, namespace, ...restMeta } = event.metadata;
    assert.equal(namespace, 'tools');
    assert.match(name ?? '', /^weather\.[0-9a-f]{16}$/);
    assert.deepEqual(restMeta, {});
    assert.deepEqual(
      { ...event, metadata: undefined },
      {
        apiVersion: 'events.k8s.io/v1',
        kind: 'Event',
        metadata: undefined,
        eventTime: '2026-03-04T10:20:30.456000Z',
        reportingController: 'mcp-runtime-operator',
        reportingInstance: 'mcp-operator-7d9f-abcde',
        action: 'Create',
        reason: 'Created',
        note: 'created Deployment tools/weather',
        type: 'Normal',
        regarding: {
          apiVersion: 'mcpruntime.org/v1alpha1',
          kind: 'MCPServer',
          name: 'weather',
          namespace: 'tools',
          uid: 'uid-weather',
        },
        related: {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name: 'weather',
          namespace: 'tools',
        },
      },
    );
    assert.match(event.eventTime as string, MICRO_TIME);
    assert.equal(event.series, undefined, 'a new Event has no series');
  });

  it('leaves related out when the event names no child object', async () => {
    const { related: _related, ...withoutRelated } = created;
    await recorder.record(server(), { ...withoutRelated, type: 'Warning', reason: 'InvalidSpec' });
    const event = port.creates()[0]!;
    assert.equal('related' in event, false);
    assert.equal(event.type, 'Warning');
  });

  it('aggregates an identical event within the window into a series (count 2, then 3)', async () => {
    await recorder.record(server(), created);
    const name = port.creates()[0]!.metadata.name;

    await clock.advance(60_000);
    await recorder.record(server(), created);
    await clock.advance(2 * 60_000);
    await recorder.record(server(), created);

    assert.equal(port.creates().length, 1, 'not re-created');
    const patches = port.calls.filter((c) => c.verb === 'patch');
    assert.equal(patches.length, 2);
    assert.deepEqual(
      patches.map((p) => [p.resource.plural, p.namespace, p.name, p.type, p.options.fieldManager]),
      [
        ['events', 'tools', name, 'merge', 'mcp-runtime-operator'],
        ['events', 'tools', name, 'merge', 'mcp-runtime-operator'],
      ],
    );
    assert.deepEqual(
      patches.map((p) => p.body),
      [
        { series: { count: 2, lastObservedTime: '2026-03-04T10:21:30.456000Z' } },
        { series: { count: 3, lastObservedTime: '2026-03-04T10:23:30.456000Z' } },
      ],
    );
  });

  it('remembers at most 4096 recent Events for series, forgetting the least recently seen', async () => {
    // client-go's event correlator keeps an LRU of 4096 entries: a bounded,
    // O(1)-per-Event memory however many servers there are.
    await recorder.record(server(), created); // the oldest entry
    await recorder.record(server(), { ...created, note: 'kept' });
    for (let i = 0; i < 4095; i++) {
      if (i === 4000) await recorder.record(server(), { ...created, note: 'kept' }); // seen again
      await recorder.record(server(), { ...created, note: `filler ${i}` });
    }
    const before = port.creates().length;
    await recorder.record(server(), { ...created, note: 'kept' });
    await recorder.record(server(), created);
    const patched = port.calls.filter((c) => c.verb === 'patch').length;
    assert.equal(patched, 2, 'the repeat of "kept" (twice) joined its series');
    assert.equal(port.creates().length, before + 1, 'the oldest was forgotten: a new Event');
  });

  it('keeps a series going while repeats arrive within the window of the last one', async () => {
    await recorder.record(server(), created);
    for (let i = 0; i < 3; i++) {
      await clock.advance(5 * 60_000); // 15 minutes in all, never 6 between two
      await recorder.record(server(), created);
    }
    assert.equal(port.creates().length, 1);
    assert.deepEqual(
      port.calls.flatMap((c) =>
        c.verb === 'patch' ? [(c.body as { series: { count: number } }).series.count] : [],
      ),
      [2, 3, 4],
    );
  });

  it('creates a new Event when the note, reason, type, action or object differs', async () => {
    await recorder.record(server(), created);
    await recorder.record(server(), { ...created, note: 'created Service tools/weather' });
    await recorder.record(server(), { ...created, reason: 'Updated' });
    await recorder.record(server(), { ...created, type: 'Warning' });
    await recorder.record(server(), { ...created, action: 'Update' });
    await recorder.record(server('weather', 'uid-weather-2'), created); // same name, new object
    await recorder.record(server('news', 'uid-news'), created);

    assert.equal(port.calls.length, 7);
    assert.ok(port.calls.every((c) => c.verb === 'create'));
    const names = port.creates().map((e) => e.metadata.name);
    assert.equal(new Set(names).size, 7, 'each a distinct Event');
  });

  it('creates a new Event once the 6-minute window has passed', async () => {
    await recorder.record(server(), created);
    await clock.advance(6 * 60_000 - 1);
    await recorder.record(server(), created); // still inside: series
    await clock.advance(6 * 60_000);
    await recorder.record(server(), created); // 6 minutes after the last: new

    assert.deepEqual(
      port.calls.map((c) => c.verb),
      ['create', 'patch', 'create'],
    );
    const [first, second] = port.creates();
    assert.notEqual(first!.metadata.name, second!.metadata.name);
    assert.equal(second!.eventTime, '2026-03-04T10:32:30.455000Z');

    // The new Event starts its own series.
    await recorder.record(server(), created);
    const last = port.calls.at(-1)!;
    assert.equal(last.verb, 'patch');
    assert.equal(last.verb === 'patch' && last.name, second!.metadata.name);
    assert.deepEqual(last.verb === 'patch' && last.body, {
      series: { count: 2, lastObservedTime: '2026-03-04T10:32:30.455000Z' },
    });
  });

  it('falls back to creating a new Event when the series patch answers 404', async () => {
    await recorder.record(server(), created);
    port.failPatch.push(new NotFoundError({ code: 404, reason: 'NotFound', message: 'gone' }));
    await clock.advance(1000);
    await recorder.record(server(), created);

    assert.deepEqual(
      port.calls.map((c) => c.verb),
      ['create', 'patch', 'create'],
    );
    const [first, second] = port.creates();
    assert.notEqual(first!.metadata.name, second!.metadata.name);
    assert.equal(second!.series, undefined);
    assert.equal(logLines.length, 0, 'an expired Event is not worth a warning');

    // The next repeat joins the new Event's series, counting from it.
    await recorder.record(server(), created);
    const last = port.calls.at(-1)!;
    assert.equal(last.verb === 'patch' && last.name, second!.metadata.name);
    assert.deepEqual(last.verb === 'patch' && last.body, {
      series: { count: 2, lastObservedTime: '2026-03-04T10:20:31.456000Z' },
    });
  });

  it('logs a failed series patch other than 404 and does not create a duplicate', async () => {
    await recorder.record(server(), created);
    port.failPatch.push(new ServerError({ code: 500, message: 'etcd is sad' }));
    await recorder.record(server(), created);
    assert.deepEqual(
      port.calls.map((c) => c.verb),
      ['create', 'patch'],
    );
    assert.equal(logLines.length, 1);
    assert.equal(logLines[0]!.err, 'etcd is sad');
  });

  it('logs a failed create and never throws', async () => {
    port.failCreate.push(new Error('events are forbidden'));
    await assert.doesNotReject(recorder.record(server(), created));
    assert.equal(logLines.length, 1);
    assert.equal(logLines[0]!.level, 'warn');
    assert.equal(logLines[0]!.reason, 'Created');
    assert.equal(logLines[0]!.err, 'events are forbidden');

    // Nothing was remembered: the next identical event is created, not patched.
    await recorder.record(server(), created);
    assert.deepEqual(
      port.calls.map((c) => c.verb),
      ['create', 'create'],
    );
  });

  it('truncates a note longer than 1024 characters to fit the API limit', async () => {
    const long = 'x'.repeat(3000);
    await recorder.record(server(), { ...created, note: long });
    const note = port.creates()[0]!.note as string;
    // The API server counts bytes (Go's len): the note must fit 1024 of them.
    assert.ok(Buffer.byteLength(note, 'utf8') <= 1024, `${Buffer.byteLength(note)} bytes`);
    assert.ok(note.startsWith('x'.repeat(1000)));
    assert.ok(note.endsWith('…'), 'marked as cut');

    // A note of exactly the limit is kept whole.
    const exact = 'y'.repeat(1024);
    await recorder.record(server(), { ...created, note: exact });
    assert.equal(port.creates()[1]!.note, exact);
  });

  it('truncates a multi-byte note by bytes, never splitting a character', async () => {
    const long = '€😀'.repeat(400); // 7 bytes and 3 UTF-16 units per repeat
    await recorder.record(server(), { ...created, note: long });
    const note = port.creates()[0]!.note as string;
    assert.ok(Buffer.byteLength(note, 'utf8') <= 1024);
    assert.ok(note.endsWith('…'));
    const kept = note.slice(0, -1);
    assert.ok(long.startsWith(kept));
    assert.equal(Buffer.from(kept, 'utf8').toString('utf8'), kept, 'no lone surrogate');
    assert.ok(!/[\uD800-\uDBFF]$/.test(kept), 'does not end in half a surrogate pair');
  });

  it('aggregates repeats of the same over-long note', async () => {
    const long = 'z'.repeat(2000);
    await recorder.record(server(), { ...created, note: long });
    await recorder.record(server(), { ...created, note: long });
    assert.deepEqual(
      port.calls.map((c) => c.verb),
      ['create', 'patch'],
    );
  });
});
