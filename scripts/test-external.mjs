// Runs the operator integration suites the way they run against a real
// cluster (TEST_KUBECONFIG): against a control plane in another process with
// its simulated kubelet and ingress controller switched off, so the suites
// play them through the status subresource themselves, as envtest suites do.
// Keeps the TEST_KUBECONFIG path of the suites honest in CI.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'mcp-external-'));
const kubeconfig = join(dir, 'kubeconfig');
const plane = spawn(
  process.execPath,
  [
    '--conditions=source',
    '--import',
    'tsx',
    'src/cmd/main.ts',
    'local',
    '--no-operator',
    '--no-simulation',
    '--no-samples',
    '--port',
    '0',
    '--kubeconfig-out',
    kubeconfig,
  ],
  { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
);
let out = '';
plane.stdout.on('data', (chunk) => (out += chunk));
const started = await new Promise((resolve) => {
  plane.stdout.on('data', () => out.includes('press Ctrl-C') && resolve(true));
  plane.on('exit', () => resolve(false));
});
let status = 1;
if (started && existsSync(kubeconfig)) {
  const suites = readdirSync(join(root, 'test/operator'))
    .filter((f) => /^integration.*\.test\.ts$/.test(f))
    .map((f) => `test/operator/${f}`);
  const result = spawnSync(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', '--test', '--test-reporter=dot', ...suites],
    { cwd: root, stdio: 'inherit', env: { ...process.env, TEST_KUBECONFIG: kubeconfig } },
  );
  status = result.status ?? 1;
} else {
  console.error(`the control plane did not start:\n${out}`);
}
plane.kill('SIGINT');
rmSync(dir, { recursive: true, force: true });
console.log(
  status === 0
    ? 'external-cluster integration suites passed'
    : 'external-cluster integration suites FAILED',
);
process.exit(status);
