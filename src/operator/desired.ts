// Everything the operator wants to exist for one MCPServer, computed once from
// the validated spec and the operator's configuration: the resolved image,
// gateway and route, and the Deployment, Service, Ingress (and pull Secret)
// to create. The one entry point of the reconciler and of `render`; pure, so
// two calls with the same input give equal objects and a pass that finds
// nothing changed writes nothing.
import {
  API_VERSION,
  KIND,
  LABELS,
  MANAGED_BY,
  ROLLOUT_TRACK_STABLE,
} from '../api/v1alpha1/defaults.ts';
import {
  canonicalURL,
  effectiveHost,
  effectivePath,
  gatewayEnabled,
  gatewayImage,
  gatewayPort,
  gatewayUpstreamURL,
  routeUsesTLS,
} from '../api/v1alpha1/effective.ts';
import type { MCPServer } from '../api/v1alpha1/schema.ts';
import type { KubeObject, ObjectMeta } from '@mcp-operator/kube-core/port';
import type { OperatorConfig } from './config.ts';
import { buildDeployment, ownedEnvWarnings, serverMCPPath } from './deployment.ts';
import type { GatewaySidecar } from './deployment.ts';
import { buildPullSecret, resolveImage, resolvePullSecrets } from './image.ts';
import { buildIngress, ingressAnnotations } from './ingress.ts';
import { buildService } from './service.ts';

/** Metadata of an owned object: who it is, its labels, and (with a uid) its controller owner. */
export interface OwnedMetadata extends ObjectMeta {
  name: string;
  namespace: string;
  labels: Record<string, string>;
}

export interface DesiredState {
  /** The resolved server image. */
  image: string;
  gateway: { enabled: boolean; image?: string; port: number };
  route: { host: string | undefined; path: string; tls: boolean };
  deployment: KubeObject;
  service: KubeObject;
  ingress: KubeObject;
  /** The provisioned registry's pull Secret to ensure in the namespace, when the pod uses it. */
  pullSecret?: KubeObject;
  /** Texts for Warning Events. */
  warnings: string[];
}

export type DesiredResult =
  | { ok: true; desired: DesiredState }
  | { ok: false; reason: 'GatewayImageMissing'; path: 'spec.gateway.image'; message: string };

const GATEWAY_IMAGE_MISSING_MESSAGE =
  'the gateway sidecar is enabled but no image resolves: set spec.gateway.image, ' +
  'configure MCP_GATEWAY_PROXY_IMAGE on the operator, or set spec.gateway.enabled: false';

/** Fresh per object, so no two built objects share (and can mutate) a nested value. */
function ownedMetadata(server: MCPServer, extraLabels: Record<string, string> = {}): OwnedMetadata {
  const name = server.metadata.name;
  const uid = server.metadata.uid;
  return {
    name,
    namespace: server.metadata.namespace || 'default',
    labels: { [LABELS.app]: name, [LABELS.managedBy]: MANAGED_BY, ...extraLabels },
    // `render` has no uid, and an owner reference without one is invalid.
    ...(uid
      ? {
          ownerReferences: [
            {
              apiVersion: API_VERSION,
              kind: KIND,
              name,
              uid,
              controller: true,
              blockOwnerDeletion: true,
            },
          ],
        }
      : {}),
  };
}

export function desiredState(server: MCPServer, config: OperatorConfig): DesiredResult {
  const { spec } = server;
  const name = server.metadata.name;
  const namespace = server.metadata.namespace || 'default';

  const sidecarOn = gatewayEnabled(spec, config);
  const sidecarImage = gatewayImage(spec, config);
  if (sidecarOn && !sidecarImage) {
    return {
      ok: false,
      reason: 'GatewayImageMissing',
      path: 'spec.gateway.image',
      message: GATEWAY_IMAGE_MISSING_MESSAGE,
    };
  }
  const sidecarPort = gatewayPort(spec);

  const route = {
    host: effectiveHost(spec, config),
    path: effectivePath(name, spec),
    tls: routeUsesTLS(spec, config),
  };
  const image = resolveImage(spec, config);
  const pullSecrets = resolvePullSecrets(spec, config);
  const mcpPath = serverMCPPath(route.path, sidecarOn ? spec.gateway?.stripPrefix : undefined);

  const sidecar: GatewaySidecar | undefined =
    sidecarOn && sidecarImage
      ? {
          image: sidecarImage,
          port: sidecarPort,
          upstreamURL: gatewayUpstreamURL(spec),
          stripPrefix: spec.gateway?.stripPrefix,
          // scheme://host: canonicalURL is empty for a hostless or wildcard route.
          externalBaseURL: canonicalURL({ host: route.host, path: '', tls: route.tls }),
          resources: spec.gateway?.resources,
        }
      : undefined;

  const deployment = buildDeployment({
    metadata: ownedMetadata(server, { [LABELS.rolloutTrack]: ROLLOUT_TRACK_STABLE }),
    spec,
    image,
    pullSecrets,
    mcpPath,
    gateway: sidecar,
    config,
  });
  const service = buildService({
    metadata: ownedMetadata(server),
    servicePort: spec.servicePort,
    targetPort: sidecar ? sidecar.port : spec.port,
    sidecar: sidecar !== undefined,
  });
  const ingress = buildIngress({
    metadata: ownedMetadata(server),
    className: spec.ingressClass,
    host: route.host,
    path: route.path,
    servicePort: spec.servicePort,
    annotations: ingressAnnotations(spec.ingressClass, spec.ingressAnnotations, config),
  });
  // Also when the user names the provisioned Secret explicitly: it is the operator's to keep current.
  const pullSecret = pullSecrets.includes(config.provisionedRegistrySecretName)
    ? buildPullSecret(namespace, config)
    : undefined;

  return {
    ok: true,
    desired: {
      image,
      gateway: {
        enabled: sidecar !== undefined,
        ...(sidecar ? { image: sidecar.image } : {}),
        port: sidecarPort,
      },
      route,
      deployment,
      service,
      ingress,
      ...(pullSecret ? { pullSecret } : {}),
      warnings: ownedEnvWarnings(spec, mcpPath),
    },
  };
}
