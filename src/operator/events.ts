// Kubernetes Events (events.k8s.io/v1) about MCPServers, aggregated as
// client-go's tools/events does: an event identical to one recorded shortly
// before (same object, type, reason, action and note) is not created again,
// the existing one gains a `series` with a count and lastObservedTime.
// Events are best effort: a failed write is logged and never fails a reconcile.
import { randomBytes } from 'node:crypto';
import { API_VERSION, FIELD_MANAGER, KIND } from '../api/v1alpha1/defaults.ts';
import type { Clock } from '../controller/clock.ts';
import { microTime } from '@mcp-operator/kube-core/time';
import type { Logger } from '../controller/logging.ts';
import { NotFoundError } from '@mcp-operator/kube-core/errors';
import { RESOURCES } from '@mcp-operator/kube-core/port';
import type { KubeObject, KubePort } from '@mcp-operator/kube-core/port';

export type EventType = 'Normal' | 'Warning';

export interface EventRecord {
  type: EventType;
  /** CamelCase, e.g. Created, InvalidSpec. */
  reason: string;
  /** What the operator did or tried: Create, Update, Reconcile, Validate. */
  action: string;
  note: string;
  /** The child object the event is about, when there is one. */
  related?: { apiVersion: string; kind: string; name: string; namespace?: string };
}

export interface EventRecorder {
  /**
   * Sends the Event in the background, as client-go's recorder does: the
   * reconcile does not wait for it. The promise settles once it is sent (or
   * given up); it never rejects.
   */
  record(server: KubeObject, event: EventRecord): Promise<void>;
}

/** Events repeating within this window join a series instead of creating a new Event. */
const SERIES_WINDOW_MS = 6 * 60_000;
/** How many recent Events are remembered for series, at most. */
const SEEN_LIMIT = 4096;
const NOTE_LIMIT = 1024;

/**
 * The API server limits the note to 1024 bytes (Go's len), not characters: cut
 * on a character boundary so the note and the '…' (3 bytes) fit.
 */
function truncateNote(note: string): string {
  if (Buffer.byteLength(note, 'utf8') <= NOTE_LIMIT) return note;
  const room = NOTE_LIMIT - Buffer.byteLength('…', 'utf8');
  let kept = '';
  let bytes = 0;
  for (const char of note) {
    bytes += Buffer.byteLength(char, 'utf8');
    if (bytes > room) break;
    kept += char;
  }
  return `${kept}…`;
}

interface Seen {
  name: string;
  namespace: string;
  count: number;
  lastMs: number;
}

export class ApiEventRecorder implements EventRecorder {
  readonly #port: KubePort;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #instance: string;
  readonly #seen = new Map<string, Seen>();

  constructor(options: { port: KubePort; clock: Clock; log: Logger; instance: string }) {
    this.#port = options.port;
    this.#clock = options.clock;
    this.#log = options.log;
    this.#instance = options.instance;
  }

  /** Events go out one at a time, in order, so a repeat finds the Event it joins. */
  #sending: Promise<void> = Promise.resolve();

  record(server: KubeObject, event: EventRecord): Promise<void> {
    // Only what the Event names is kept while it waits its turn, not the server.
    const { name, namespace, uid } = server.metadata;
    const regarding = {
      metadata: {
        ...(name ? { name } : {}),
        ...(namespace ? { namespace } : {}),
        ...(uid ? { uid } : {}),
      },
    } as KubeObject;
    this.#sending = this.#sending.then(() => this.#send(regarding, event));
    return this.#sending;
  }

  async #send(server: KubeObject, event: EventRecord): Promise<void> {
    const namespace = server.metadata.namespace ?? 'default';
    const note = truncateNote(event.note);
    const key = [server.metadata.uid, event.type, event.reason, event.action, note].join('\u0000');
    const now = this.#clock.now();
    this.#forgetOld(now);
    const seen = this.#seen.get(key);
    try {
      if (seen && now - seen.lastMs < SERIES_WINDOW_MS) {
        try {
          await this.#port.patch(
            RESOURCES.events,
            seen.namespace,
            seen.name,
            'merge',
            { series: { count: seen.count + 1, lastObservedTime: microTime(now) } },
            { fieldManager: FIELD_MANAGER },
          );
          seen.count++;
          seen.lastMs = now;
          this.#seen.delete(key); // to the end: the map stays in order of last sight
          this.#seen.set(key, seen);
          return;
        } catch (err) {
          // The Event expired (or was deleted): start a new one.
          if (!(err instanceof NotFoundError)) throw err;
        }
      }
      const name = `${server.metadata.name}.${randomBytes(8).toString('hex')}`;
      await this.#port.create(
        RESOURCES.events,
        {
          apiVersion: 'events.k8s.io/v1',
          kind: 'Event',
          metadata: { name, namespace },
          eventTime: microTime(now),
          reportingController: FIELD_MANAGER,
          reportingInstance: this.#instance,
          action: event.action,
          reason: event.reason,
          note,
          type: event.type,
          regarding: {
            apiVersion: API_VERSION,
            kind: KIND,
            name: server.metadata.name,
            namespace,
            uid: server.metadata.uid,
          },
          ...(event.related ? { related: event.related } : {}),
        },
        { fieldManager: FIELD_MANAGER },
      );
      this.#seen.delete(key);
      this.#seen.set(key, { name, namespace, count: 1, lastMs: now });
    } catch (err) {
      this.#log.warn(
        { reason: event.reason, err: err instanceof Error ? err.message : String(err) },
        'could not record an event',
      );
    }
  }

  /**
   * Drops what fell out of the series window, and the least recently seen past
   * a bound (as client-go's event correlator keeps an LRU of 4096). The map is
   * kept in order of last sight (an entry seen again is moved to the end), so
   * this stops at the first entry still fresh: O(1) per Event, not O(entries).
   */
  #forgetOld(now: number) {
    for (const [key, seen] of this.#seen) {
      if (now - seen.lastMs < SERIES_WINDOW_MS && this.#seen.size <= SEEN_LIMIT) break;
      this.#seen.delete(key);
    }
  }
}
