// The MCPServer as the operator acts on it: static defaults, then the values
// derived from the name and the operator's configuration. Pure; nothing here
// is ever written back into the stored spec.
import { posix } from 'node:path';
import { isObject } from '@mcp-operator/kube-core/json';
import { DEFAULTS } from './defaults.ts';
import type { MCPServerSpec, MCPServerSpecInput, Resources } from './schema.ts';

/** The operator settings that routing and the gateway depend on. */
export interface RoutingConfig {
  /** MCP_DEFAULT_INGRESS_HOST, already trimmed and lower-cased; '' = none. */
  defaultIngressHost: string;
  /** MCP_DEFAULT_INGRESS_TLS. */
  defaultIngressTLS: boolean;
  /** MCP_GATEWAY_PROXY_IMAGE; '' = none. */
  gatewayProxyImage: string;
}

export interface EffectiveResources {
  requests: { cpu: string; memory: string };
  limits: { cpu: string; memory: string };
}

/** Fills each resource value on its own, so setting one keeps the others' defaults. */
export function effectiveResources(resources: Resources | undefined): EffectiveResources {
  const d = DEFAULTS.resources;
  return {
    requests: {
      cpu: resources?.requests?.cpu || d.requests.cpu,
      memory: resources?.requests?.memory || d.requests.memory,
    },
    limits: {
      cpu: resources?.limits?.cpu || d.limits.cpu,
      memory: resources?.limits?.memory || d.limits.memory,
    },
  };
}

/** Static schema defaults, for objects stored before the CRD declared them. */
export function withStaticDefaults(spec: MCPServerSpecInput): MCPServerSpec {
  return {
    ...spec,
    replicas: spec.replicas ?? DEFAULTS.replicas,
    port: spec.port ?? DEFAULTS.port,
    servicePort: spec.servicePort ?? DEFAULTS.servicePort,
    ingressClass: spec.ingressClass ?? DEFAULTS.ingressClass,
    // A stored spec may be anything an older CRD let through: only a list's objects get the default.
    tools: Array.isArray(spec.tools)
      ? spec.tools.map((tool) =>
          isObject(tool)
            ? { ...tool, requiredTrust: tool.requiredTrust ?? DEFAULTS.requiredTrust }
            : tool,
        )
      : spec.tools,
  };
}

/** Cleans a URL path: a leading /, no empty or dot segments, no trailing / except the root. */
export function cleanPath(path: string): string {
  const cleaned = posix.normalize(`/${path}`);
  return cleaned.length > 1 && cleaned.endsWith('/') ? cleaned.slice(0, -1) : cleaned;
}

function trimSpacesAndSlashes(text: string): string {
  return text.replace(/^[\s/]+|[\s/]+$/g, '');
}

/** The public path: /<prefix>/mcp, the prefix defaulting to the name; ingressPath when it is empty. */
export function effectivePath(
  name: string,
  spec: Pick<MCPServerSpecInput, 'publicPathPrefix' | 'ingressPath'>,
): string {
  const prefix = trimSpacesAndSlashes(spec.publicPathPrefix ?? name);
  if (prefix) return cleanPath(`/${prefix}/mcp`);
  const ingressPath = spec.ingressPath?.trim();
  return cleanPath(ingressPath || `/${name}/mcp`);
}

/**
 * The routed host: ingressHost when set; the operator's default host when the
 * user set neither ingressHost nor publicPathPrefix; otherwise none (the route
 * matches every host). "Set" means present in the manifest.
 */
export function effectiveHost(
  spec: Pick<MCPServerSpecInput, 'ingressHost' | 'publicPathPrefix'>,
  config: Pick<RoutingConfig, 'defaultIngressHost'>,
): string | undefined {
  const host = spec.ingressHost?.trim().toLowerCase();
  if (host) return host;
  if (spec.ingressHost === undefined && spec.publicPathPrefix === undefined) {
    return config.defaultIngressHost || undefined;
  }
  return undefined;
}

/** Whether the server runs the gateway sidecar. */
export function gatewayEnabled(
  spec: Pick<MCPServerSpecInput, 'gateway'>,
  config: Pick<RoutingConfig, 'gatewayProxyImage'>,
): boolean {
  if (!spec.gateway) return config.gatewayProxyImage !== '';
  return spec.gateway.enabled !== false;
}

/** The sidecar image, or undefined when none resolves. */
export function gatewayImage(
  spec: Pick<MCPServerSpecInput, 'gateway'>,
  config: Pick<RoutingConfig, 'gatewayProxyImage'>,
): string | undefined {
  return spec.gateway?.image?.trim() || config.gatewayProxyImage || undefined;
}

export function gatewayPort(spec: Pick<MCPServerSpecInput, 'gateway'>): number {
  return spec.gateway?.port ?? DEFAULTS.gatewayPort;
}

/** Where the sidecar forwards: the configured URL, else the server container on localhost. */
export function gatewayUpstreamURL(spec: Pick<MCPServerSpecInput, 'gateway' | 'port'>): string {
  return spec.gateway?.upstreamURL?.trim() || `http://127.0.0.1:${spec.port ?? DEFAULTS.port}`;
}

/** Traefik's TLS annotation: the operator sets it for MCP_DEFAULT_INGRESS_TLS, and a user's makes URLs https. */
export const TRAEFIK_TLS = 'traefik.ingress.kubernetes.io/router.tls';

/** Whether the route is served over TLS: the operator's default, or the Traefik TLS annotation. */
export function routeUsesTLS(
  spec: Pick<MCPServerSpecInput, 'ingressAnnotations'>,
  config: Pick<RoutingConfig, 'defaultIngressTLS'>,
): boolean {
  return config.defaultIngressTLS || spec.ingressAnnotations?.[TRAEFIK_TLS] === 'true';
}

/**
 * The canonical public URL: scheme://host/path, the host being the routed host
 * or, for a hostless route, the Ingress load-balancer address. Empty when no
 * concrete host is known (none yet, or a wildcard).
 */
export function canonicalURL(route: {
  host: string | undefined;
  path: string;
  tls: boolean;
  loadBalancerAddress?: string | undefined;
}): string {
  const host = route.host ?? route.loadBalancerAddress;
  if (!host || host.startsWith('*')) return '';
  return `${route.tls ? 'https' : 'http'}://${host}${route.path}`;
}
