// Authentication and authorization of API requests, as kube-apiserver's
// handler chain does them: bearer tokens (a static token table, whose users
// carry groups, and minted service-account tokens, valid while their
// ServiceAccount exists) or system:anonymous when allowed, 401 otherwise;
// every authenticated user joins system:authenticated (group.AuthenticatedGroupAdder).
// Authorization asks the server's authorizer (rbac/authorizer.ts) and answers
// a refusal with 403 Forbidden worded as responsewriters.Forbidden does;
// the fault-injection deny rules refuse the same way after it.
import type { IncomingMessage } from 'node:http';
import { errors } from '../errors.ts';
import type { Verb } from '../faults.ts';
import type { Authorizer } from '../rbac/authorizer.ts';
import type { Attributes } from '../rbac/rules.ts';
import {
  ANONYMOUS_USER,
  serviceAccountGroups,
  serviceAccountUsername,
  withAuthenticatedGroup,
  type UserInfo,
} from '../rbac/user.ts';
import type { Store } from '../store.ts';
import { routeResource } from './routes.ts';
import type { Route } from './routes.ts';

export interface DenyRule {
  verb?: Verb;
  resource?: string;
  namespace?: string;
  user?: string;
}

/** A service account a minted token stands for. */
export interface ServiceAccountRef {
  namespace: string;
  name: string;
}

/** The users bearer tokens stand for: a static table and minted service-account tokens. */
export class Authenticator {
  readonly #store: Store;
  readonly #tokens: ReadonlyMap<string, UserInfo>;
  readonly #serviceAccounts = new Map<string, ServiceAccountRef>();
  anonymous: boolean;

  constructor(store: Store, tokens: ReadonlyMap<string, UserInfo>, anonymous: boolean) {
    this.#store = store;
    this.#tokens = tokens;
    this.anonymous = anonymous;
  }

  addServiceAccountToken(token: string, account: ServiceAccountRef): void {
    this.#serviceAccounts.set(token, account);
  }

  /** The user a request's bearer token names, or system:anonymous; else 401. */
  authenticate(req: IncomingMessage): UserInfo {
    const auth = req.headers.authorization;
    if (auth?.startsWith('Bearer ')) {
      const token = auth.slice('Bearer '.length).trim();
      const user = this.#tokens.get(token) ?? this.#serviceAccountUser(token);
      if (user) return withAuthenticatedGroup(user);
      throw errors.unauthorized();
    }
    if (this.anonymous) return ANONYMOUS_USER;
    throw errors.unauthorized();
  }

  /**
   * The service-account token authenticator's user (serviceaccount.UserInfo):
   * its user name, its groups and its uid, while the ServiceAccount exists and
   * is not being deleted (the token validator looks it up on every request).
   */
  #serviceAccountUser(token: string): UserInfo | undefined {
    const account = this.#serviceAccounts.get(token);
    if (!account) return undefined;
    const type = this.#store.typeFor('', 'serviceaccounts');
    const live = type && this.#store.tryGet(type, account.namespace, account.name);
    if (!live || live.metadata.deletionTimestamp) return undefined;
    return {
      name: serviceAccountUsername(account.namespace, account.name),
      ...(live.metadata.uid ? { uid: live.metadata.uid } : {}),
      groups: serviceAccountGroups(account.namespace),
    };
  }
}

/** WithAuthorization: 403 unless the authorizer allows the request. */
export function authorizeRequest(authorizer: Authorizer, attributes: Attributes): void {
  const verdict = authorizer.authorize(attributes);
  if (verdict.decision === 'Allow') return;
  throw errors.forbidden({ ...attributes, user: attributes.user.name }, verdict.reason);
}

/** 403 when a deny rule (fault injection) matches the user and the route. */
export function applyDenyRules(denyRules: readonly DenyRule[], user: string, route: Route): void {
  const resource = routeResource(route);
  const denied = denyRules.some(
    (rule) =>
      (rule.verb === undefined || rule.verb === route.verb) &&
      (rule.resource === undefined || rule.resource === resource) &&
      (rule.namespace === undefined || rule.namespace === route.namespace) &&
      (rule.user === undefined || rule.user === user),
  );
  if (denied) {
    throw errors.forbidden({
      user,
      verb: route.verb,
      resourceRequest: true,
      apiGroup: route.type.group,
      resource: route.type.plural,
      ...(route.subresource ? { subresource: route.subresource } : {}),
      ...(route.name ? { name: route.name } : {}),
      ...(route.namespace ? { namespace: route.namespace } : {}),
    });
  }
}
