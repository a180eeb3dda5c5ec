// The bootstrap policy kube-apiserver's rbac/bootstrap-roles post-start hook
// writes (plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go, as its
// testdata/cluster-roles.yaml and cluster-role-bindings.yaml publish them for
// v1.32), the part a cluster needs for people and programs that are not
// cluster admins: cluster-admin for system:masters, discovery and
// self-reviews for every authenticated user, and version and health for
// everyone. The controllers' and nodes' roles are left out (nothing here runs
// as them), as are the aggregated admin, edit and view roles.
import type { KubeObject } from '../types.ts';
import { ALL_AUTHENTICATED, ALL_UNAUTHENTICATED, SYSTEM_MASTERS } from './user.ts';
import type { PolicyRule } from './rules.ts';
import { RBAC_GROUP } from './authorizer.ts';

const API_VERSION = `${RBAC_GROUP}/v1`;

/** bootstrappolicy's label and annotation on every object it writes. */
const metadata = (name: string) => ({
  name,
  labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' },
  annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'true' },
});

const ROLES: Record<string, PolicyRule[]> = {
  'cluster-admin': [
    { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
    { verbs: ['*'], nonResourceURLs: ['*'] },
  ],
  'system:discovery': [
    {
      verbs: ['get'],
      nonResourceURLs: [
        '/api',
        '/api/*',
        '/apis',
        '/apis/*',
        '/healthz',
        '/livez',
        '/openapi',
        '/openapi/*',
        '/readyz',
        '/version',
        '/version/',
      ],
    },
  ],
  'system:basic-user': [
    {
      verbs: ['create'],
      apiGroups: ['authorization.k8s.io'],
      resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'],
    },
    { verbs: ['create'], apiGroups: ['authentication.k8s.io'], resources: ['selfsubjectreviews'] },
  ],
  'system:public-info-viewer': [
    { verbs: ['get'], nonResourceURLs: ['/healthz', '/livez', '/readyz', '/version', '/version/'] },
  ],
};

/** Which groups each bootstrap ClusterRoleBinding (named after its role) binds. */
const BINDINGS: Record<string, string[]> = {
  'cluster-admin': [SYSTEM_MASTERS],
  'system:discovery': [ALL_AUTHENTICATED],
  'system:basic-user': [ALL_AUTHENTICATED],
  'system:public-info-viewer': [ALL_AUTHENTICATED, ALL_UNAUTHENTICATED],
};

export function bootstrapClusterRoles(): KubeObject[] {
  return Object.entries(ROLES).map(([name, rules]) => ({
    apiVersion: API_VERSION,
    kind: 'ClusterRole',
    metadata: metadata(name),
    rules: rules.map((r) => ({ ...r })),
  }));
}

export function bootstrapClusterRoleBindings(): KubeObject[] {
  return Object.entries(BINDINGS).map(([name, groups]) => ({
    apiVersion: API_VERSION,
    kind: 'ClusterRoleBinding',
    metadata: metadata(name),
    roleRef: { apiGroup: RBAC_GROUP, kind: 'ClusterRole', name },
    subjects: groups.map((group) => ({ apiGroup: RBAC_GROUP, kind: 'Group', name: group })),
  }));
}
