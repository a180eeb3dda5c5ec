// Structured logging: JSON lines by default (pino), or a plain text line per
// entry for a terminal. Secrets never reach here: callers log names, not values.
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { Logger } from 'pino';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFormat = 'json' | 'text';
export type { Logger };

/** Renders pino's JSON lines as `time LEVEL msg key=value …`. */
function textStream(out: NodeJS.WritableStream): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line) continue;
        try {
          const { time, level, msg, ...rest } = JSON.parse(line) as Record<string, unknown>;
          const fields = Object.entries(rest)
            .filter(([k]) => k !== 'pid' && k !== 'hostname')
            .map(
              ([k, v]) => `${k}=${typeof v === 'string' && !/\s/.test(v) ? v : JSON.stringify(v)}`,
            );
          const when = typeof time === 'number' ? new Date(time).toISOString() : String(time);
          out.write(
            `${when} ${String(level).toUpperCase().padEnd(5)} ${String(msg)}${fields.length ? ` ${fields.join(' ')}` : ''}\n`,
          );
        } catch {
          out.write(`${line}\n`);
        }
      }
      callback();
    },
  });
}

export function createLogger(
  options: { level?: LogLevel; format?: LogFormat; destination?: NodeJS.WritableStream } = {},
): Logger {
  const out = options.destination ?? process.stderr;
  return pino(
    {
      level: options.level ?? 'info',
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    options.format === 'text' ? textStream(out) : (out as Writable),
  );
}
