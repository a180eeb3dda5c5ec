// What the informer does after a watch ends: resume at once, resume after a
// backoff, or relist. Kept pure so each case is a table row in the tests.
import { GoneError, isRetryable } from '@mcp-operator/kube-core/errors';

/** A watch that moved nothing on and ended sooner than this is suspicious (client-go's "very short watch"). */
export const SHORT_WATCH_MS = 1000;

/** The watchdog gave up on a stream that went silent. */
export class WatchStalledError extends Error {
  constructor(ms: number) {
    super(`the watch sent no event or bookmark for ${ms} ms; restarting it`);
    this.name = 'WatchStalledError';
  }
}

/** The server ended a watch at once without sending anything. */
export class ShortWatchError extends Error {
  constructor(ms: number) {
    super(`the watch ended after ${ms} ms without an event; backing off before resuming`);
    this.name = 'ShortWatchError';
  }
}

export interface WatchOutcome {
  /** A clean end of the stream, the watchdog firing, or the error it ended with. */
  ending: 'clean' | 'stalled' | Error;
  /** Whether the stream moved the resourceVersion on (an event, or a bookmark past it). */
  progressed: boolean;
  lastedMs: number;
}

export interface NextStep {
  relist: boolean;
  backoff: boolean;
  /** Worth reporting; undefined for a normal end. */
  error?: Error;
}

/**
 * - clean end (the server's timeout, a dropped connection) → resume from the
 *   last resourceVersion at once, unless it was a very short empty watch;
 * - stall → restart the watch after a backoff;
 * - 410 Gone → relist at once; after a backoff only when the watch had just
 *   been started from a fresh list and still got 410 (a server in trouble),
 *   so relists cannot loop hot;
 * - retryable errors (transport, 429, 5xx) → back off and resume the watch;
 *   the resourceVersion is still good and a 410 will tell if it is not;
 * - anything else (403, 404, a bad request…) → back off and relist, as
 *   client-go's ListAndWatch returns and starts over.
 */
export function afterWatch(
  outcome: WatchOutcome,
  startedFromList: boolean,
  stallTimeoutMs: number,
): NextStep {
  const { ending, progressed, lastedMs } = outcome;
  if (ending === 'clean') {
    if (!progressed && lastedMs < SHORT_WATCH_MS)
      return { relist: false, backoff: true, error: new ShortWatchError(lastedMs) };
    return { relist: false, backoff: false };
  }
  if (ending === 'stalled')
    return { relist: false, backoff: true, error: new WatchStalledError(stallTimeoutMs) };
  if (ending instanceof GoneError)
    return { relist: true, backoff: startedFromList && !progressed, error: ending };
  return { relist: !isRetryable(ending), backoff: true, error: ending };
}
