// The registry of built-in kinds: one strategy per kind (./<kind>.ts), looked
// up by one canonical key, the GroupKind (`Deployment.apps`, `Service`). The
// store, the printers, the selectors, the merge rules, OpenAPI and protobuf
// read what they need of a built-in kind from here.
import type { ResourceType } from '../types.ts';
import { configMap } from './configmap.ts';
import { customResourceDefinition } from './crd.ts';
import { deployment } from './deployment.ts';
import { endpointSlice } from './endpointslice.ts';
import { coreEvent, eventsEvent } from './event.ts';
import { ingress, ingressClass } from './ingress.ts';
import { lease } from './lease.ts';
import { namespace } from './namespace.ts';
import { pod } from './pod.ts';
import { podDisruptionBudget } from './poddisruptionbudget.ts';
import { clusterRole, clusterRoleBinding, role, roleBinding } from './rbac.ts';
import { selfSubjectAccessReview, selfSubjectRulesReview } from './reviews.ts';
import { secret } from './secret.ts';
import { service } from './service.ts';
import { serviceAccount } from './serviceaccount.ts';
import type { KindStrategy } from './strategy.ts';

export type { KindStrategy } from './strategy.ts';
export {
  clusterRole,
  clusterRoleBinding,
  customResourceDefinition,
  deployment,
  ingress,
  ingressClass,
  namespace,
  role,
  roleBinding,
  serviceAccount,
};

/** Every built-in kind, in the order discovery lists them. */
export const KINDS: readonly KindStrategy[] = [
  namespace,
  configMap,
  secret,
  service,
  serviceAccount,
  coreEvent,
  pod,
  deployment,
  ingress,
  ingressClass,
  endpointSlice,
  lease,
  eventsEvent,
  podDisruptionBudget,
  role,
  clusterRole,
  roleBinding,
  clusterRoleBinding,
  selfSubjectAccessReview,
  selfSubjectRulesReview,
  customResourceDefinition,
];

/** The canonical key of a kind: apimachinery's GroupKind.String() (`Deployment.apps`, `Service`). */
export function kindKey(type: { group: string; kind: string }): string {
  return type.group ? `${type.kind}.${type.group}` : type.kind;
}

const byKey = new Map(KINDS.map((k) => [kindKey(k), k]));

/** The strategy of a built-in kind; undefined for custom resources and kinds the plane does not serve. */
export function strategyFor(type: {
  group: string;
  kind: string;
  builtin?: boolean;
}): KindStrategy | undefined {
  return type.builtin === false ? undefined : byKey.get(kindKey(type));
}

/** The served resource of a built-in kind. */
function resourceTypeOf(strategy: KindStrategy): ResourceType {
  return {
    group: strategy.group,
    version: strategy.version,
    kind: strategy.kind,
    listKind: `${strategy.kind}List`,
    plural: strategy.plural,
    singular: strategy.kind.toLowerCase(),
    namespaced: strategy.namespaced,
    shortNames: [...strategy.shortNames],
    categories: [...strategy.categories],
    statusSubresource: strategy.statusSubresource,
    builtin: true,
  };
}

/** The built-in resources the local API server serves. */
export const BUILTIN_TYPES: readonly ResourceType[] = KINDS.map(resourceTypeOf);
