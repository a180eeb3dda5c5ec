// The MCPServer's status as a pure function of what one reconcile pass found
// (cert-manager's habit): phase, message, the readiness booleans, url, image,
// observedGeneration and the conditions, Ready first. Never reports success
// before every required surface was observed ready.
import { LIMITS } from '../api/v1alpha1/defaults.ts';
import type { Condition, MCPServerStatus, Phase } from '../api/v1alpha1/schema.ts';
import { mergeConditions } from './conditions.ts';
import type { ConditionInput } from './conditions.ts';
import type { Readiness } from './readiness.ts';

export interface Surfaces {
  deployment: Readiness;
  service: Readiness;
  ingress: Readiness;
  /** Present while a gateway sidecar is configured. */
  gateway?: Readiness;
}

/** What a pass found. */
export type Outcome =
  | {
      kind: 'observed';
      surfaces: Surfaces;
      url: string;
      image: string;
      /** Where the server is routed, for the Ready message when no URL is known. */
      path: string;
    }
  | {
      kind: 'failed';
      reason: 'InvalidSpec' | 'RouteConflict' | 'ReconcileError';
      message: string;
      /** Surfaces observed before the failure; the others keep their previous conditions. */
      surfaces?: Partial<Surfaces>;
      url?: string;
      image?: string;
    };

const SURFACE_CONDITIONS = [
  ['deployment', 'DeploymentReady', 'deploymentReady'],
  ['service', 'ServiceReady', 'serviceReady'],
  ['ingress', 'IngressReady', 'ingressReady'],
  ['gateway', 'GatewayReady', 'gatewayReady'],
] as const;

/**
 * A message cut to what the CRD lets status.message and a condition's message
 * hold (maxLength counts characters, code points as kube counts them), with
 * '…' at the cut: a violation path with a 1 MiB map key in it must not make
 * the status write itself fail.
 */
export function boundedMessage(message: string): string {
  if (message.length <= LIMITS.message) return message; // UTF-16 units ≥ code points
  const chars = [...message];
  if (chars.length <= LIMITS.message) return message;
  return `${chars.slice(0, LIMITS.message - 1).join('')}…`;
}

function condition(type: string, r: Readiness): ConditionInput {
  return {
    type,
    status: r.ready ? 'True' : 'False',
    reason: r.reason,
    message: boundedMessage(r.message),
  };
}

function observedStatus(
  outcome: Extract<Outcome, { kind: 'observed' }>,
): Pick<MCPServerStatus, 'phase' | 'message'> & { ready: ConditionInput } {
  const { surfaces } = outcome;
  const required = SURFACE_CONDITIONS.flatMap(([key, type]) => {
    const r = surfaces[key];
    return r ? [{ type, r }] : [];
  });
  const notReady = required.filter(({ r }) => !r.ready);
  if (notReady.length === 0) {
    const where = outcome.url
      ? `at ${outcome.url}`
      : `at path ${outcome.path} on the ingress controller's address`;
    const message = `Serving ${where}.`;
    return {
      phase: 'Ready',
      message,
      ready: { type: 'Ready', status: 'True', reason: 'Ready', message },
    };
  }
  // Readiness messages are clauses without a final period: keep them apart.
  const message = boundedMessage(notReady.map(({ r }) => r.message).join('; '));
  const phase: Phase = notReady.length === required.length ? 'Pending' : 'PartiallyReady';
  const reason = surfaces.deployment.reason === 'ScaledToZero' ? 'ScaledToZero' : 'NotReady';
  return { phase, message, ready: { type: 'Ready', status: 'False', reason, message } };
}

/** The status a pass should leave, given the previous one. */
export function computeStatus(
  previous: MCPServerStatus | undefined,
  outcome: Outcome,
  generation: number,
  now: string,
): MCPServerStatus {
  const surfaces: Partial<Surfaces> = outcome.surfaces ?? {};
  const kept = new Map<string, Condition>();
  let head: Pick<MCPServerStatus, 'phase' | 'message'> & { ready: ConditionInput };
  if (outcome.kind === 'observed') {
    head = observedStatus(outcome);
  } else {
    const message = boundedMessage(outcome.message);
    head = {
      phase: 'Error',
      message,
      ready: { type: 'Ready', status: 'False', reason: outcome.reason, message },
    };
    // Surfaces this pass did not look at keep what was last observed, with its generation.
    for (const c of previous?.conditions ?? []) {
      const surface = SURFACE_CONDITIONS.find(([, type]) => type === c.type);
      if (surface && !surfaces[surface[0]]) kept.set(c.type, c);
    }
  }
  const inputs: ConditionInput[] = [head.ready];
  for (const [key, type] of SURFACE_CONDITIONS) {
    const r = surfaces[key];
    if (r) inputs.push(condition(type, r));
    else if (kept.has(type)) inputs.push(kept.get(type)!);
  }
  const conditions = mergeConditions(previous?.conditions, inputs, generation, now).map(
    (c) => kept.get(c.type) ?? c,
  );
  const flag = (key: keyof Surfaces, field: (typeof SURFACE_CONDITIONS)[number][2]) => {
    const r = surfaces[key];
    if (r) return r.ready;
    if (key === 'gateway' && outcome.kind === 'observed') return false;
    return previous?.[field] ?? false;
  };
  const url = outcome.url ?? previous?.url ?? '';
  const image = outcome.image ?? previous?.image ?? '';
  return {
    phase: head.phase,
    message: head.message,
    deploymentReady: flag('deployment', 'deploymentReady'),
    serviceReady: flag('service', 'serviceReady'),
    ingressReady: flag('ingress', 'ingressReady'),
    gatewayReady: flag('gateway', 'gatewayReady'),
    ...(url ? { url } : {}),
    ...(image ? { image } : {}),
    observedGeneration: generation,
    conditions,
  };
}
