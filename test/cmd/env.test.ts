import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizeHost, parseOperatorEnv } from '../../src/cmd/env.ts';

function parsed(env: Record<string, string>) {
  const result = parseOperatorEnv(env);
  assert.ok(result.ok, result.ok ? '' : result.error);
  return result;
}

describe('operator environment', () => {
  it('has the documented defaults', () => {
    const { env, warnings } = parsed({});
    assert.deepEqual(warnings, []);
    assert.deepEqual(env, {
      defaultIngressHost: '',
      defaultIngressTLS: false,
      gatewayProxyImage: '',
      ingressReadinessMode: 'strict',
      defaultIngressEntrypoints: 'web',
      provisionedRegistryURL: '',
      provisionedRegistryUsername: '',
      provisionedRegistryPassword: '',
      provisionedRegistrySecretName: 'mcp-runtime-registry-pull',
      registryPullHost: 'registry.registry.svc.cluster.local:5000',
      gatewayOtelEndpoint: '',
      clusterName: 'local',
      allowSnippetAnnotations: false,
    });
  });

  it('normalizes the default host', () => {
    const table: [string, string][] = [
      ['  MCP.Example.com ', 'mcp.example.com'],
      ['https://mcp.example.com/some/path', 'mcp.example.com'],
      ['http://mcp.example.com:8443/', 'mcp.example.com:8443'],
      ['mcp.example.com.', 'mcp.example.com'],
    ];
    for (const [raw, host] of table) assert.equal(normalizeHost(raw), host);
    assert.equal(
      parsed({ MCP_DEFAULT_INGRESS_HOST: 'https://MCP.example.com/x' }).env.defaultIngressHost,
      'mcp.example.com',
    );
  });

  it('rejects a default host that is not a DNS name', () => {
    const result = parseOperatorEnv({ MCP_DEFAULT_INGRESS_HOST: 'my host' });
    assert.deepEqual(result, {
      ok: false,
      error:
        'MCP_DEFAULT_INGRESS_HOST="my host" is not a DNS name; set it to a host such as mcp.example.com, or leave it empty',
    });
  });

  // reconcile.md: an unreadable value stops the operator (exit 2) instead of
  // silently changing readiness or URLs for every server.
  it('reads the readiness mode trimmed and case-insensitively; refuses anything else', () => {
    assert.equal(
      parsed({ MCP_INGRESS_READINESS_MODE: ' Permissive ' }).env.ingressReadinessMode,
      'permissive',
    );
    assert.equal(
      parsed({ MCP_INGRESS_READINESS_MODE: 'STRICT' }).env.ingressReadinessMode,
      'strict',
    );
    assert.deepEqual(parseOperatorEnv({ MCP_INGRESS_READINESS_MODE: 'lenient' }), {
      ok: false,
      error: 'MCP_INGRESS_READINESS_MODE="lenient" must be strict or permissive',
    });
  });

  it('reads booleans as true/false/1/0; refuses a TLS value it cannot read', () => {
    assert.equal(parsed({ MCP_DEFAULT_INGRESS_TLS: '1' }).env.defaultIngressTLS, true);
    assert.equal(parsed({ MCP_DEFAULT_INGRESS_TLS: 'TRUE' }).env.defaultIngressTLS, true);
    assert.equal(parsed({ MCP_DEFAULT_INGRESS_TLS: '0' }).env.defaultIngressTLS, false);
    assert.deepEqual(parseOperatorEnv({ MCP_DEFAULT_INGRESS_TLS: 'yes' }), {
      ok: false,
      error: 'MCP_DEFAULT_INGRESS_TLS="yes" must be true, false, 1 or 0',
    });
  });

  it('refuses a snippet switch it cannot read rather than guess', () => {
    assert.equal(
      parsed({ MCP_ALLOW_SNIPPET_ANNOTATIONS: 'true' }).env.allowSnippetAnnotations,
      true,
    );
    assert.deepEqual(parseOperatorEnv({ MCP_ALLOW_SNIPPET_ANNOTATIONS: 'on' }), {
      ok: false,
      error: 'MCP_ALLOW_SNIPPET_ANNOTATIONS="on" must be true, false, 1 or 0',
    });
  });

  it('warns when only half of the registry credentials are set, without printing them', () => {
    const { warnings } = parsed({
      PROVISIONED_REGISTRY_USERNAME: 'deploy-user',
      PROVISIONED_REGISTRY_URL: 'https://reg.example.com/',
    });
    assert.equal(warnings.length, 1);
    assert.doesNotMatch(warnings[0]!, /deploy-user/);
    assert.equal(
      parsed({ PROVISIONED_REGISTRY_URL: 'https://reg.example.com/team/' }).env
        .provisionedRegistryURL,
      'reg.example.com/team',
    );
  });
});
