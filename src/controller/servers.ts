// The health-probe and metrics HTTP servers.
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { RuntimeMetrics } from './metrics.ts';

export interface BindAddress {
  host: string;
  port: number;
}

/** Parses `:8080`, `127.0.0.1:0` or `[::1]:9090`; `0` (or empty) means disabled. */
export function parseBindAddress(value: string): BindAddress | undefined {
  if (value === '0' || value === '') return undefined;
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(value);
  if (!match)
    throw new Error(
      `"${value}" is not a bind address such as :8080 or 127.0.0.1:8080 (0 disables)`,
    );
  const port = Number(match[3]);
  if (port > 65535) throw new Error(`"${value}": port ${port} is out of range`);
  return { host: match[1] ?? (match[2] || '0.0.0.0'), port };
}

export interface RunningServer {
  address: string;
  close(): Promise<void>;
}

function listen(server: Server, bind: BindAddress): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(bind.port, bind.host, () => {
      server.off('error', reject);
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : bind.port;
      resolve({
        address: `${bind.host.includes(':') ? `[${bind.host}]` : bind.host}:${port}`,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

/** `/healthz`: the process is alive. `/readyz`: `isReady()` (caches synced, or a standby waiting for the lease). */
export function startHealthServer(
  bind: BindAddress,
  isReady: () => boolean,
): Promise<RunningServer> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz' || path === '/livez') {
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
    } else if (path === '/readyz') {
      const ready = isReady();
      res
        .writeHead(ready ? 200 : 503, { 'Content-Type': 'text/plain' })
        .end(ready ? 'ok' : 'caches not synced');
    } else {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
    }
  });
  return listen(server, bind);
}

export function startMetricsServer(
  bind: BindAddress,
  metrics: Pick<RuntimeMetrics, 'registry' | 'scrape'>,
): Promise<RunningServer> {
  const server = createServer((req, res) => {
    if ((req.url ?? '/').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    metrics.scrape().then(
      (text) => res.writeHead(200, { 'Content-Type': metrics.registry.contentType }).end(text),
      (err: unknown) => res.writeHead(500, { 'Content-Type': 'text/plain' }).end(String(err)),
    );
  });
  return listen(server, bind);
}
