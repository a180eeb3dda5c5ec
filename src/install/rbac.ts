// The operator's ServiceAccount and roles, generated from the list of calls the
// code makes (operator/permissions.ts): nothing more is granted.
import { OPERATOR_NAMESPACE } from '../api/v1alpha1/defaults.ts';
import { PERMISSIONS } from '../operator/permissions.ts';
import type { Permission } from '../operator/permissions.ts';
import { INSTALL_LABELS, OPERATOR_NAME } from './names.ts';

type Manifest = Record<string, unknown>;

const RBAC = 'rbac.authorization.k8s.io/v1';

/** Role names by the `role` of a permission. */
export const ROLE_NAMES = {
  operator: OPERATOR_NAME,
  'leader-election': `${OPERATOR_NAME}-leader-election`,
  'registry-secrets': `${OPERATOR_NAME}-registry-secrets`,
} as const;

/** The service account's user name, as RBAC and `kubectl auth can-i --as` spell it. */
export const SERVICE_ACCOUNT_USER = `system:serviceaccount:${OPERATOR_NAMESPACE}:${OPERATOR_NAME}`;

function rule(p: Permission): Manifest {
  return {
    apiGroups: [p.resource.group],
    resources: [p.subresource ? `${p.resource.plural}/${p.subresource}` : p.resource.plural],
    ...(p.resourceNames ? { resourceNames: [...p.resourceNames] } : {}),
    verbs: [...p.verbs],
  };
}

const rulesOf = (role: Permission['role']) => PERMISSIONS.filter((p) => p.role === role).map(rule);

const subjects = [{ kind: 'ServiceAccount', name: OPERATOR_NAME, namespace: OPERATOR_NAMESPACE }];

function metadata(name: string, namespace?: string): Manifest {
  return { name, ...(namespace ? { namespace } : {}), labels: { ...INSTALL_LABELS } };
}

export function serviceAccount(): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: metadata(OPERATOR_NAME, OPERATOR_NAMESPACE),
  };
}

function clusterRole(role: 'operator' | 'registry-secrets'): Manifest[] {
  const name = ROLE_NAMES[role];
  return [
    { apiVersion: RBAC, kind: 'ClusterRole', metadata: metadata(name), rules: rulesOf(role) },
    {
      apiVersion: RBAC,
      kind: 'ClusterRoleBinding',
      metadata: metadata(name),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
      subjects,
    },
  ];
}

/** The cluster role the operator needs, and its binding. */
export const operatorClusterRole = () => clusterRole('operator');

/** The optional cluster role for the provisioned-registry pull Secret, and its binding. */
export const registrySecretsClusterRole = () => clusterRole('registry-secrets');

/** The Lease permissions, only in the operator's namespace, and their binding. */
export function leaderElectionRole(): Manifest[] {
  const name = ROLE_NAMES['leader-election'];
  return [
    {
      apiVersion: RBAC,
      kind: 'Role',
      metadata: metadata(name, OPERATOR_NAMESPACE),
      rules: rulesOf('leader-election'),
    },
    {
      apiVersion: RBAC,
      kind: 'RoleBinding',
      metadata: metadata(name, OPERATOR_NAMESPACE),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      subjects,
    },
  ];
}
