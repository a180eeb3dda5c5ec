// The operator's environment, read once at start-up into one typed object.
// Nothing deeper than cmd/ reads process.env.
import { PROVISIONED_REGISTRY_SECRET_NAME, REGISTRY_PULL_HOST } from '../api/v1alpha1/defaults.ts';
import { isDNS1123Subdomain, isWildcardDNS1123Subdomain } from '@mcp-operator/kube-core/names';
import type { OperatorConfig, ReadinessMode } from '../operator/config.ts';

export type OperatorEnv = OperatorConfig;

/**
 * Every environment variable the operator's configuration is read from, with
 * the value the code falls back to when it is unset or blank ('' = none).
 * The README's operator environment table lists exactly these
 * (test/docs/readme.test.ts).
 */
export const OPERATOR_ENV_DEFAULTS = {
  MCP_DEFAULT_INGRESS_HOST: '',
  MCP_INGRESS_READINESS_MODE: 'strict',
  MCP_DEFAULT_INGRESS_ENTRYPOINTS: 'web',
  MCP_DEFAULT_INGRESS_TLS: 'false',
  PROVISIONED_REGISTRY_URL: '',
  PROVISIONED_REGISTRY_USERNAME: '',
  PROVISIONED_REGISTRY_PASSWORD: '',
  PROVISIONED_REGISTRY_SECRET_NAME: PROVISIONED_REGISTRY_SECRET_NAME,
  MCP_REGISTRY_PULL_HOST: REGISTRY_PULL_HOST,
  MCP_GATEWAY_PROXY_IMAGE: '',
  MCP_GATEWAY_OTEL_EXPORTER_OTLP_ENDPOINT: '',
  MCP_CLUSTER_NAME: 'local',
  MCP_ALLOW_SNIPPET_ANNOTATIONS: 'false',
} as const;

export type OperatorEnvName = keyof typeof OPERATOR_ENV_DEFAULTS;

export type EnvResult =
  { ok: true; env: OperatorEnv; warnings: string[] } | { ok: false; error: string };

/** A DNS name an Ingress rule can carry as its host: a subdomain, or a wildcard one. */
function isIngressHost(host: string): boolean {
  const problems = host.includes('*') ? isWildcardDNS1123Subdomain(host) : isDNS1123Subdomain(host);
  return problems.length === 0;
}

/** Trims, lower-cases and strips a scheme, a path and a trailing dot: `https://MCP.Example.com/x` → `mcp.example.com`. */
export function normalizeHost(raw: string): string {
  return raw
    .trim()
    .toLowerCase()
    .replace(/^[a-z][a-z0-9+.-]*:\/\//, '')
    .replace(/[/?#].*$/, '')
    .replace(/\.$/, '');
}

function parseBool(raw: string | undefined): boolean | undefined {
  const value = raw?.trim().toLowerCase();
  if (value === undefined || value === '') return false;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  return undefined;
}

export function parseOperatorEnv(source: Record<string, string | undefined>): EnvResult {
  const warnings: string[] = [];
  const get = (name: OperatorEnvName): string =>
    source[name]?.trim() || OPERATOR_ENV_DEFAULTS[name];

  const defaultIngressHost = normalizeHost(get('MCP_DEFAULT_INGRESS_HOST'));
  const hostWithoutPort = defaultIngressHost.replace(/:\d+$/, '');
  if (defaultIngressHost && !isIngressHost(hostWithoutPort)) {
    return {
      ok: false,
      error: `MCP_DEFAULT_INGRESS_HOST=${JSON.stringify(source.MCP_DEFAULT_INGRESS_HOST)} is not a DNS name; set it to a host such as mcp.example.com, or leave it empty`,
    };
  }

  // A typo here would silently change readiness or URLs for every server:
  // unlike the platform's Go operator, refuse to start instead.
  const mode = get('MCP_INGRESS_READINESS_MODE').toLowerCase();
  if (mode !== 'strict' && mode !== 'permissive') {
    return {
      ok: false,
      error: `MCP_INGRESS_READINESS_MODE=${JSON.stringify(source.MCP_INGRESS_READINESS_MODE)} must be strict or permissive`,
    };
  }
  const ingressReadinessMode: ReadinessMode = mode;

  const defaultIngressTLS = parseBool(source.MCP_DEFAULT_INGRESS_TLS);
  if (defaultIngressTLS === undefined) {
    return {
      ok: false,
      error: `MCP_DEFAULT_INGRESS_TLS=${JSON.stringify(source.MCP_DEFAULT_INGRESS_TLS)} must be true, false, 1 or 0`,
    };
  }

  const allowSnippetAnnotations = parseBool(source.MCP_ALLOW_SNIPPET_ANNOTATIONS);
  if (allowSnippetAnnotations === undefined) {
    return {
      ok: false,
      error: `MCP_ALLOW_SNIPPET_ANNOTATIONS=${JSON.stringify(source.MCP_ALLOW_SNIPPET_ANNOTATIONS)} must be true, false, 1 or 0`,
    };
  }

  const username = get('PROVISIONED_REGISTRY_USERNAME');
  const password = source.PROVISIONED_REGISTRY_PASSWORD ?? '';
  if (Boolean(username) !== Boolean(password)) {
    warnings.push(
      'only one of PROVISIONED_REGISTRY_USERNAME and PROVISIONED_REGISTRY_PASSWORD is set; no pull Secret will be made until both are',
    );
  }

  return {
    ok: true,
    warnings,
    env: {
      defaultIngressHost,
      defaultIngressTLS,
      gatewayProxyImage: get('MCP_GATEWAY_PROXY_IMAGE'),
      ingressReadinessMode,
      defaultIngressEntrypoints: get('MCP_DEFAULT_INGRESS_ENTRYPOINTS'),
      provisionedRegistryURL: get('PROVISIONED_REGISTRY_URL')
        .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
        .replace(/\/+$/, ''),
      provisionedRegistryUsername: username,
      provisionedRegistryPassword: password,
      provisionedRegistrySecretName: get('PROVISIONED_REGISTRY_SECRET_NAME'),
      registryPullHost: get('MCP_REGISTRY_PULL_HOST'),
      gatewayOtelEndpoint: get('MCP_GATEWAY_OTEL_EXPORTER_OTLP_ENDPOINT'),
      clusterName: get('MCP_CLUSTER_NAME'),
      allowSnippetAnnotations,
    },
  };
}
