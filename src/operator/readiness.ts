// Readiness of each surface an MCPServer owns, computed from the live objects
// (pure; never throws, whatever shape a live object has). The Deployment rule
// is `kubectl rollout status`'s (kubectl's DeploymentStatusViewer): the
// controller has observed the current generation, every desired replica is
// updated, ready and available, and no old replica is left. Failure causes
// come from the Deployment's own `ReplicaFailure` and `Progressing` conditions.
//
// Reasons (stable, CamelCase):
//   Deployment  True RolloutComplete | False DeploymentNotFound, ForeignObject,
//               ScaledToZero, RolloutInProgress, ReplicasUnavailable
//   Service     True ClusterIPAssigned | False ServiceNotFound, ForeignObject,
//               ClusterIPPending (no cluster IP), ServiceOutOfDate (ports or
//               selector not as desired yet)
//   Ingress     True AddressAssigned (a load-balancer address is published) or
//               RulesConfigured (permissive, rules but no address) | False
//               IngressNotFound, ForeignObject, IngressClassNotFound,
//               NoLoadBalancerAddress, RulesNotConfigured (permissive, no rules)
//   Gateway     True GatewayRunning | False DeploymentNotReady
import { asObject, deepEqual, isObject } from '@mcp-operator/kube-core/json';
import type { JsonObject } from '@mcp-operator/kube-core/json';
import type { KubeObject } from '@mcp-operator/kube-core/port';
import type { ReadinessMode } from './config.ts';

export interface Readiness {
  ready: boolean;
  reason: string;
  message: string;
}

/** What the reconciler found under the child's name. */
export type Observed =
  | { state: 'missing' }
  | { state: 'foreign'; kind: string; name: string }
  | { state: 'owned'; object: KubeObject };

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

const ready = (reason: string, message: string): Readiness => ({ ready: true, reason, message });
const notReady = (reason: string, message: string): Readiness => ({
  ready: false,
  reason,
  message,
});

function foreign(observed: { kind: string; name: string }, kind: string): Readiness {
  const k = observed.kind || kind;
  const article = /^[AEIOU]/i.test(k) ? 'an' : 'a';
  return notReady(
    'ForeignObject',
    `${article} ${k} named ${observed.name} exists and is not controlled by this MCPServer; rename the MCPServer or delete the other ${k}`,
  );
}

function nameOf(object: KubeObject): string {
  return text(asObject(object.metadata)?.name) || '(unnamed)';
}

/** ` -n <namespace>` for kubectl hints, when the namespace is known. */
function namespaceFlag(object: KubeObject): string {
  const namespace = text(asObject(object.metadata)?.namespace);
  return namespace ? ` -n ${namespace}` : '';
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * A pod-level cause from the Deployment's conditions, e.g. `ReplicaFailure
 * FailedCreate: pods "x" is forbidden: ...`; undefined when none is reported.
 */
function failureCause(status: JsonObject): string | undefined {
  const conditions = list(status.conditions).filter(isObject);
  const describe = (c: JsonObject) =>
    [text(c.type), text(c.reason)].filter(Boolean).join(' ') +
    (text(c.message) ? `: ${text(c.message).replace(/\.$/, '')}` : '');
  const failure = conditions.find((c) => c.type === 'ReplicaFailure' && c.status === 'True');
  if (failure) return describe(failure);
  const stalled = conditions.find(
    (c) =>
      c.type === 'Progressing' && c.status === 'False' && c.reason === 'ProgressDeadlineExceeded',
  );
  return stalled ? describe(stalled) : undefined;
}

/**
 * Deployment readiness. Checked in order: foreign, missing, scaled to zero,
 * generation not observed, rollout (not all updated, old replicas left, or
 * scaling down), then replicas not ready/available.
 */
export function deploymentReadiness(observed: Observed, desiredReplicas: number): Readiness {
  if (observed.state === 'foreign') return foreign(observed, 'Deployment');
  if (observed.state === 'missing') {
    return notReady(
      'DeploymentNotFound',
      'the Deployment does not exist yet; the operator creates it on its next pass, and if this persists check the operator logs for errors',
    );
  }
  const deployment = observed.object;
  const name = nameOf(deployment);
  const ns = namespaceFlag(deployment);
  const desired = Number.isFinite(desiredReplicas) ? desiredReplicas : 0;
  if (desired <= 0) {
    return notReady(
      'ScaledToZero',
      `the Deployment ${name} is scaled to zero replicas, so nothing serves requests; set spec.replicas to 1 or more to run the server`,
    );
  }

  const generation = count(asObject(deployment.metadata)?.generation);
  const status = asObject(deployment.status) ?? {};
  const observedGeneration = count(status.observedGeneration);
  const replicas = count(status.replicas);
  const updated = count(status.updatedReplicas);
  const readyReplicas = count(status.readyReplicas);
  const available = count(status.availableReplicas);
  const cause = failureCause(status);
  const causeText = cause ? ` (${cause})` : '';
  const rolloutHint = `wait for it, or follow it with kubectl rollout status deployment/${name}${ns}`;

  if (observedGeneration < generation) {
    return notReady(
      'RolloutInProgress',
      `the Deployment ${name} has not yet observed its latest spec (generation ${generation}, observed ${observedGeneration}); ${rolloutHint}`,
    );
  }
  if (updated < desired || replicas > updated) {
    const old = Math.max(0, replicas - updated);
    return notReady(
      'RolloutInProgress',
      `the Deployment ${name} is rolling out, ${updated} of ${plural(desired, 'replica')} updated and ${plural(old, 'old replica')} left${causeText}; ${rolloutHint}`,
    );
  }
  if (replicas > desired || updated > desired) {
    return notReady(
      'RolloutInProgress',
      `the Deployment ${name} is scaling down from ${replicas} to ${plural(desired, 'replica')}; ${rolloutHint}`,
    );
  }
  if (readyReplicas !== desired || available !== desired) {
    return notReady(
      'ReplicasUnavailable',
      `the Deployment ${name} has ${readyReplicas} of ${plural(desired, 'replica')} ready and ${available} available${causeText}; check the pods with kubectl describe pods -l app=${name}${ns}`,
    );
  }
  if (replicas !== desired) {
    // Only an inconsistent status gets here (fewer replicas than updated ones).
    return notReady(
      'RolloutInProgress',
      `the Deployment ${name} reports ${replicas} of ${plural(desired, 'replica')}; ${rolloutHint}`,
    );
  }
  return ready(
    'RolloutComplete',
    `the Deployment ${name} has ${desired === 1 ? 'its replica' : `all ${desired} replicas`} updated, ready and available`,
  );
}

interface PortKey {
  name: string;
  port: number;
  targetPort: number | string;
}

/** The fields of a Service port the operator sets; an absent targetPort means `port` (the API server's default). */
function servicePorts(service: KubeObject): PortKey[] {
  return list(asObject(service.spec)?.ports)
    .map((item) => asObject(item) ?? {})
    .map((p) => {
      const port = count(p.port);
      const target = p.targetPort;
      const targetPort =
        (typeof target === 'number' && Number.isFinite(target)) ||
        (typeof target === 'string' && target !== '')
          ? target
          : port;
      return { name: text(p.name), port, targetPort };
    });
}

const portText = (p: PortKey) => `${p.name || '(unnamed)'} ${p.port}→${p.targetPort}`;

function selectorText(selector: JsonObject): string {
  const entries = Object.entries(selector);
  return entries.length ? entries.map(([k, v]) => `${k}=${String(v)}`).join(',') : '(none)';
}

/**
 * Service readiness: a cluster IP, and the desired ports (name, port,
 * targetPort; order-insensitive, other fields such as protocol are the API
 * server's) and exactly the desired selector.
 */
export function serviceReadiness(observed: Observed, desired: KubeObject): Readiness {
  if (observed.state === 'foreign') return foreign(observed, 'Service');
  const name = nameOf(desired);
  if (observed.state === 'missing') {
    return notReady(
      'ServiceNotFound',
      `the Service ${name} does not exist yet; the operator creates it on its next pass, and if this persists check the operator logs for errors`,
    );
  }
  const service = observed.object;
  const clusterIP = text(asObject(service.spec)?.clusterIP);
  if (!clusterIP || clusterIP === 'None') {
    return notReady(
      'ClusterIPPending',
      clusterIP === 'None'
        ? `the Service ${name} is headless (clusterIP None) and cannot get a cluster IP; delete it so the operator recreates it`
        : `the Service ${name} has no cluster IP yet; wait for the API server to assign one`,
    );
  }

  const want = servicePorts(desired);
  const have = servicePorts(service);
  const samePorts =
    want.length === have.length &&
    want.every((w) =>
      have.some((h) => h.name === w.name && h.port === w.port && h.targetPort === w.targetPort),
    );
  const wantSelector = asObject(asObject(desired.spec)?.selector) ?? {};
  const haveSelector = asObject(asObject(service.spec)?.selector) ?? {};
  if (!samePorts || !deepEqual(wantSelector, haveSelector)) {
    const what = !samePorts
      ? `ports ${have.map(portText).join(', ') || '(none)'} instead of ${want.map(portText).join(', ')}`
      : `selector ${selectorText(haveSelector)} instead of ${selectorText(wantSelector)}`;
    return notReady(
      'ServiceOutOfDate',
      `the Service ${name} has ${what}; the operator corrects it on its next pass, and if this persists check whether another controller edits the Service`,
    );
  }
  return ready(
    'ClusterIPAssigned',
    `the Service ${name} has cluster IP ${clusterIP} and the desired ports and selector`,
  );
}

/** The first load-balancer address (hostname or ip) of an Ingress, for hostless URLs. */
export function loadBalancerAddress(ingress: KubeObject | undefined): string | undefined {
  if (!ingress) return undefined;
  for (const entry of list(asObject(asObject(ingress.status)?.loadBalancer)?.ingress)) {
    const address = text(asObject(entry)?.hostname) || text(asObject(entry)?.ip);
    if (address) return address;
  }
  return undefined;
}

/** Whether the Ingress has at least one rule with an HTTP path. */
function hasRules(ingress: KubeObject): boolean {
  return list(asObject(ingress.spec)?.rules).some(
    (rule) => list(asObject(asObject(rule)?.http)?.paths).length > 0,
  );
}

/**
 * Ingress readiness. A missing IngressClass is not ready in either mode. An
 * address counts only when a `status.loadBalancer.ingress[]` entry carries a
 * hostname or ip (an empty entry publishes nothing a client could reach).
 */
export function ingressReadiness(
  observed: Observed,
  options: { mode: ReadinessMode; className: string; classExists: boolean },
): Readiness {
  if (observed.state === 'foreign') return foreign(observed, 'Ingress');
  if (!options.classExists) {
    return notReady(
      'IngressClassNotFound',
      `the IngressClass ${options.className || '(none)'} does not exist; install the ingress controller that provides it or set spec.ingressClass to an existing class (kubectl get ingressclass)`,
    );
  }
  if (observed.state === 'missing') {
    return notReady(
      'IngressNotFound',
      'the Ingress does not exist yet; the operator creates it on its next pass, and if this persists check the operator logs for errors',
    );
  }
  const ingress = observed.object;
  const name = nameOf(ingress);
  const address = loadBalancerAddress(ingress);
  if (address) {
    return ready('AddressAssigned', `the Ingress ${name} is served at address ${address}`);
  }
  if (options.mode === 'permissive') {
    return hasRules(ingress)
      ? ready(
          'RulesConfigured',
          `the Ingress ${name} has its rules but no load-balancer address, which counts as ready because MCP_INGRESS_READINESS_MODE is permissive`,
        )
      : notReady(
          'RulesNotConfigured',
          `the Ingress ${name} has no rules yet; the operator writes them on its next pass, and if this persists check whether another controller edits the Ingress`,
        );
  }
  return notReady(
    'NoLoadBalancerAddress',
    `the Ingress ${name} has no load-balancer address yet and MCP_INGRESS_READINESS_MODE is strict; wait for the ${options.className || 'ingress'} controller to publish one, or set MCP_INGRESS_READINESS_MODE=permissive on the operator when the ingress controller publishes no address (e.g. port-forward or NodePort)`,
  );
}

/** Gateway sidecar readiness; only called while a sidecar is configured. */
export function gatewayReadiness(options: { deployment: Readiness }): Readiness {
  return options.deployment.ready
    ? ready('GatewayRunning', 'the gateway sidecar runs in every ready replica')
    : notReady(
        'DeploymentNotReady',
        `the gateway sidecar waits for its Deployment: ${options.deployment.message}`,
      );
}
