// Watch streaming: newline-delimited JSON events (plain or as Table rows), or
// (`;stream=watch` in protobuf) length-prefixed WatchEvent frames, as
// k8s.io/apiserver's handlers/watch.go writes them; BOOKMARK events when
// allowed, kube-apiserver's timeouts, and the set of open streams the control
// plane can drop or stall to inject faults.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { errors } from '../errors.ts';
import { PROTOBUF_WATCH_CONTENT_TYPE, encodeWatchFrame } from '../protobuf/index.ts';
import type { TypedObject } from '../protobuf/index.ts';
import type { Store, WatchEvent } from '../store.ts';
import { apiVersionOf } from '../types.ts';
import type { KubeObject } from '../types.ts';
import { SERVED_MEDIA, STREAM_MEDIA_TYPES } from './negotiation.ts';
import type { Negotiated } from './negotiation.ts';
import type { Route } from './routes.ts';
import { jsonOf, tableOf } from './responses.ts';

/**
 * A stream's events, written together once per turn of the event loop: the
 * events of every request served in that turn go out as one chunk and one
 * socket write (a TLS record and a syscall each were most of an event's cost).
 */
class EventBatch {
  readonly #res: ServerResponse;
  #chunks: (string | Uint8Array)[] = [];
  #scheduled: NodeJS.Immediate | undefined;

  constructor(res: ServerResponse) {
    this.#res = res;
  }

  push(chunk: string | Uint8Array): void {
    this.#chunks.push(chunk);
    this.#scheduled ??= setImmediate(() => this.flush());
  }

  /** Writes what is waiting (before the stream ends, or at the end of the turn). */
  flush(): void {
    if (this.#scheduled) clearImmediate(this.#scheduled);
    this.#scheduled = undefined;
    const chunks = this.#chunks;
    if (chunks.length === 0) return;
    this.#chunks = [];
    if (this.#res.writableEnded || this.#res.destroyed) return;
    // A stream is JSON lines or protobuf frames, never both.
    this.#res.write(
      typeof chunks[0] === 'string' ? chunks.join('') : Buffer.concat(chunks as Uint8Array[]),
    );
  }
}

interface OpenWatch {
  res: ServerResponse;
  stalled: boolean;
  stop: () => void;
}

/** Serves watch requests and keeps the streams that are open. */
export class WatchStreams {
  readonly #store: Store;
  readonly #bookmarkIntervalSeconds: number;
  readonly #open = new Set<OpenWatch>();

  constructor(store: Store, bookmarkIntervalSeconds: number) {
    this.#store = store;
    this.#bookmarkIntervalSeconds = bookmarkIntervalSeconds;
  }

  get size(): number {
    return this.#open.size;
  }

  /** Ends every open stream, as kube-apiserver does when it closes watches (clients resume). */
  dropAll(): void {
    for (const watch of [...this.#open]) watch.stop();
    this.#open.clear();
  }

  /** Makes every open stream go silent without closing (a stalled connection). */
  stallAll(): void {
    for (const watch of this.#open) watch.stalled = true;
  }

  /** Starts a watch stream for the route; throws (before any header is sent) when it cannot. */
  serve(
    req: IncomingMessage,
    res: ServerResponse,
    route: Route,
    q: URLSearchParams,
    output: Negotiated,
  ): void {
    // Refuse a malformed resume point with 400 before the stream starts.
    const from = q.get('resourceVersion');
    if (from && !/^\d+$/.test(from)) throw errors.badRequest(`invalid resource version: ${from}`);
    const asTable = output.table;
    const open: OpenWatch = { res, stalled: false, stop: () => {} };
    // Events the store sends while the watch starts wait for the headers, which go out only
    // once the watch has started: a bad selector is a 400 response, not a broken stream.
    let pending: WatchEvent[] | undefined = [];
    let broken = false;
    const batch = new EventBatch(res);
    const write = (event: WatchEvent) => {
      if (pending) {
        pending.push(event);
        return;
      }
      if (broken || open.stalled || res.writableEnded || res.destroyed) return;
      if (output.media === 'protobuf') {
        let frame: Uint8Array;
        try {
          frame = encodeWatchFrame(event.type, event.object as unknown as TypedObject);
        } catch {
          // An object that cannot be encoded ends the stream (once it is set up); clients rewatch.
          broken = true;
          queueMicrotask(finish);
          return;
        }
        batch.push(frame);
        return;
      }
      let object: unknown = event.object;
      if (asTable && event.type !== 'ERROR' && event.type !== 'BOOKMARK') {
        object = tableOf(
          [event.object as KubeObject],
          route.type,
          q,
          { resourceVersion: this.#store.resourceVersion },
          true,
        );
      }
      batch.push(`{"type":${JSON.stringify(event.type)},"object":${jsonOf(object)}}\n`);
    };
    let ended = false;
    const finish = () => {
      if (ended) return;
      ended = true;
      stopWatch();
      clearInterval(bookmarks);
      clearTimeout(timeout);
      this.#open.delete(open);
      batch.flush();
      if (!res.writableEnded && !res.destroyed) res.end();
    };
    let errored = false;
    const stopWatch = this.#store.watch(
      route.type,
      route.namespace,
      {
        ...(q.get('labelSelector') ? { labelSelector: q.get('labelSelector')! } : {}),
        ...(q.get('fieldSelector') ? { fieldSelector: q.get('fieldSelector')! } : {}),
        ...(q.get('resourceVersion') ? { resourceVersion: q.get('resourceVersion')! } : {}),
        readOnly: true,
      },
      (event) => {
        write(event);
        if (event.type === 'ERROR') errored = true;
      },
    );
    // The stream serializer is negotiated once the watch has started (get.go, then watch.go's
    // NegotiateOutputMediaTypeStream): YAML has none.
    if (!SERVED_MEDIA[output.media].stream) {
      stopWatch();
      throw errors.notAcceptable(STREAM_MEDIA_TYPES);
    }
    res.writeHead(200, {
      // JSON streams keep their plain media type; others carry `;stream=watch`.
      'Content-Type':
        output.media === 'protobuf' ? PROTOBUF_WATCH_CONTENT_TYPE : 'application/json',
      'Transfer-Encoding': 'chunked',
      'Cache-Control': 'no-cache, private',
    });
    res.flushHeaders();
    const started = pending;
    pending = undefined;
    for (const event of started) write(event);
    open.stop = finish;
    this.#open.add(open);
    const bookmarkMs = this.#bookmarkIntervalSeconds * 1000;
    const bookmarks = setInterval(() => {
      if (q.get('allowWatchBookmarks') === 'true') {
        write({
          type: 'BOOKMARK',
          object: {
            apiVersion: apiVersionOf(route.type),
            kind: route.type.kind,
            metadata: { resourceVersion: this.#store.resourceVersion },
          },
        });
      }
    }, bookmarkMs);
    bookmarks.unref();
    const seconds = Number(q.get('timeoutSeconds') ?? 0);
    // kube-apiserver ends watches without a timeout after a random 30-60 minutes.
    const timeout = setTimeout(
      finish,
      (seconds > 0 ? seconds : 1800 + Math.random() * 1800) * 1000,
    );
    timeout.unref();
    req.on('close', finish);
    res.on('close', finish);
    if (errored) finish();
  }
}
