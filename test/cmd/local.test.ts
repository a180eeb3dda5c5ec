// `mcp-operator local` as a user runs it: it starts, says where it listens,
// installs the CRD, writes a kubeconfig that works, runs the operator in
// process (unless --no-operator) so the samples become Ready, and stops
// cleanly on Ctrl-C.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';

const root = new URL('../../', import.meta.url).pathname;

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
  return {
    child,
    exited,
    started,
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

  it('runs the operator in process: the samples become Ready, and Ctrl-C stops both', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcp-local-'));
    const kubeconfig = join(dir, 'kubeconfig');
    const local = startLocal(['--port', '0', '--kubeconfig-out', kubeconfig]);
    const { child, exited } = local;
    try {
      await local.started;
      assert.match(local.out, /the operator runs in this process; its log: .*operator\.log/);
      const kc = new KubeConfig();
      kc.loadFromString(readFileSync(kubeconfig, 'utf8'));
      const api = kc.makeApiClient(CustomObjectsApi);
      const deadline = Date.now() + 20_000;
      let phases: string[] = [];
      while (Date.now() < deadline) {
        const list = (await api.listNamespacedCustomObject({
          group: 'mcpruntime.org',
          version: 'v1alpha1',
          namespace: 'default',
          plural: 'mcpservers',
        })) as { items: { metadata: { name: string }; status?: { phase?: string } }[] };
        phases = list.items.map((i) => `${i.metadata.name}=${i.status?.phase ?? ''}`).sort();
        if (phases.every((p) => p.endsWith('=Ready')) && phases.length === 3) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.deepEqual(phases, ['hello-mcp=Ready', 'ticketing=Ready', 'weather=Ready']);
      child.kill('SIGINT');
      assert.equal(await exited, 0);
      assert.match(local.out, /stopped\n$/);
    } finally {
      child.kill('SIGKILL');
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
