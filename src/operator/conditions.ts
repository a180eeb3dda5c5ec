// metav1.Condition bookkeeping in the manner of Cluster API's conditions
// helper (and apimachinery's meta.SetStatusCondition): lastTransitionTime
// moves only when a condition's status flips, reason and message follow the
// latest observation, every condition carries the generation it describes,
// and the summary `Ready` condition is listed first. Pure.
import type { Condition } from '../api/v1alpha1/schema.ts';

export interface ConditionInput {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
}

const READY = 'Ready';

/**
 * Next conditions: keeps lastTransitionTime of a condition whose status did
 * not flip (reason/message may change), sets `now` when it flips or is new,
 * sets observedGeneration on each, orders `Ready` first then the rest in the
 * order given; drops conditions of types not in `next` (e.g. GatewayReady once
 * the sidecar goes). A type given twice in `next` keeps its first entry.
 */
export function mergeConditions(
  previous: readonly Condition[] | undefined,
  next: readonly ConditionInput[],
  generation: number,
  now: string,
): Condition[] {
  const before = new Map<string, Condition>();
  for (const condition of previous ?? []) {
    if (!before.has(condition.type)) before.set(condition.type, condition);
  }
  const seen = new Set<string>();
  const merged: Condition[] = [];
  for (const input of next) {
    if (seen.has(input.type)) continue;
    seen.add(input.type);
    const old = before.get(input.type);
    const keepTime = old !== undefined && old.status === input.status && !!old.lastTransitionTime;
    merged.push({
      type: input.type,
      status: input.status,
      observedGeneration: generation,
      lastTransitionTime: keepTime ? old.lastTransitionTime : now,
      reason: input.reason,
      message: input.message,
    });
  }
  const ready = merged.filter((c) => c.type === READY);
  return [...ready, ...merged.filter((c) => c.type !== READY)];
}

/**
 * Every reason the operator sets on each condition type, by status: the
 * summary `Ready` (status.ts), the surfaces (readiness.ts), and the failures
 * the reconciler reports (reconciler.ts, desired.ts). The README's status
 * section explains each one (test/docs/readme.test.ts checks both ways).
 */
export const CONDITION_REASONS = {
  Ready: {
    True: ['Ready'],
    False: ['NotReady', 'ScaledToZero', 'InvalidSpec', 'RouteConflict', 'ReconcileError'],
  },
  DeploymentReady: {
    True: ['RolloutComplete'],
    False: [
      'DeploymentNotFound',
      'ForeignObject',
      'ScaledToZero',
      'RolloutInProgress',
      'ReplicasUnavailable',
    ],
  },
  ServiceReady: {
    True: ['ClusterIPAssigned'],
    False: ['ServiceNotFound', 'ForeignObject', 'ClusterIPPending', 'ServiceOutOfDate'],
  },
  IngressReady: {
    True: ['AddressAssigned', 'RulesConfigured'],
    False: [
      'IngressNotFound',
      'ForeignObject',
      'IngressClassNotFound',
      'NoLoadBalancerAddress',
      'RulesNotConfigured',
      'RouteConflict',
    ],
  },
  GatewayReady: {
    True: ['GatewayRunning'],
    False: ['DeploymentNotReady', 'GatewayImageMissing'],
  },
} as const satisfies Record<string, Record<'True' | 'False', readonly string[]>>;
