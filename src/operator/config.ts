// The operator's configuration: read from the environment once at start-up
// (cmd/env.ts) and passed down as this one typed object. Nothing in the
// operator reads process.env.
import type { RoutingConfig } from '../api/v1alpha1/effective.ts';

export type ReadinessMode = 'strict' | 'permissive';

export interface OperatorConfig extends RoutingConfig {
  /** MCP_INGRESS_READINESS_MODE */
  ingressReadinessMode: ReadinessMode;
  /** MCP_DEFAULT_INGRESS_ENTRYPOINTS (Traefik's router.entrypoints annotation). */
  defaultIngressEntrypoints: string;
  /** PROVISIONED_REGISTRY_URL: host[:port][/path], no scheme; '' = off. */
  provisionedRegistryURL: string;
  provisionedRegistryUsername: string;
  provisionedRegistryPassword: string;
  provisionedRegistrySecretName: string;
  /** MCP_REGISTRY_PULL_HOST: fallback registry for useProvisionedRegistry. */
  registryPullHost: string;
  /** MCP_GATEWAY_OTEL_EXPORTER_OTLP_ENDPOINT; '' = none. */
  gatewayOtelEndpoint: string;
  /** MCP_CLUSTER_NAME */
  clusterName: string;
  /** MCP_ALLOW_SNIPPET_ANNOTATIONS */
  allowSnippetAnnotations: boolean;
}
