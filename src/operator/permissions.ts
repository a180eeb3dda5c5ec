// Every Kubernetes API call the operator program makes, as RBAC sees it: the
// install manifests' roles are generated from this list (src/install/rbac.ts),
// the integration suites' operator runs behind a port that refuses any call
// not listed here, and test/operator/permissions.test.ts checks that each entry
// is still called, so the roles grant exactly what the code uses.
import { CRD_NAME, LEASE_NAME } from '../api/v1alpha1/defaults.ts';
import { RESOURCES } from '@mcp-operator/kube-core/port';
import type { ResourceRef } from '@mcp-operator/kube-core/port';

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete';

export interface Permission {
  resource: ResourceRef;
  subresource?: 'status';
  verbs: readonly Verb[];
  /** Restricts the verbs to these object names (never for create, list or watch). */
  resourceNames?: readonly string[];
  /** Which role grants it: the cluster role, the leader-election Role in the
   * operator's namespace, or the optional registry-Secrets cluster role. */
  role: 'operator' | 'leader-election' | 'registry-secrets';
  /** Where the code makes the call. */
  why: string;
}

export const PERMISSIONS: readonly Permission[] = [
  {
    resource: RESOURCES.mcpServers,
    verbs: ['list', 'watch', 'patch'],
    role: 'operator',
    why: 'the informer; persisting static defaults an older CRD left out (reconciler.ts)',
  },
  {
    resource: RESOURCES.mcpServers,
    subresource: 'status',
    verbs: ['update'],
    role: 'operator',
    why: 'the one status write per reconcile (reconciler.ts)',
  },
  ...[RESOURCES.deployments, RESOURCES.services].map((resource): Permission => ({
    resource,
    verbs: ['get', 'list', 'watch', 'create', 'update'],
    role: 'operator',
    why: 'owned children: informer, read past the cache, create, repair (children.ts)',
  })),
  {
    resource: RESOURCES.ingresses,
    verbs: ['get', 'list', 'watch', 'create', 'update', 'delete'],
    role: 'operator',
    why: 'owned children as above, and removed when routing is switched off (children.ts)',
  },
  {
    resource: RESOURCES.ingresses,
    subresource: 'status',
    verbs: ['update'],
    role: 'operator',
    why: 'an Ingress moved to another class loses the address its previous controller wrote (reconciler.ts)',
  },
  {
    resource: RESOURCES.ingressClasses,
    verbs: ['list', 'watch'],
    role: 'operator',
    why: 'ingress readiness waits for the class to exist (controller.ts)',
  },
  {
    resource: RESOURCES.events,
    verbs: ['create', 'patch'],
    role: 'operator',
    why: 'Events, repeats aggregated into a series (events.ts)',
  },
  {
    resource: RESOURCES.customResourceDefinitions,
    verbs: ['get'],
    resourceNames: [CRD_NAME],
    role: 'operator',
    why: 'the start-up check that the CRD is installed (cmd/run.ts)',
  },
  {
    resource: RESOURCES.leases,
    verbs: ['create'],
    role: 'leader-election',
    why: 'leader election: the first replica creates the Lease (leader-election.ts)',
  },
  {
    resource: RESOURCES.leases,
    verbs: ['get', 'update'],
    resourceNames: [LEASE_NAME],
    role: 'leader-election',
    why: 'leader election: observe, renew and release the Lease (leader-election.ts)',
  },
  {
    resource: RESOURCES.secrets,
    verbs: ['get', 'create', 'update'],
    role: 'registry-secrets',
    why: 'the provisioned-registry pull Secret; optional (pull-secret.ts)',
  },
];

/** Whether the list allows this call (what RBAC would decide for the operator). */
export function permits(
  verb: Verb,
  resource: ResourceRef,
  subresource: string | undefined,
  name: string | undefined,
): boolean {
  return PERMISSIONS.some(
    (p) =>
      p.resource.group === resource.group &&
      p.resource.plural === resource.plural &&
      p.subresource === subresource &&
      p.verbs.includes(verb) &&
      (!p.resourceNames || (name !== undefined && p.resourceNames.includes(name))),
  );
}
