// Who a request is: the user an authenticator (or impersonation) settles on,
// with the well-known names of k8s.io/apiserver's authentication/user and
// authentication/serviceaccount packages.
import { isDNS1123Label, isDNS1123Subdomain } from '@mcp-operator/kube-core/names';

export interface UserInfo {
  name: string;
  uid?: string;
  groups: readonly string[];
  extra?: Readonly<Record<string, readonly string[]>>;
}

/** user.SystemPrivilegedGroup: the privileged-group authorizer allows it everything. */
export const SYSTEM_MASTERS = 'system:masters';
export const ALL_AUTHENTICATED = 'system:authenticated';
export const ALL_UNAUTHENTICATED = 'system:unauthenticated';
export const ANONYMOUS = 'system:anonymous';

const SA_PREFIX = 'system:serviceaccount:';
/** serviceaccount.AllServiceAccountsGroup */
export const ALL_SERVICE_ACCOUNTS = 'system:serviceaccounts';

/** serviceaccount.MakeUsername: `system:serviceaccount:NS:NAME`. */
export function serviceAccountUsername(namespace: string, name: string): string {
  return `${SA_PREFIX}${namespace}:${name}`;
}

/** serviceaccount.MakeGroupNames: every service account's group and its namespace's. */
export function serviceAccountGroups(namespace: string): string[] {
  return [ALL_SERVICE_ACCOUNTS, `${ALL_SERVICE_ACCOUNTS}:${namespace}`];
}

/**
 * serviceaccount.SplitUsername: the namespace and name of a service account's
 * user name; undefined unless it has the prefix, exactly two parts after it, a
 * namespace that is a DNS label and a name that is a DNS subdomain.
 */
export function splitServiceAccountUsername(
  username: string,
): { namespace: string; name: string } | undefined {
  if (!username.startsWith(SA_PREFIX)) return undefined;
  const parts = username.slice(SA_PREFIX.length).split(':');
  if (parts.length !== 2) return undefined;
  const [namespace, name] = parts as [string, string];
  if (isDNS1123Label(namespace).length > 0 || isDNS1123Subdomain(name).length > 0) {
    return undefined;
  }
  return { namespace, name };
}

/**
 * group.AuthenticatedGroupAdder: every authenticated user but system:anonymous
 * is in system:authenticated, unless it already names it or
 * system:unauthenticated.
 */
export function withAuthenticatedGroup(user: UserInfo): UserInfo {
  if (user.name === ANONYMOUS) return user;
  if (user.groups.some((g) => g === ALL_AUTHENTICATED || g === ALL_UNAUTHENTICATED)) return user;
  return { ...user, groups: [...user.groups, ALL_AUTHENTICATED] };
}

/** The anonymous authenticator's user. */
export const ANONYMOUS_USER: UserInfo = { name: ANONYMOUS, groups: [ALL_UNAUTHENTICATED] };
