// `mcp-operator render`: the objects the operator would create, from the same
// builders, as YAML that kubectl reads back unchanged; invalid input → the
// validation messages on stderr and exit 1.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runMain } from './run-main.ts';
import { parseKubectlYaml } from '../../src/kube/yaml.ts';
import type { KubeObject } from '@mcp-operator/kube-core/port';
import { validateMCPServer } from '../../src/api/v1alpha1/validation.ts';
import { desiredState } from '../../src/operator/desired.ts';
import { operatorConfig } from '../operator/cluster.ts';

const root = new URL('../../', import.meta.url).pathname;

const run = runMain;

const manifest = (spec: string) => `apiVersion: mcpruntime.org/v1alpha1
kind: MCPServer
metadata:
  name: hello
  namespace: tools
spec:
  image: ghcr.io/acme/hello:1.0
${spec}`;

describe('mcp-operator render', () => {
  it('prints what the operator builds for each sample, in order, readable by kubectl', async () => {
    const { code, stdout, stderr } = await run(['render', '-f', `${root}config/samples`]);
    assert.equal(stderr, '');
    assert.equal(code, 0);
    const objects = parseKubectlYaml(stdout, 'render') as KubeObject[];
    // Files in name order: host-based (weather), minimal (hello-mcp), path-based (ticketing).
    assert.deepEqual(
      objects.map((o) => `${o.kind} ${o.metadata.name}`),
      [
        'Deployment weather',
        'Service weather',
        'Ingress weather',
        'Deployment hello-mcp',
        'Service hello-mcp',
        'Ingress hello-mcp',
        'Deployment ticketing',
        'Service ticketing',
        'Ingress ticketing',
      ],
    );
    // The same builders as the reconciler: read back, each equals the builder's object.
    const { stdout: one } = await run(['render', '-f', '-'], {
      stdin: manifest('  replicas: 2\n'),
    });
    const checked = validateMCPServer(parseKubectlYaml(manifest('  replicas: 2\n'), 'm')[0]);
    assert.ok(checked.valid);
    const built = desiredState(checked.server, operatorConfig());
    assert.ok(built.ok);
    assert.deepEqual(parseKubectlYaml(one, 'render'), [
      built.desired.deployment,
      built.desired.service,
      built.desired.ingress,
    ]);
    assert.equal(built.desired.deployment.metadata.ownerReferences, undefined, 'no uid, no owner');
  });

  it('quotes strings YAML 1.1 would read as booleans or numbers', async () => {
    const spec = `  ingressClass: nginx
  ingressAnnotations:
    example.com/buffering: "off"
    example.com/count: "1e3"
`;
    const { code, stdout } = await run(['render', '-f', '-'], { stdin: manifest(spec) });
    assert.equal(code, 0);
    assert.match(stdout, /nginx\.ingress\.kubernetes\.io\/proxy-buffering: "off"/);
    assert.match(stdout, /example\.com\/count: "1e3"/);
    const ingress = (parseKubectlYaml(stdout, 'render') as KubeObject[]).find(
      (o) => o.kind === 'Ingress',
    )!;
    assert.equal(ingress.metadata.annotations?.['example.com/buffering'], 'off');
    assert.equal(ingress.metadata.annotations?.['example.com/count'], '1e3');
  });

  it('puts the provisioned registry pull Secret first when the operator would ensure it', async () => {
    const { code, stdout } = await run(['render', '-f', '-'], {
      stdin: manifest('  useProvisionedRegistry: true\n'),
      env: {
        PROVISIONED_REGISTRY_URL: 'registry.internal:5000',
        PROVISIONED_REGISTRY_USERNAME: 'puller',
        PROVISIONED_REGISTRY_PASSWORD: 's3cret',
      },
    });
    assert.equal(code, 0);
    const [secret, deployment] = parseKubectlYaml(stdout, 'render') as KubeObject[];
    assert.equal(secret?.kind, 'Secret');
    assert.equal(secret?.type, 'kubernetes.io/dockerconfigjson');
    assert.match(JSON.stringify(deployment?.spec), /registry\.internal:5000\/acme\/hello:1\.0/);
  });

  it('prints the validation messages and exits 1 on invalid input, printing no objects', async () => {
    const table: [string, RegExp][] = [
      ['  replcas: 2\n', /spec\.replcas: unknown field "spec\.replcas"/],
      ['  port: 0\n', /spec\.port: must be at least 1/],
      ['  gateway:\n    enabled: true\n', /spec\.gateway\.image: .*MCP_GATEWAY_PROXY_IMAGE/],
    ];
    for (const [spec, message] of table) {
      const { code, stdout, stderr } = await run(['render', '-f', '-'], { stdin: manifest(spec) });
      assert.equal(code, 1, spec);
      assert.equal(stdout, '');
      assert.match(stderr, /<stdin>: MCPServer tools\/hello is invalid: /);
      assert.match(stderr, message);
    }
  });

  it('validate reports the same routing prerequisite the operator and render check', async () => {
    const { code, stderr } = await run(['validate', '-f', '-'], {
      stdin: manifest('  gateway:\n    port: 9000\n'),
    });
    assert.equal(code, 1);
    assert.match(stderr, /MCPServer tools\/hello is invalid: spec\.gateway\.image: /);
    const fine = await run(['validate', '-f', '-'], {
      stdin: manifest('  gateway:\n    port: 9000\n'),
      env: { MCP_GATEWAY_PROXY_IMAGE: 'ghcr.io/acme/gateway:1' },
    });
    assert.equal(fine.code, 0);
    assert.match(fine.stdout, /gateway sidecar on/);
  });

  it('refuses operator configuration it cannot read, and a missing -f', async () => {
    const bad = await run(['render', '-f', '-'], {
      stdin: manifest(''),
      env: { MCP_INGRESS_READINESS_MODE: 'lenient' },
    });
    assert.equal(bad.code, 2);
    assert.equal(
      bad.stderr,
      'mcp-operator: MCP_INGRESS_READINESS_MODE="lenient" must be strict or permissive\n',
    );
    const missing = await run(['render']);
    assert.equal(missing.code, 2);
    assert.equal(missing.stderr, 'mcp-operator: render: -f FILE is required (use - for stdin)\n');
  });
});
