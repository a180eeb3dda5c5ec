// User impersonation (kubectl --as, --as-group, --as-uid), as k8s.io/apiserver's
// WithImpersonation filter (endpoints/filters/impersonation.go) does it: the
// Impersonate-User, -Group, -Uid and -Extra-<key> headers each name something
// to act as, and the requesting user must be allowed the `impersonate` verb on
// each (users, groups, and serviceaccounts in their namespace for a
// system:serviceaccount:NS:NAME user; userextras/<key> and uids in
// authentication.k8s.io), else 403. The request then runs as the impersonated
// user: a service account gets its groups unless groups were given, and every
// user but system:anonymous joins system:authenticated.
import type { IncomingMessage } from 'node:http';
import { errors } from '../errors.ts';
import type { Authorizer } from '../rbac/authorizer.ts';
import type { Attributes } from '../rbac/rules.ts';
import {
  ALL_AUTHENTICATED,
  ALL_UNAUTHENTICATED,
  ANONYMOUS,
  serviceAccountGroups,
  serviceAccountUsername,
  splitServiceAccountUsername,
  type UserInfo,
} from '../rbac/user.ts';

const USER = 'impersonate-user';
const GROUP = 'impersonate-group';
const UID = 'impersonate-uid';
const EXTRA = 'impersonate-extra-';
const AUTHENTICATION = 'authentication.k8s.io';

/** One thing to act as (buildImpersonationRequests' ObjectReference). */
interface Request {
  kind: 'ServiceAccount' | 'User' | 'Group' | 'UserExtra' | 'UID';
  namespace?: string;
  name: string;
  apiVersion?: string;
  /** An extra's key. */
  fieldPath?: string;
}

/** Go's %v of a v1.ObjectReference value: its seven fields, space-separated, in braces. */
function goReference(r: Request): string {
  return `{${[r.kind, r.namespace ?? '', r.name, '', r.apiVersion ?? '', '', r.fieldPath ?? ''].join(' ')}}`;
}

/** url.PathUnescape of an extra's key, kept as is when malformed. */
function unescapeKey(key: string): string {
  try {
    return decodeURIComponent(key);
  } catch {
    return key;
  }
}

/** The impersonation requests in the headers, in kube's order: user, groups, extras, uid. */
function requestsOf(req: IncomingMessage): { requests: Request[]; groupsSpecified: boolean } {
  const headers = req.headersDistinct;
  const requests: Request[] = [];
  const user = headers[USER]?.[0] ?? '';
  if (user) {
    const account = splitServiceAccountUsername(user);
    requests.push(account ? { kind: 'ServiceAccount', ...account } : { kind: 'User', name: user });
  }
  const groups = headers[GROUP] ?? [];
  for (const group of groups) requests.push({ kind: 'Group', name: group });
  let extras = false;
  for (const [header, values] of Object.entries(headers)) {
    if (!header.startsWith(EXTRA) || !values) continue;
    extras = true;
    const key = unescapeKey(header.slice(EXTRA.length).toLowerCase());
    for (const value of values) {
      requests.push({
        kind: 'UserExtra',
        name: value,
        apiVersion: `${AUTHENTICATION}/v1`,
        fieldPath: key,
      });
    }
  }
  const uid = headers[UID]?.[0] ?? '';
  if (uid) requests.push({ kind: 'UID', name: uid, apiVersion: `${AUTHENTICATION}/v1` });
  if ((groups.length > 0 || extras || uid) && !user) {
    throw errors.badRequest(
      `requested [${requests.map(goReference).join(' ')}] without impersonating a user`,
    );
  }
  return { requests, groupsSpecified: groups.length > 0 };
}

/** The `impersonate` check of one request, as the filter builds its attributes. */
function actingAs(requestor: UserInfo, r: Request): Attributes {
  const base = { user: requestor, verb: 'impersonate', resourceRequest: true, name: r.name };
  switch (r.kind) {
    case 'ServiceAccount':
      return { ...base, apiGroup: '', resource: 'serviceaccounts', namespace: r.namespace! };
    case 'User':
      return { ...base, apiGroup: '', resource: 'users' };
    case 'Group':
      return { ...base, apiGroup: '', resource: 'groups' };
    case 'UserExtra':
      return {
        ...base,
        apiGroup: AUTHENTICATION,
        apiVersion: 'v1',
        resource: 'userextras',
        subresource: r.fieldPath!,
      };
    case 'UID':
      return { ...base, apiGroup: AUTHENTICATION, apiVersion: 'v1', resource: 'uids' };
  }
}

/**
 * The user a request acts as: the requestor when it impersonates no one, else
 * the impersonated user once every part of it is allowed (400 for groups,
 * extras or a uid without a user; 403 for the first part not allowed).
 */
export function impersonate(
  req: IncomingMessage,
  requestor: UserInfo,
  authorizer: Authorizer,
): UserInfo {
  const { requests, groupsSpecified } = requestsOf(req);
  if (requests.length === 0) return requestor;
  let name = '';
  let uid = '';
  let groups: string[] = [];
  const extra: Record<string, string[]> = {};
  for (const r of requests) {
    const attributes = actingAs(requestor, r);
    const verdict = authorizer.authorize(attributes);
    if (verdict.decision !== 'Allow') {
      throw errors.forbidden({ ...attributes, user: requestor.name }, verdict.reason);
    }
    switch (r.kind) {
      case 'ServiceAccount':
        name = serviceAccountUsername(r.namespace!, r.name);
        if (!groupsSpecified) groups = serviceAccountGroups(r.namespace!);
        break;
      case 'User':
        name = r.name;
        break;
      case 'Group':
        groups.push(r.name);
        break;
      case 'UserExtra':
        (extra[r.fieldPath!] ??= []).push(r.name);
        break;
      case 'UID':
        uid = r.name;
        break;
    }
  }
  if (name !== ANONYMOUS) {
    if (!groups.some((g) => g === ALL_AUTHENTICATED || g === ALL_UNAUTHENTICATED)) {
      groups.push(ALL_AUTHENTICATED);
    }
  } else if (!groups.includes(ALL_UNAUTHENTICATED)) {
    groups.push(ALL_UNAUTHENTICATED);
  }
  return {
    name,
    groups,
    ...(uid ? { uid } : {}),
    ...(Object.keys(extra).length > 0 ? { extra } : {}),
  };
}
