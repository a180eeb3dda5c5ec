// `mcp-operator run` as a process: exit codes and messages for bad input, the
// CRD check, and a clean SIGTERM that releases the lease.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { mcpServerCRD } from '../../src/api/v1alpha1/crd.ts';
import { main } from '../../src/cmd/main.ts';
import { parseDuration, parseRunConfig } from '../../src/cmd/run.ts';
import { LocalControlPlane } from '@mcp-operator/local-control-plane/control-plane';

const root = new URL('../../', import.meta.url).pathname;

function start(args: string[], env: Record<string, string> = {}) {
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', 'src/cmd/main.ts', ...args],
    {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    exited,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
  };
}

describe('run flags', () => {
  it('parses durations as Go does', () => {
    assert.equal(parseDuration('10m'), 600_000);
    assert.equal(parseDuration('1h30m'), 5_400_000);
    assert.equal(parseDuration('500ms'), 500);
    assert.equal(parseDuration('10'), undefined);
    assert.equal(parseDuration('ten minutes'), undefined);
  });

  it('has the documented defaults', () => {
    const config = parseRunConfig([], {}, false);
    assert.deepEqual(config.metricsBindAddress, { host: '0.0.0.0', port: 8080 });
    assert.deepEqual(config.healthBindAddress, { host: '0.0.0.0', port: 8081 });
    assert.equal(config.leaderElect, false);
    assert.equal(config.maxConcurrentReconciles, 4);
    assert.equal(config.resyncPeriodMs, 600_000);
    assert.equal(config.logLevel, 'info');
    assert.equal(config.logFormat, 'json');
    assert.deepEqual(config.watchNamespaces, []);
    assert.equal(
      parseRunConfig(['--metrics-bind-address', '0'], {}, false).metricsBindAddress,
      undefined,
    );
    assert.deepEqual(
      parseRunConfig(['--watch-namespace', 'a', '--watch-namespace', 'b'], {}, false)
        .watchNamespaces,
      ['a', 'b'],
    );
    assert.equal(
      parseRunConfig(['--leader-elect'], { POD_NAMESPACE: 'mcp-runtime' }, false)
        .leaderElectionNamespace,
      'mcp-runtime',
    );
  });
});

describe('mcp-operator run', () => {
  let plane: LocalControlPlane;
  let dir: string;
  let kubeconfig: string;

  before(async () => {
    plane = new LocalControlPlane();
    await plane.start();
    dir = mkdtempSync(join(tmpdir(), 'mcp-run-'));
    kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, plane.kubeconfig());
  });
  after(async () => {
    await plane.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('rejects bad flags and bad environment with one line and exit 2', async () => {
    const table: [string[], Record<string, string>, string][] = [
      [
        ['run', '--max-concurrent-reconciles', 'zero'],
        {},
        'mcp-operator: --max-concurrent-reconciles must be a whole number from 1 to 1000, got "zero"\n',
      ],
      [
        ['run', '--log-format', 'xml'],
        {},
        'mcp-operator: --log-format must be one of json, text, got "xml"\n',
      ],
      [
        ['run', '--resync-period', 'soon'],
        {},
        'mcp-operator: --resync-period must be a duration of at least 1s such as 10m or 1h30m, got "soon"\n',
      ],
      [
        ['run', '--leader-elect'],
        {},
        'mcp-operator: --leader-election-namespace is required with --leader-elect when not running in a cluster (or set POD_NAMESPACE)\n',
      ],
      [
        ['run', '--metrics-bind-address', 'localhost'],
        {},
        'mcp-operator: --metrics-bind-address: "localhost" is not a bind address such as :8080 or 127.0.0.1:8080 (0 disables)\n',
      ],
      [
        ['run'],
        { MCP_DEFAULT_INGRESS_HOST: 'not a host' },
        'mcp-operator: MCP_DEFAULT_INGRESS_HOST="not a host" is not a DNS name; set it to a host such as mcp.example.com, or leave it empty\n',
      ],
    ];
    for (const [args, env, message] of table) {
      let stderr = '';
      const code = await main(args, {
        stdout: () => {},
        stderr: (t) => (stderr += t),
        readStdin: () => '',
        env,
      });
      assert.equal(code, 2, args.join(' '));
      assert.equal(stderr, message);
    }
    // And as a real process.
    const unknown = start(['run', '--frobnicate']);
    assert.equal(await unknown.exited, 2);
    assert.match(unknown.stderr, /^mcp-operator: Unknown option '--frobnicate'/);
    assert.equal(unknown.stderr.trim().split('\n').length, 1);
  });

  it('exits 1 with the install hint when the CRD is missing', async () => {
    const p = start([
      'run',
      '--kubeconfig',
      kubeconfig,
      '--metrics-bind-address',
      '0',
      '--health-probe-bind-address',
      '0',
    ]);
    assert.equal(await p.exited, 1);
    assert.equal(
      p.stderr,
      'error: the MCPServer CRD (mcpservers.mcpruntime.org) is not installed; install it with: mcp-operator manifests crd | kubectl apply -f -\n',
    );
  });

  it('exits 1 saying what it tried when there is no kubeconfig', async () => {
    const p = start(['run', '--kubeconfig', join(dir, 'missing')]);
    assert.equal(await p.exited, 1);
    assert.match(p.stderr, /^error: .*missing/);
  });

  it('reconciles as the leader, then on SIGTERM releases the lease and exits 0', async () => {
    plane.applyObject(mcpServerCRD());
    plane.addSimulatedIngressClass('traefik');
    plane.applyObject({
      apiVersion: 'mcpruntime.org/v1alpha1',
      kind: 'MCPServer',
      metadata: { name: 'hello', namespace: 'default' },
      spec: { image: 'ghcr.io/acme/hello:1.0' },
    });
    const p = start(
      [
        'run',
        '--kubeconfig',
        kubeconfig,
        '--leader-elect',
        '--leader-election-namespace',
        'default',
        '--metrics-bind-address',
        '127.0.0.1:0',
        '--health-probe-bind-address',
        '127.0.0.1:0',
        '--log-format',
        'text',
      ],
      { POD_NAME: 'operator-0' },
    );
    const leases = plane.type('coordination.k8s.io', 'leases');
    await new Promise<void>((resolve, reject) => {
      const check = () => {
        if (/caches synced/.test(p.stderr)) return resolve();
        if (p.child.exitCode !== null) return reject(new Error(p.stderr));
        setTimeout(check, 20);
      };
      check();
    });
    // The MCPServer is reconciled to Ready by the process.
    const servers = plane.type('mcpruntime.org', 'mcpservers');
    await new Promise<void>((resolve, reject) => {
      const deadline = Date.now() + 15_000;
      const check = () => {
        const server = plane.store.get(servers, 'default', 'hello');
        if ((server.status as { phase?: string } | undefined)?.phase === 'Ready') return resolve();
        if (Date.now() > deadline) return reject(new Error(`not Ready: ${p.stderr}`));
        setTimeout(check, 20);
      };
      check();
    });
    const held = plane.store.get(leases, 'default', 'mcp-runtime-operator.mcpruntime.org');
    assert.match(
      String((held.spec as { holderIdentity: string }).holderIdentity),
      /^operator-0_[0-9a-f]{8}$/,
    );
    p.child.kill('SIGTERM');
    assert.equal(await p.exited, 0, p.stderr);
    assert.match(p.stderr, /manager stopped/);
    const released = plane.store.get(leases, 'default', 'mcp-runtime-operator.mcpruntime.org');
    assert.ok(
      !(released.spec as { holderIdentity?: string }).holderIdentity,
      'the lease is released',
    );
  });
});

describe('mcp-operator run, two replicas', () => {
  it(
    'hands over after the lease duration when the leader is killed without releasing',
    { timeout: 90_000 },
    async () => {
      const plane = new LocalControlPlane({
        tokens: { 'token-a': 'replica-a', 'token-b': 'replica-b' },
      });
      await plane.start();
      plane.applyObject(mcpServerCRD());
      const dir = mkdtempSync(join(tmpdir(), 'mcp-replicas-'));
      const args = (config: string) => [
        'run',
        '--kubeconfig',
        config,
        '--leader-elect',
        '--leader-election-namespace',
        'default',
        '--metrics-bind-address',
        '0',
        '--health-probe-bind-address',
        '127.0.0.1:0',
      ];
      const configA = join(dir, 'a');
      const configB = join(dir, 'b');
      writeFileSync(configA, plane.kubeconfig('token-a'));
      writeFileSync(configB, plane.kubeconfig('token-b'));
      const a = start(args(configA), { POD_NAME: 'replica-a' });
      let b: ReturnType<typeof start> | undefined;
      const until = (what: string, ok: () => boolean, fail: () => string | undefined) =>
        new Promise<void>((resolve, reject) => {
          const deadline = Date.now() + 40_000;
          const check = () => {
            if (ok()) return resolve();
            const problem =
              fail() ??
              (Date.now() > deadline
                ? `timed out\nA: ${a.stderr}\nB: ${b?.stderr ?? ''}`
                : undefined);
            if (problem) return reject(new Error(`${what}: ${problem}`));
            setTimeout(check, 50);
          };
          check();
        });
      try {
        await until(
          'a leads',
          () => /caches synced/.test(a.stderr),
          () => (a.child.exitCode !== null ? a.stderr : undefined),
        );
        b = start(args(configB), { POD_NAME: 'replica-b' });
        const standby = b;
        await until(
          'b stands by',
          () => /another replica leads/.test(standby.stderr),
          () => (standby.child.exitCode !== null ? standby.stderr : undefined),
        );
        const controllerRequests = (user: string) =>
          plane.faults
            .requests()
            .filter(
              (r) =>
                r.user === user &&
                r.resource === 'mcpservers' &&
                (r.verb === 'list' || r.verb === 'watch'),
            );
        assert.equal(controllerRequests('replica-b').length, 0, 'the standby runs no controllers');
        a.child.kill('SIGKILL');
        const killedAt = Date.now();
        await a.exited;
        await until(
          'b takes over',
          () => /caches synced/.test(standby.stderr),
          () => (standby.child.exitCode !== null ? standby.stderr : undefined),
        );
        const waited = Date.now() - killedAt;
        // Not before the 15 s lease could have expired on b's clock (a renewed at most 2 s before dying).
        assert.ok(waited >= 12_000, `took over after ${waited} ms`);
        const leaseWritesA = plane.faults
          .requests()
          .filter((r) => r.user === 'replica-a' && r.resource === 'leases' && r.verb !== 'get');
        const lastA = Math.max(...leaseWritesA.map((r) => r.time));
        const firstB = Math.min(...controllerRequests('replica-b').map((r) => r.time));
        assert.ok(firstB > lastA, 'never two active leaders');
        const leases = plane.type('coordination.k8s.io', 'leases');
        const lease = plane.store.get(leases, 'default', 'mcp-runtime-operator.mcpruntime.org');
        assert.match(
          String((lease.spec as { holderIdentity: string }).holderIdentity),
          /^replica-b_/,
        );
        assert.equal((lease.spec as { leaseTransitions: number }).leaseTransitions, 1);
      } finally {
        a.child.kill('SIGKILL');
        b?.child.kill('SIGTERM');
        if (b) await b.exited;
        await plane.stop();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
