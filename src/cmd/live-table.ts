// Keeps the servers' table on screen for `mcp-operator local`: on a terminal
// it redraws the table in place (and once a second, for the ages); otherwise
// it prints one line per change, which reads well in a log or a pipe.
import { changeLine, renderTable, serverRow } from './server-table.ts';
import type { ServerRow } from './server-table.ts';

export interface Display {
  write(text: string): void;
  /** Whether stdout is a terminal (redraw in place) or not (a line per change). */
  tty: boolean;
  /** The terminal's width, to count wrapped lines when redrawing. */
  columns?: () => number;
}

const key = (row: ServerRow) => `${row.namespace}/${row.name}`;

export class LiveTable {
  readonly #display: Display;
  readonly #now: () => number;
  readonly #rows = new Map<string, ServerRow>();
  #drawnLines = 0;
  #pending: NodeJS.Immediate | undefined;
  #ticker: NodeJS.Timeout | undefined;

  constructor(display: Display, now: () => number = Date.now) {
    this.#display = display;
    this.#now = now;
  }

  /** Shows the current servers, then follows changes. */
  start(servers: unknown[]): void {
    for (const server of servers) this.update(server, false);
    if (!this.#display.tty) return;
    this.#draw();
    this.#ticker = setInterval(() => this.#draw(), 1000);
    this.#ticker.unref();
  }

  update(server: unknown, deleted: boolean): void {
    const row = serverRow(server);
    const before = this.#rows.get(key(row));
    if (deleted) this.#rows.delete(key(row));
    else this.#rows.set(key(row), row);
    if (this.#display.tty) {
      // Coalesce a burst of changes into one redraw.
      this.#pending ??= setImmediate(() => {
        this.#pending = undefined;
        this.#draw();
      });
      return;
    }
    const line = changeLine(before, deleted ? undefined : row);
    if (line) this.#display.write(`${line}\n`);
  }

  stop(): void {
    clearInterval(this.#ticker);
    if (this.#pending) clearImmediate(this.#pending);
  }

  #draw(): void {
    const lines = renderTable([...this.#rows.values()], this.#now());
    const width = this.#display.columns?.() || 80; // 0 or unknown: assume 80
    // Up over what was drawn last, clear to the end of the screen, draw anew.
    const erase = this.#drawnLines ? `\x1b[${this.#drawnLines}A\r\x1b[0J` : '';
    this.#display.write(`${erase}${lines.join('\n')}\n`);
    this.#drawnLines = lines.reduce((n, l) => n + Math.max(1, Math.ceil(l.length / width)), 0);
  }
}
