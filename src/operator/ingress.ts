// The desired Ingress of an MCPServer (reconcile.md "Ingress"): one rule, with
// the effective host or hostless, one Prefix path to the Service. Annotations
// are the ingress class's defaults with the user's ingressAnnotations on top.
import { DEFAULTS } from '../api/v1alpha1/defaults.ts';
import { TRAEFIK_TLS } from '../api/v1alpha1/effective.ts';
import type { KubeObject } from '@mcp-operator/kube-core/port';
import type { OperatorConfig } from './config.ts';
import type { OwnedMetadata } from './desired.ts';

const TRAEFIK_ENTRYPOINTS = 'traefik.ingress.kubernetes.io/router.entrypoints';
const NGINX_SSL_REDIRECT = 'nginx.ingress.kubernetes.io/ssl-redirect';
const NGINX_PROXY_BUFFERING = 'nginx.ingress.kubernetes.io/proxy-buffering';
const NGINX_PROXY_READ_TIMEOUT = 'nginx.ingress.kubernetes.io/proxy-read-timeout';
const NGINX_PROXY_SEND_TIMEOUT = 'nginx.ingress.kubernetes.io/proxy-send-timeout';
const INGRESS_CLASS_ANNOTATION = 'kubernetes.io/ingress.class';

/** The annotations an ingress class gets by default; none for a class not in the table. */
export function ingressClassAnnotations(
  className: string,
  config: Pick<OperatorConfig, 'defaultIngressEntrypoints' | 'defaultIngressTLS'>,
): Record<string, string> {
  switch (className) {
    case 'traefik':
      return {
        [TRAEFIK_ENTRYPOINTS]: config.defaultIngressEntrypoints || 'web',
        ...(config.defaultIngressTLS ? { [TRAEFIK_TLS]: 'true' } : {}),
      };
    case 'nginx':
      // MCP streams (SSE, streamable HTTP) are long-lived: no buffering, an hour's timeouts.
      return {
        [NGINX_SSL_REDIRECT]: 'false',
        [NGINX_PROXY_BUFFERING]: 'off',
        [NGINX_PROXY_READ_TIMEOUT]: '3600',
        [NGINX_PROXY_SEND_TIMEOUT]: '3600',
      };
    case 'istio':
      return { [INGRESS_CLASS_ANNOTATION]: 'istio' };
    default:
      return {};
  }
}

/** Class defaults with the user's annotations on top: the user wins. */
export function ingressAnnotations(
  className: string,
  user: Readonly<Record<string, string>> | undefined,
  config: Pick<OperatorConfig, 'defaultIngressEntrypoints' | 'defaultIngressTLS'>,
): Record<string, string> {
  return { ...ingressClassAnnotations(className, config), ...user };
}

export interface IngressInput {
  metadata: OwnedMetadata;
  className: string;
  /** The effective host; undefined routes on the path on every host. */
  host: string | undefined;
  path: string;
  servicePort: number;
  annotations: Readonly<Record<string, string>>;
}

export function buildIngress(input: IngressInput): KubeObject {
  const { metadata } = input;
  const annotations = { ...input.annotations };
  const rule = {
    ...(input.host ? { host: input.host } : {}),
    http: {
      paths: [
        {
          path: input.path,
          pathType: DEFAULTS.ingressPathType,
          backend: { service: { name: metadata.name, port: { number: input.servicePort } } },
        },
      ],
    },
  };
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: Object.keys(annotations).length > 0 ? { ...metadata, annotations } : metadata,
    spec: { ingressClassName: input.className, rules: [rule] },
  };
}
