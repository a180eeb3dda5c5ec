// Every default of the MCPServer API in one place. The schema, the CRD, the
// builders and the docs all read these; change a default here and nowhere else.

export const GROUP = 'mcpruntime.org';
export const VERSION = 'v1alpha1';
export const API_VERSION = `${GROUP}/${VERSION}`;
export const KIND = 'MCPServer';
export const LIST_KIND = 'MCPServerList';
export const PLURAL = 'mcpservers';
export const SINGULAR = 'mcpserver';
export const SHORT_NAMES = ['mcps'] as const;
export const CATEGORIES = ['mcp'] as const;
export const CRD_NAME = `${PLURAL}.${GROUP}`;
/** The Lease replicas elect a leader with (`run --leader-elect`). */
export const LEASE_NAME = 'mcp-runtime-operator.mcpruntime.org';

export const DEFAULTS = {
  replicas: 1,
  port: 8088,
  gatewayPort: 8091,
  servicePort: 80,
  ingressClass: 'traefik',
  ingressPathType: 'Prefix',
  ingressReadinessMode: 'strict',
  imageTag: 'latest',
  requiredTrust: 'low',
  resources: {
    requests: { cpu: '50m', memory: '64Mi' },
    limits: { cpu: '500m', memory: '256Mi' },
  },
} as const;

/** Port the gateway sidecar serves its metrics on. */
export const GATEWAY_METRICS_PORT = 9103;

/** Env var the operator sets on the server container; a user value is replaced. */
export const OPERATOR_OWNED_ENV = ['MCP_PATH'] as const;

/** Upper bounds on lists, maps and strings, so CEL rules stay within the API server's cost budget. */
export const LIMITS = {
  name: 63,
  image: 512,
  shortString: 253,
  teamID: 128,
  description: 4096,
  path: 253,
  envValue: 32768,
  list: 128,
  map: 64,
  annotationKey: 317,
  annotationValue: 4096,
  labelValue: 63,
  quantity: 64,
  url: 2048,
  message: 32768,
  conditions: 16,
  /**
   * Bytes of ingressAnnotations' keys and values together: kube-apiserver's
   * 256 KiB for an object's annotations, less 1 KiB for the ingress class's.
   */
  ingressAnnotationBytes: 256 * 1024 - 1024,
} as const;

/** Field manager of every write the operator makes, and the Events' reporting controller. */
export const FIELD_MANAGER = 'mcp-runtime-operator';
/** Namespace the operator is installed in (install manifests, leader-election Lease). */
export const OPERATOR_NAMESPACE = 'mcp-runtime';

/** Labels on everything the operator builds; the selector is APP_LABEL + ROLLOUT_TRACK_LABEL. */
export const LABELS = {
  app: 'app',
  managedBy: 'app.kubernetes.io/managed-by',
  rolloutTrack: 'mcpruntime.org/rollout-track',
} as const;
export const MANAGED_BY = 'mcp-runtime';
export const ROLLOUT_TRACK_STABLE = 'stable';
/** The informers' selector for owned objects. */
export const MANAGED_BY_SELECTOR = `${LABELS.managedBy}=${MANAGED_BY}`;

/** Name of the gateway sidecar container. */
export const GATEWAY_CONTAINER = 'mcp-gateway';
/** Non-root user the pods run as (the platform's value), so images whose default user is root still start. */
export const POD_RUN_AS_USER = 65532;
/** Default name of the provisioned-registry pull Secret. */
export const PROVISIONED_REGISTRY_SECRET_NAME = 'mcp-runtime-registry-pull';
/** Fallback registry for useProvisionedRegistry. */
export const REGISTRY_PULL_HOST = 'registry.registry.svc.cluster.local:5000';
/** How soon a server that is not ready yet is looked at again (watches usually come first). */
export const NOT_READY_REQUEUE_MS = 10_000;
