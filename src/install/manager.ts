// The operator's namespace, Deployment and PodDisruptionBudget. The pod passes
// the "restricted" Pod Security Standard, which the namespace enforces.
import { OPERATOR_NAMESPACE, POD_RUN_AS_USER } from '../api/v1alpha1/defaults.ts';
import { INSTALL_LABELS, OPERATOR_IMAGE, OPERATOR_NAME } from './names.ts';

type Manifest = Record<string, unknown>;

const METRICS_PORT = 8080;
const HEALTH_PORT = 8081;
/** Above `run`'s 30 s drain of in-flight reconciles, so the Lease is released before the kill. */
const TERMINATION_GRACE_SECONDS = 40;

/**
 * Node flags the operator runs with. V8 otherwise lets each young-generation
 * semi-space grow to tens of MiB while a burst of watch events is decoded:
 * at 5 000 servers that was most of a 400 MiB peak, with no speed gained
 * (docs/performance.md). The benchmark runs the operator with these too.
 */
export const OPERATOR_NODE_OPTIONS = '--max-semi-space-size=8';

const selector = { 'app.kubernetes.io/name': OPERATOR_NAME };

export function namespace(): Manifest {
  const level = 'restricted';
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: OPERATOR_NAMESPACE,
      labels: {
        ...INSTALL_LABELS,
        'pod-security.kubernetes.io/enforce': level,
        'pod-security.kubernetes.io/audit': level,
        'pod-security.kubernetes.io/warn': level,
      },
    },
  };
}

const fieldEnv = (name: string, fieldPath: string) => ({
  name,
  valueFrom: { fieldRef: { fieldPath } },
});

const probe = (path: string, periodSeconds: number) => ({
  httpGet: { path, port: 'health' },
  periodSeconds,
  timeoutSeconds: 2,
  failureThreshold: 3,
});

export function deployment(): Manifest {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: OPERATOR_NAME, namespace: OPERATOR_NAMESPACE, labels: { ...INSTALL_LABELS } },
    spec: {
      // Two replicas: one leads, the other stands by and takes the Lease at once.
      replicas: 2,
      selector: { matchLabels: selector },
      template: {
        metadata: { labels: { ...INSTALL_LABELS } },
        spec: {
          serviceAccountName: OPERATOR_NAME,
          terminationGracePeriodSeconds: TERMINATION_GRACE_SECONDS,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: POD_RUN_AS_USER,
            runAsGroup: POD_RUN_AS_USER,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          topologySpreadConstraints: [
            {
              maxSkew: 1,
              topologyKey: 'kubernetes.io/hostname',
              whenUnsatisfiable: 'ScheduleAnyway',
              labelSelector: { matchLabels: selector },
            },
          ],
          containers: [
            {
              name: 'manager',
              image: OPERATOR_IMAGE,
              args: [
                'run',
                '--leader-elect',
                `--metrics-bind-address=:${METRICS_PORT}`,
                `--health-probe-bind-address=:${HEALTH_PORT}`,
              ],
              env: [
                fieldEnv('POD_NAME', 'metadata.name'),
                fieldEnv('POD_NAMESPACE', 'metadata.namespace'),
                { name: 'NODE_OPTIONS', value: OPERATOR_NODE_OPTIONS },
              ],
              ports: [
                { name: 'metrics', containerPort: METRICS_PORT, protocol: 'TCP' },
                { name: 'health', containerPort: HEALTH_PORT, protocol: 'TCP' },
              ],
              livenessProbe: probe('/healthz', 20),
              readinessProbe: probe('/readyz', 10),
              // About 100 MiB resident idle and 235 MiB at the peak of
              // creating 5 000 servers (docs/performance.md); Node sizes its
              // heap from the limit.
              resources: {
                requests: { cpu: '100m', memory: '192Mi' },
                limits: { cpu: '1', memory: '512Mi' },
              },
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ['ALL'] },
              },
            },
          ],
        },
      },
    },
  };
}

export function podDisruptionBudget(): Manifest {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: OPERATOR_NAME, namespace: OPERATOR_NAMESPACE, labels: { ...INSTALL_LABELS } },
    spec: { minAvailable: 1, selector: { matchLabels: selector } },
  };
}
