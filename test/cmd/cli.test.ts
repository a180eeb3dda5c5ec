import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { runMain } from './run-main.ts';

const root = new URL('../../', import.meta.url).pathname;

const run = runMain;

describe('mcp-operator', () => {
  it('manifests crd prints the checked-in CRD', async () => {
    const { code, stdout } = await run(['manifests', 'crd']);
    assert.equal(code, 0);
    assert.equal(stdout, readFileSync(`${root}config/crd/mcpruntime.org_mcpservers.yaml`, 'utf8'));
  });

  it('manifests crd honours MCP_ALLOW_SNIPPET_ANNOTATIONS', async () => {
    const { stdout } = await run(['manifests', 'crd'], {
      env: { MCP_ALLOW_SNIPPET_ANNOTATIONS: 'true' },
    });
    assert.doesNotMatch(stdout, /-snippet/);
  });

  it('validate reports where each sample is served', async () => {
    const { code, stdout, stderr } = await run(['validate', '-f', `${root}config/samples`], {
      env: { MCP_DEFAULT_INGRESS_HOST: 'mcp.example.com' },
    });
    assert.equal(stderr, '');
    assert.equal(code, 0);
    assert.match(
      stdout,
      /MCPServer default\/hello-mcp is valid: http:\/\/mcp\.example\.com\/hello-mcp\/mcp/,
    );
    assert.match(
      stdout,
      /MCPServer default\/ticketing is valid: \/tickets\/mcp \(every host, path \/tickets\/mcp, gateway sidecar on\)/,
    );
  });

  it('validate lists every violation with its path on stderr and exits 1', async () => {
    const stdin = `apiVersion: mcpruntime.org/v1alpha1
kind: MCPServer
metadata: {name: bad}
spec: {image: "", replicas: -1}
`;
    const { code, stdout, stderr } = await run(['validate', '-f', '-'], { stdin });
    assert.equal(code, 1);
    assert.equal(stdout, '');
    assert.equal(
      stderr,
      '<stdin>: MCPServer default/bad is invalid: spec.image: must not be empty; spec.replicas: must be at least 0\n',
    );
  });

  const manifest = (spec: string) => `apiVersion: mcpruntime.org/v1alpha1
kind: MCPServer
metadata: {name: w}
spec:
  image: ghcr.io/acme/w:1.0
${spec}`;

  it('validate rejects unknown fields as strict field validation does', async () => {
    // kubectl apply validates strictly by default; kube-apiserver answers
    // `strict decoding error: unknown field "spec.replcas"`.
    const { code, stdout, stderr } = await run(['validate', '-f', '-'], {
      stdin: manifest('  replcas: 2\n  gateway: {enabled: true, imag: x}\n'),
    });
    assert.equal(code, 1);
    assert.equal(stdout, '');
    assert.equal(
      stderr,
      '<stdin>: MCPServer default/w is invalid: spec.gateway.imag: unknown field "spec.gateway.imag"; spec.replcas: unknown field "spec.replcas"\n',
    );
  });

  it('validate reads YAML scalars as kubectl does (YAML 1.1, go-yaml v2)', async () => {
    // kubectl converts YAML to JSON with sigs.k8s.io/yaml, i.e. go-yaml v2,
    // whose resolve table makes unquoted y/yes/on/off… booleans and 0x1F an
    // int, so the API server sees a boolean or a number where a string belongs.
    const table: [string, string][] = [
      ['off', 'a boolean'],
      ['On', 'a boolean'],
      ['y', 'a boolean'],
      ['yes', 'a boolean'],
      ['NO', 'a boolean'],
      ['0x1F', 'a number'],
      ['1e3', 'a number'],
      ['0777', 'a number'],
    ];
    for (const [scalar, type] of table) {
      const { code, stderr } = await run(['validate', '-f', '-'], {
        stdin: manifest(`  ingressAnnotations: {x: ${scalar}}\n`),
      });
      assert.equal(code, 1, scalar);
      assert.equal(
        stderr,
        `<stdin>: MCPServer default/w is invalid: spec.ingressAnnotations.x: must be a string, not ${type}\n`,
        scalar,
      );
      const quoted = await run(['validate', '-f', '-'], {
        stdin: manifest(`  ingressAnnotations: {x: "${scalar}"}\n  teamID: '${scalar}'\n`),
      });
      assert.equal(quoted.stderr, '', scalar);
      assert.equal(quoted.code, 0, scalar);
    }
    // go-yaml v2 reads sexagesimal and timestamps as strings, unlike other YAML 1.1 readers.
    const strings = await run(['validate', '-f', '-'], {
      stdin: manifest('  ingressAnnotations: {a: 1:30, b: 2024-01-01, c: yes please}\n'),
    });
    assert.equal(strings.stderr, '');
    assert.equal(strings.code, 0);
  });

  it('validate reads an unquoted y as a boolean in a block map too', async () => {
    const { code, stderr } = await run(['validate', '-f', '-'], {
      stdin: manifest('  teamID: y\n'),
    });
    assert.equal(code, 1);
    assert.match(stderr, /spec\.teamID: must be a string, not a boolean/);
  });

  it('validate says so when a file has no MCPServer or is not YAML', async () => {
    assert.equal((await run(['validate', '-f', '-'], { stdin: 'kind: ConfigMap\n' })).code, 1);
    const broken = await run(['validate', '-f', '-'], { stdin: 'a: [\n' });
    assert.equal(broken.code, 1);
    assert.match(broken.stderr, /^error: <stdin>: not valid YAML/);
  });

  it('rejects bad usage with one line and exit 2', async () => {
    const table: [string[], Record<string, string>, string][] = [
      [['frobnicate'], {}, 'mcp-operator: unknown command "frobnicate"; run mcp-operator help\n'],
      [
        ['manifests', 'everything'],
        {},
        'mcp-operator: manifests: unknown manifest "everything"; accepted: crd, rbac, operator, all\n',
      ],
      [
        ['manifests', 'rbac', '--out', 'somewhere'],
        {},
        'mcp-operator: manifests: --out writes every file; use it with "all"\n',
      ],
      [
        ['manifests', '--bogus'],
        {},
        "mcp-operator: manifests: Unknown option '--bogus'. To specify a positional argument starting with a '-', place it at the end of the command after '--', as in '-- \"--bogus\"\n",
      ],
      [['validate'], {}, 'mcp-operator: validate: -f FILE is required (use - for stdin)\n'],
      [
        ['manifests', 'crd'],
        { MCP_ALLOW_SNIPPET_ANNOTATIONS: 'maybe' },
        'mcp-operator: MCP_ALLOW_SNIPPET_ANNOTATIONS="maybe" must be true, false, 1 or 0\n',
      ],
    ];
    for (const [argv, env, message] of table) {
      const { code, stderr } = await run(argv, { env });
      assert.equal(code, 2, argv.join(' '));
      assert.equal(stderr, message);
    }
    const unknownFlag = await run(['validate', '--bogus']);
    assert.equal(unknownFlag.code, 2);
    assert.match(unknownFlag.stderr, /^mcp-operator: Unknown option '--bogus'/);
    assert.equal(unknownFlag.stderr.split('\n').length, 2);
  });

  it('runs as a real process with the same exit codes', () => {
    const tsx = `${root}node_modules/tsx/dist/cli.mjs`;
    const ok = spawnSync(
      process.execPath,
      [tsx, '--conditions=source', 'src/cmd/main.ts', 'manifests', 'crd'],
      {
        cwd: root,
        encoding: 'utf8',
      },
    );
    assert.equal(ok.status, 0);
    assert.match(ok.stdout, /^# Generated/);
    const bad = spawnSync(
      process.execPath,
      [tsx, '--conditions=source', 'src/cmd/main.ts', 'nope'],
      {
        cwd: root,
        encoding: 'utf8',
      },
    );
    assert.equal(bad.status, 2);
    assert.equal(bad.stderr, 'mcp-operator: unknown command "nope"; run mcp-operator help\n');
  });
});
