// `mcp-operator local` as a user runs it: it starts, says where it listens,
// installs the CRD, writes a kubeconfig that works, runs the operator in
// process (unless --no-operator) so the samples become Ready, and stops
// cleanly on Ctrl-C.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { startLocal as startLocalInProcess } from '../../src/cmd/local.ts';
import { operatorConfig } from '../operator/cluster.ts';
import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';

const root = new URL('../../', import.meta.url).pathname;
// The real kubectl, where installed (.ci/run installs it); without it the
// kubectl check of the live-table test is left out, and the table still is.
const KUBECTL = ['/usr/bin/kubectl', '/usr/local/bin/kubectl'].find((p) => existsSync(p));

/** `mcp-operator local` as a process; `started` resolves once it says it is ready. */
function startLocal(args: string[]) {
  const child = spawn(
    process.execPath,
    [
      `${root}node_modules/tsx/dist/cli.mjs`,
      '--conditions=source',
      'src/cmd/main.ts',
      'local',
      ...args,
    ],
    { cwd: root },
  );
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const started = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', () => out.includes('press Ctrl-C to stop') && resolve());
    void exited.then(() => reject(new Error(`exited early: ${out}${err}`)));
  });
  /** Resolves once the output satisfies `test`; rejects after `ms` or on exit. */
  const printed = (test: (out: string) => boolean, ms: number) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not printed in ${ms} ms:\n${out}`)), ms);
      const check = () => {
        if (!test(out)) return;
        clearTimeout(timer);
        resolve();
      };
      child.stdout.on('data', check);
      check();
      void exited.then(() => reject(new Error(`exited early: ${out}${err}`)));
    });
  return {
    child,
    exited,
    started,
    printed,
    get out() {
      return out;
    },
  };
}

describe('mcp-operator local', () => {
  it('serves the API with the CRD and samples, writes a kubeconfig, and stops on SIGINT', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcp-local-'));
    const kubeconfig = join(dir, 'nested', 'kubeconfig');
    const local = startLocal(['--no-operator', '--port', '0', '--kubeconfig-out', kubeconfig]);
    const { child, exited } = local;
    try {
      await local.started;
      assert.match(local.out, /local control plane listening on https:\/\/127\.0\.0\.1:\d+/);
      assert.match(local.out, /installed the MCPServer CRD and 3 sample MCPServer\(s\)/);
      assert.match(local.out, /simulated/);
      assert.equal(statSync(kubeconfig).mode & 0o777, 0o600);
      const kc = new KubeConfig();
      kc.loadFromString(readFileSync(kubeconfig, 'utf8'));
      const list: unknown = await kc.makeApiClient(CustomObjectsApi).listNamespacedCustomObject({
        group: 'mcpruntime.org',
        version: 'v1alpha1',
        namespace: 'default',
        plural: 'mcpservers',
      });
      assert.deepEqual(
        (list as { items: { metadata: { name: string } }[] }).items
          .map((i) => i.metadata.name)
          .sort(),
        ['hello-mcp', 'ticketing', 'weather'],
      );
      child.kill('SIGINT');
      assert.equal(await exited, 0);
      assert.match(local.out, /stopped\n$/);
    } finally {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs the operator in process: the table shows the samples Ready, and Ctrl-C stops both', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcp-local-'));
    const local = startLocal(['--port', '0', '--kubeconfig-out', join(dir, 'kubeconfig')]);
    const { child, exited } = local;
    try {
      await local.started;
      assert.match(local.out, /the operator runs in this process; its log: .*operator\.log/);
      // Off a terminal the table is one line per change; each sample reaches Ready.
      const samples = ['hello-mcp', 'ticketing', 'weather'];
      await local.printed(
        (out) =>
          samples.every((name) =>
            new RegExp(`^default/${name} phase=Ready ready=True url=http`, 'm').test(out),
          ),
        20_000,
      );
      // The printed kubeconfig path and commands are ready to paste.
      const kubeconfig = /kubeconfig written to (\S+); in another terminal, try:/.exec(
        local.out,
      )?.[1];
      assert.ok(kubeconfig && existsSync(kubeconfig), 'the printed kubeconfig exists');
      assert.match(local.out, new RegExp(`^  export KUBECONFIG=${kubeconfig}$`, 'm'));
      assert.match(local.out, /^  kubectl get mcpservers -A$/m);
      child.kill('SIGINT');
      assert.equal(await exited, 0);
      assert.match(local.out, /stopped\n$/);
    } finally {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it(
    'kubectl with the printed kubeconfig lists the samples with their printer columns',
    { skip: KUBECTL ? false : 'kubectl is not installed (.ci/run installs it)' },
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'mcp-local-'));
      const local = startLocal(['--port', '0', '--kubeconfig-out', join(dir, 'kubeconfig')]);
      const { child, exited } = local;
      try {
        await local.started;
        const samples = ['hello-mcp', 'ticketing', 'weather'];
        await local.printed(
          (out) =>
            samples.every((name) => new RegExp(`^default/${name} phase=Ready`, 'm').test(out)),
          20_000,
        );
        const kubeconfig = /kubeconfig written to (\S+); in another terminal, try:/.exec(
          local.out,
        )![1]!;
        const { stdout } = await promisify(execFile)(KUBECTL!, [
          '--kubeconfig',
          kubeconfig,
          'get',
          'mcps',
        ]);
        const lines = stdout.trimEnd().split('\n');
        assert.match(lines[0]!, /^NAME\s+PHASE\s+READY\s+URL\s+AGE$/);
        assert.deepEqual(
          lines.slice(1).map((l) => l.split(/\s+/).slice(0, 3).join(' ')),
          samples.map((name) => `${name} Ready True`),
        );

        child.kill('SIGINT');
        assert.equal(await exited, 0);
      } finally {
        child.kill('SIGKILL');
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it('with --no-samples, suggests only commands that work without them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcp-local-'));
    const lines: string[] = [];
    const running = await startLocalInProcess(
      {
        port: 0,
        kubeconfigOut: join(dir, 'kubeconfig'),
        operator: false,
        samples: false,
        simulation: true,
      },
      (line) => lines.push(line),
      operatorConfig(),
    );
    try {
      const out = lines.join('\n');
      assert.match(out, /^installed the MCPServer CRD$/m);
      assert.doesNotMatch(out, /weather/);
      assert.match(out, /^ {2}kubectl apply -f config\/samples\/mcpserver-minimal\.yaml$/m);
    } finally {
      await running.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects a bad flag with one line and exit 2', async () => {
    const child = spawn(
      process.execPath,
      [
        `${root}node_modules/tsx/dist/cli.mjs`,
        '--conditions=source',
        'src/cmd/main.ts',
        'local',
        '--port',
        'abc',
      ],
      { cwd: root },
    );
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(code, 2);
    assert.equal(
      err,
      'mcp-operator: local: --port must be a port number from 0 to 65535, got "abc"\n',
    );
  });
});
