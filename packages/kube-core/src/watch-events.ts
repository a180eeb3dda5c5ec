// Watch plumbing both ports share: turning a wire event ({type, object}) into
// a port event, the settle-once life of a watch, and reading a
// newline-delimited JSON stream.
import { errorFromStatus, TransportError } from './errors.ts';
import type { ApiStatus } from './errors.ts';
import { asObject, isObject } from './json.ts';
import type { KubeObject, ResourceRef, WatchEvent, WatchHandle } from './port.ts';
import { withTypeMeta } from './targets.ts';

/**
 * A port event for a wire event; undefined for a type this client does not
 * know (skipped, as client-go does). Throws TransportError for a malformed one.
 */
export function decodeWatchEvent<T extends KubeObject>(
  resource: ResourceRef,
  raw: unknown,
): WatchEvent<T> | undefined {
  if (!isObject(raw) || typeof raw.type !== 'string' || !isObject(raw.object)) {
    throw new TransportError('a watch event without a type or an object');
  }
  const object = raw.object;
  switch (raw.type) {
    case 'ADDED':
    case 'MODIFIED':
    case 'DELETED':
      if (!isObject(object.metadata))
        throw new TransportError('a watch event object without metadata');
      return { type: raw.type, object: withTypeMeta(resource, object as T) };
    case 'BOOKMARK': {
      const rv = asObject(object.metadata)?.resourceVersion;
      return { type: 'BOOKMARK', resourceVersion: typeof rv === 'string' ? rv : '' };
    }
    case 'ERROR': {
      const code = typeof object.code === 'number' ? object.code : 500;
      return { type: 'ERROR', error: errorFromStatus({ ...(object as Partial<ApiStatus>), code }) };
    }
    default:
      return undefined;
  }
}

/** The life of one watch: events go out until it ends, and it ends once. */
export class WatchSession<T extends KubeObject> {
  readonly done: Promise<Error | undefined>;
  #settle: (err: Error | undefined) => void = () => {};
  #ended = false;
  readonly #onEvent: (event: WatchEvent<T>) => void;
  readonly #cleanup: () => void;

  constructor(onEvent: (event: WatchEvent<T>) => void, cleanup: () => void) {
    this.#onEvent = onEvent;
    this.#cleanup = cleanup;
    this.done = new Promise((resolve) => (this.#settle = resolve));
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** Hands an event to the caller; a handler that throws ends the watch with its error. */
  emit(event: WatchEvent<T>): void {
    if (this.#ended) return;
    try {
      this.#onEvent(event);
    } catch (err) {
      this.end(err instanceof Error ? err : new Error(String(err)));
    }
  }

  end(err?: Error): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#cleanup();
    this.#settle(err);
  }

  handle(): WatchHandle {
    return { done: this.done, stop: () => this.end() };
  }
}

/**
 * Reads a newline-delimited stream, handing each non-empty line to `onLine`
 * until the stream ends (resolves) or breaks (rejects). `onLine` returning
 * false stops reading.
 */
export async function readLines(
  stream: AsyncIterable<Uint8Array>,
  onLine: (line: string) => boolean,
): Promise<void> {
  const decoder = new TextDecoder();
  let buffered = '';
  // Leaving the loop early (onLine said stop) closes the stream.
  for await (const chunk of stream) {
    buffered += decoder.decode(chunk, { stream: true });
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline).trim();
      buffered = buffered.slice(newline + 1);
      if (line && !onLine(line)) return;
    }
  }
  const rest = (buffered + decoder.decode()).trim();
  if (rest) onLine(rest);
}
