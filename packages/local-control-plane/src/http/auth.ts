// Authentication and authorization of API requests: bearer tokens (or
// system:anonymous when allowed), 401 otherwise, as kube-apiserver's token
// authenticator does; then deny rules that answer 403 Forbidden with the
// message RBAC's authorizer gives (responsewriters.ForbiddenStatusError).
import type { IncomingMessage } from 'node:http';
import { errors } from '../errors.ts';
import type { Verb } from '../faults.ts';
import { routeResource } from './routes.ts';
import type { Route } from './routes.ts';

export interface DenyRule {
  verb?: Verb;
  resource?: string;
  namespace?: string;
  user?: string;
}

/** The user a request's bearer token names, or system:anonymous; else 401. */
export function authenticate(
  req: IncomingMessage,
  tokens: ReadonlyMap<string, string>,
  anonymous: boolean,
): string {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) {
    const user = tokens.get(auth.slice('Bearer '.length).trim());
    if (user) return user;
    throw errors.unauthorized();
  }
  if (anonymous) return 'system:anonymous';
  throw errors.unauthorized();
}

/** 403 when a deny rule matches the user and the route. */
export function authorize(denyRules: readonly DenyRule[], user: string, route: Route): void {
  const resource = routeResource(route);
  const denied = denyRules.some(
    (rule) =>
      (rule.verb === undefined || rule.verb === route.verb) &&
      (rule.resource === undefined || rule.resource === resource) &&
      (rule.namespace === undefined || rule.namespace === route.namespace) &&
      (rule.user === undefined || rule.user === user),
  );
  if (denied) {
    throw errors.forbidden(
      user,
      route.verb,
      resource,
      route.type.group,
      route.name ?? '',
      route.namespace ?? '',
    );
  }
}
