// The desired Deployment of an MCPServer (reconcile.md "Deployment"): the
// server container, optionally the gateway sidecar, in a pod that passes the
// "restricted" Pod Security Standard. Pure. Values the API server would drop
// (empty strings, lists, maps) are never set, so the object compares equal to
// the stored one field for field.
import {
  GATEWAY_CONTAINER,
  GATEWAY_METRICS_PORT,
  LABELS,
  OPERATOR_OWNED_ENV,
  POD_RUN_AS_USER,
  ROLLOUT_TRACK_STABLE,
} from '../api/v1alpha1/defaults.ts';
import { cleanPath, effectiveResources } from '../api/v1alpha1/effective.ts';
import type { MCPServerSpec, Resources } from '../api/v1alpha1/schema.ts';
import type { KubeObject } from '@mcp-operator/kube-core/port';
import type { OperatorConfig } from './config.ts';
import type { OwnedMetadata } from './desired.ts';

/** The gateway sidecar, as resolved from the spec and the operator's configuration. */
export interface GatewaySidecar {
  /** Used as given: the sidecar image is never rewritten to another registry. */
  image: string;
  port: number;
  upstreamURL: string;
  stripPrefix?: string | undefined;
  /** scheme://host, only when a concrete host is known. */
  externalBaseURL?: string | undefined;
  resources?: Resources | undefined;
}

export interface DeploymentInput {
  /** Name, namespace, labels (the pod template gets the same) and owner reference. */
  metadata: OwnedMetadata;
  spec: Pick<MCPServerSpec, 'replicas' | 'port' | 'envVars' | 'secretEnvVars' | 'resources'>;
  /** The resolved server image. */
  image: string;
  pullSecrets: readonly string[];
  /** The operator-owned MCP_PATH (see serverMCPPath). */
  mcpPath: string;
  gateway?: GatewaySidecar | undefined;
  config: Pick<OperatorConfig, 'clusterName' | 'gatewayOtelEndpoint'>;
}

type EnvVar =
  | { name: string; value?: string }
  | {
      name: string;
      valueFrom: { secretKeyRef: { name: string; key: string } };
    };

const OWNED_ENV: ReadonlySet<string> = new Set(OPERATOR_OWNED_ENV);

/**
 * The path the server itself sees: the public path, minus the sidecar's
 * stripPrefix when that is a whole-segment prefix of it (`/t` turns
 * `/t/mcp` into `/mcp` but leaves `/tx/mcp` alone); an empty result is `/`.
 */
export function serverMCPPath(publicPath: string, stripPrefix: string | undefined): string {
  if (!stripPrefix?.trim()) return publicPath;
  const prefix = cleanPath(stripPrefix.trim());
  if (prefix === '/') return publicPath;
  if (publicPath === prefix) return '/';
  if (publicPath.startsWith(`${prefix}/`)) return publicPath.slice(prefix.length);
  return publicPath;
}

/** Warning Event texts for env vars the user sets that the operator owns (their values are replaced). */
export function ownedEnvWarnings(
  spec: Pick<MCPServerSpec, 'envVars' | 'secretEnvVars'>,
  mcpPath: string,
): string[] {
  const lists = [
    ['envVars', spec.envVars],
    ['secretEnvVars', spec.secretEnvVars],
  ] as const;
  return lists.flatMap(([field, vars]) =>
    (vars ?? [])
      .filter((v) => OWNED_ENV.has(v.name))
      .map(
        (v) =>
          `${field} sets ${v.name}, which the operator owns; its value is replaced by ${mcpPath}`,
      ),
  );
}

function literal(name: string, value: string | undefined): EnvVar {
  // A Go omitempty string: an empty value is stored as no value at all.
  return value ? { name, value } : { name };
}

function serverEnv(input: DeploymentInput): EnvVar[] {
  const { envVars = [], secretEnvVars = [] } = input.spec;
  return [
    ...envVars.filter((v) => !OWNED_ENV.has(v.name)).map((v) => literal(v.name, v.value)),
    ...secretEnvVars
      .filter((v) => !OWNED_ENV.has(v.name))
      .map((v) => ({
        name: v.name,
        valueFrom: { secretKeyRef: { name: v.secretKeyRef.name, key: v.secretKeyRef.key } },
      })),
    { name: 'MCP_PATH', value: input.mcpPath },
  ];
}

function gatewayEnv(input: DeploymentInput, gateway: GatewaySidecar): EnvVar[] {
  const { name, namespace } = input.metadata;
  const optional = (envName: string, value: string | undefined): EnvVar[] =>
    value ? [{ name: envName, value }] : [];
  return [
    { name: 'PORT', value: String(gateway.port) },
    { name: 'METRICS_PORT', value: String(GATEWAY_METRICS_PORT) },
    { name: 'UPSTREAM_URL', value: gateway.upstreamURL },
    { name: 'MCP_SERVER_NAME', value: name },
    { name: 'MCP_SERVER_NAMESPACE', value: namespace },
    ...optional('MCP_CLUSTER_NAME', input.config.clusterName),
    ...optional('EXTERNAL_BASE_URL', gateway.externalBaseURL),
    ...optional('STRIP_PREFIX', gateway.stripPrefix?.trim()),
    { name: 'OTEL_SERVICE_NAME', value: `${name}-gateway` },
    ...optional('OTEL_EXPORTER_OTLP_ENDPOINT', input.config.gatewayOtelEndpoint),
  ];
}

// A fresh object per call: callers may mutate what they are given.
function containerSecurityContext(): Record<string, unknown> {
  return { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } };
}

function serverContainer(input: DeploymentInput): Record<string, unknown> {
  const port = input.spec.port;
  return {
    name: input.metadata.name,
    image: input.image,
    ports: [{ name: 'http', containerPort: port, protocol: 'TCP' }],
    env: serverEnv(input),
    resources: effectiveResources(input.spec.resources),
    // Slow starters get 2 minutes (60 × 2 s) before liveness counts.
    startupProbe: { tcpSocket: { port }, periodSeconds: 2, failureThreshold: 60 },
    livenessProbe: { tcpSocket: { port }, periodSeconds: 10 },
    readinessProbe: { tcpSocket: { port }, periodSeconds: 5 },
    securityContext: containerSecurityContext(),
  };
}

function gatewayContainer(
  input: DeploymentInput,
  gateway: GatewaySidecar,
): Record<string, unknown> {
  return {
    name: GATEWAY_CONTAINER,
    image: gateway.image,
    ports: [
      { name: 'gateway', containerPort: gateway.port, protocol: 'TCP' },
      { name: 'metrics', containerPort: GATEWAY_METRICS_PORT, protocol: 'TCP' },
    ],
    env: gatewayEnv(input, gateway),
    resources: effectiveResources(gateway.resources),
    livenessProbe: { tcpSocket: { port: gateway.port }, periodSeconds: 10 },
    readinessProbe: { httpGet: { path: '/ready', port: gateway.port }, periodSeconds: 5 },
    securityContext: { ...containerSecurityContext(), readOnlyRootFilesystem: true },
  };
}

export function buildDeployment(input: DeploymentInput): KubeObject {
  const { metadata, gateway } = input;
  const containers = [serverContainer(input)];
  if (gateway) containers.push(gatewayContainer(input, gateway));
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata,
    spec: {
      replicas: input.spec.replicas,
      // Immutable, and the same as the platform's operator, so its Deployments can be taken over.
      selector: {
        matchLabels: { [LABELS.app]: metadata.name, [LABELS.rolloutTrack]: ROLLOUT_TRACK_STABLE },
      },
      strategy: {
        type: 'RollingUpdate',
        rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' },
      },
      template: {
        metadata: { labels: { ...metadata.labels } },
        spec: {
          automountServiceAccountToken: false,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: POD_RUN_AS_USER,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          ...(input.pullSecrets.length > 0
            ? { imagePullSecrets: input.pullSecrets.map((name) => ({ name })) }
            : {}),
          containers,
        },
      },
    },
  };
}
