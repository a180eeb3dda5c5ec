// The desired Service of an MCPServer (reconcile.md "Service"): ClusterIP,
// port `http` to the gateway sidecar when there is one, else to the server,
// plus the sidecar's metrics port and the Prometheus scrape annotations. Pure.
import { GATEWAY_METRICS_PORT, LABELS, MANAGED_BY } from '../api/v1alpha1/defaults.ts';
import type { KubeObject } from '@mcp-operator/kube-core/port';
import type { OwnedMetadata } from './desired.ts';

/** The annotations the operator sets on the Service while a sidecar runs (and removes after). */
const PROMETHEUS_ANNOTATIONS: Readonly<Record<string, string>> = {
  'prometheus.io/scrape': 'true',
  'prometheus.io/port': String(GATEWAY_METRICS_PORT),
  'prometheus.io/path': '/metrics',
};

export interface ServiceInput {
  metadata: OwnedMetadata;
  servicePort: number;
  /** Where `http` goes: the gateway port with a sidecar, else the server's port. */
  targetPort: number;
  /** With a sidecar the Service also exposes its metrics port and the scrape annotations. */
  sidecar: boolean;
}

export function buildService(input: ServiceInput): KubeObject {
  const { metadata, sidecar } = input;
  const ports = [
    { name: 'http', port: input.servicePort, targetPort: input.targetPort, protocol: 'TCP' },
  ];
  if (sidecar) {
    ports.push({
      name: 'metrics',
      port: GATEWAY_METRICS_PORT,
      targetPort: GATEWAY_METRICS_PORT,
      protocol: 'TCP',
    });
  }
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: sidecar ? { ...metadata, annotations: { ...PROMETHEUS_ANNOTATIONS } } : metadata,
    spec: {
      type: 'ClusterIP',
      // reconcile.md: the selector is app and managed-by, so a foreign pod labelled app=<name> is not picked up.
      selector: { [LABELS.app]: metadata.name, [LABELS.managedBy]: MANAGED_BY },
      ports,
    },
  };
}
