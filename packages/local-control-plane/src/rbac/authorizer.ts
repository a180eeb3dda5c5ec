// Authorization as kube-apiserver's --authorization-mode=RBAC chain decides
// it: the privileged-group authorizer first (system:masters may do anything,
// authorizerfactory.NewPrivilegedGroups), then the RBAC authorizer
// (plugin/pkg/auth/authorizer/rbac/rbac.go) over the stored Roles,
// ClusterRoles and their bindings, resolved as pkg/registry/rbac/validation's
// DefaultRuleResolver does; the first allow wins, else no opinion, which the
// server answers with 403. AlwaysAllow (authorizerfactory.NewAlwaysAllowAuthorizer)
// is the other mode.
import { goQuote } from '@mcp-operator/kube-core/go-format';
import { isObject } from '@mcp-operator/kube-core/json';
import type { Store } from '../store.ts';
import type { KubeObject, ResourceType } from '../types.ts';
import { ruleAllows, rulesOf, type Attributes, type PolicyRule } from './rules.ts';
import { SYSTEM_MASTERS, serviceAccountUsername, type UserInfo } from './user.ts';

export type Decision = 'Allow' | 'Deny' | 'NoOpinion';

export interface Verdict {
  decision: Decision;
  /** Why (an allow names the binding; a refusal names role lookups that failed). */
  reason: string;
}

/** What SelfSubjectRulesReview lists (authorizer.RuleResolver.RulesFor). */
export interface RuleSet {
  resourceRules: {
    verbs: string[];
    apiGroups?: string[];
    resources?: string[];
    resourceNames?: string[];
  }[];
  nonResourceRules: { verbs: string[]; nonResourceURLs?: string[] }[];
  incomplete: boolean;
  evaluationError?: string;
}

export interface Authorizer {
  authorize(attributes: Attributes): Verdict;
  rulesFor(user: UserInfo, namespace: string): RuleSet;
}

export const RBAC_GROUP = 'rbac.authorization.k8s.io';

export type AuthorizationMode = 'AlwaysAllow' | 'RBAC';

/** authorizerfactory.NewAlwaysAllowAuthorizer: everything, and `*` rules for everyone. */
export const alwaysAllow: Authorizer = {
  authorize: () => ({ decision: 'Allow', reason: '' }),
  rulesFor: () => ({
    resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
    nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
    incomplete: false,
  }),
};

/**
 * authorizerfactory.NewPrivilegedGroups(system:masters): allows its members,
 * else no opinion. It resolves no rules (it is no RuleResolver): what a
 * member's SelfSubjectRulesReview shows comes from the cluster-admin binding.
 */
export const privilegedGroups: Authorizer = {
  authorize: (a) =>
    a.user.groups.includes(SYSTEM_MASTERS)
      ? { decision: 'Allow', reason: '' }
      : { decision: 'NoOpinion', reason: '' },
  rulesFor: () => ({ resourceRules: [], nonResourceRules: [], incomplete: false }),
};

/** utilerrors.NewAggregate(...).Error(): one message as is, several deduplicated in brackets. */
export function aggregateMessage(messages: readonly string[]): string {
  if (messages.length === 1) return messages[0]!;
  const seen = [...new Set(messages)];
  return seen.length === 1 ? seen[0]! : `[${seen.join(', ')}]`;
}

/** union.New: the first Allow or Deny decides; reasons of the others are joined by newlines. */
export function union(...authorizers: Authorizer[]): Authorizer {
  return {
    authorize(attributes) {
      const reasons: string[] = [];
      for (const authorizer of authorizers) {
        const verdict = authorizer.authorize(attributes);
        if (verdict.decision !== 'NoOpinion') return verdict;
        if (verdict.reason) reasons.push(verdict.reason);
      }
      return { decision: 'NoOpinion', reason: reasons.join('\n') };
    },
    rulesFor(user, namespace) {
      const out: RuleSet = { resourceRules: [], nonResourceRules: [], incomplete: false };
      const errors: string[] = [];
      for (const authorizer of authorizers) {
        const rules = authorizer.rulesFor(user, namespace);
        out.resourceRules.push(...rules.resourceRules);
        out.nonResourceRules.push(...rules.nonResourceRules);
        if (rules.incomplete) out.incomplete = true;
        if (rules.evaluationError) errors.push(rules.evaluationError);
      }
      if (errors.length > 0) out.evaluationError = aggregateMessage(errors);
      return out;
    },
  };
}

interface Subject {
  kind: string;
  name: string;
  namespace?: string;
}

interface Binding {
  name: string;
  namespace?: string;
  roleRef: { kind: string; name: string };
  subjects: Subject[];
}

const text = (v: unknown): string => (typeof v === 'string' ? v : '');

function bindingOf(object: KubeObject): Binding {
  const ref = isObject(object.roleRef) ? object.roleRef : {};
  const subjects = Array.isArray(object.subjects) ? object.subjects.filter(isObject) : [];
  return {
    name: object.metadata.name ?? '',
    ...(object.metadata.namespace ? { namespace: object.metadata.namespace } : {}),
    roleRef: { kind: text(ref.kind), name: text(ref.name) },
    subjects: subjects.map((s) => ({
      kind: text(s.kind),
      name: text(s.name),
      ...(typeof s.namespace === 'string' && s.namespace ? { namespace: s.namespace } : {}),
    })),
  };
}

/**
 * appliesToUser: a User by name, a Group by membership, a ServiceAccount by
 * its user name, its namespace defaulting to the binding's.
 */
function appliesToUser(user: UserInfo, subject: Subject, bindingNamespace: string): boolean {
  switch (subject.kind) {
    case 'User':
      return user.name === subject.name;
    case 'Group':
      return user.groups.includes(subject.name);
    case 'ServiceAccount': {
      const namespace = subject.namespace || bindingNamespace;
      return namespace !== '' && user.name === serviceAccountUsername(namespace, subject.name);
    }
    default:
      return false;
  }
}

/** describeSubject: a service account as `name/namespace`. */
function describeSubject(subject: Subject, bindingNamespace: string): string {
  if (subject.kind === 'ServiceAccount') {
    return `${subject.kind} ${goQuote(`${subject.name}/${subject.namespace || bindingNamespace}`)}`;
  }
  return `${subject.kind} ${goQuote(subject.name)}`;
}

/** The clusterRoleBindingDescriber / roleBindingDescriber an allow's reason names. */
function describeSource(binding: Binding, subject: Subject): string {
  const ns = binding.namespace ?? '';
  const what = ns
    ? `RoleBinding ${goQuote(`${binding.name}/${ns}`)}`
    : `ClusterRoleBinding ${goQuote(binding.name)}`;
  return `${what} of ${binding.roleRef.kind} ${goQuote(binding.roleRef.name)} to ${describeSubject(subject, ns)}`;
}

type Visitor = (
  source: string | undefined,
  rule: PolicyRule | undefined,
  error?: string,
) => boolean;

/** The stored RBAC objects, read again only after one of them changed. */
class Policy {
  #dirty = true;
  clusterRoles = new Map<string, PolicyRule[]>();
  roles = new Map<string, PolicyRule[]>();
  clusterRoleBindings: Binding[] = [];
  roleBindings = new Map<string, Binding[]>();

  constructor(private readonly store: Store) {
    store.onChange((storage) => {
      if (storage.group === RBAC_GROUP) this.#dirty = true;
    });
  }

  #type(plural: string): ResourceType | undefined {
    return this.store.typeFor(RBAC_GROUP, plural);
  }

  refresh(): this {
    if (!this.#dirty) return this;
    this.#dirty = false;
    const list = (plural: string) => {
      const type = this.#type(plural);
      return type ? this.store.list(type, undefined).items : [];
    };
    this.clusterRoles = new Map(list('clusterroles').map((r) => [r.metadata.name!, rulesOf(r)]));
    this.roles = new Map(
      list('roles').map((r) => [`${r.metadata.namespace}/${r.metadata.name}`, rulesOf(r)]),
    );
    this.clusterRoleBindings = list('clusterrolebindings').map(bindingOf);
    this.roleBindings = new Map();
    for (const binding of list('rolebindings').map(bindingOf)) {
      const ns = binding.namespace ?? '';
      this.roleBindings.set(ns, [...(this.roleBindings.get(ns) ?? []), binding]);
    }
    return this;
  }

  /**
   * GetRoleReferenceRules: a Role in the binding's namespace or a ClusterRole;
   * a missing one is the lister's NotFound (its resource singular).
   */
  roleRules(ref: Binding['roleRef'], namespace: string): PolicyRule[] | string {
    switch (ref.kind) {
      case 'Role':
        return (
          this.roles.get(`${namespace}/${ref.name}`) ??
          `role.${RBAC_GROUP} ${goQuote(ref.name)} not found`
        );
      case 'ClusterRole':
        return (
          this.clusterRoles.get(ref.name) ??
          `clusterrole.${RBAC_GROUP} ${goQuote(ref.name)} not found`
        );
      default:
        return `unsupported role reference kind: ${goQuote(ref.kind)}`;
    }
  }

  /** DefaultRuleResolver.VisitRulesFor: cluster role bindings, then the namespace's role bindings. */
  visitRulesFor(user: UserInfo, namespace: string, visitor: Visitor): void {
    const walk = (bindings: readonly Binding[], bindingNamespace: string): boolean => {
      for (const binding of bindings) {
        const subject = binding.subjects.find((s) => appliesToUser(user, s, bindingNamespace));
        if (!subject) continue;
        const rules = this.roleRules(binding.roleRef, bindingNamespace);
        if (typeof rules === 'string') {
          if (!visitor(undefined, undefined, rules)) return false;
          continue;
        }
        const source = describeSource(binding, subject);
        for (const rule of rules) if (!visitor(source, rule)) return false;
      }
      return true;
    };
    if (!walk(this.clusterRoleBindings, '')) return;
    if (namespace) walk(this.roleBindings.get(namespace) ?? [], namespace);
  }
}

/** The RBAC authorizer over a store's Roles, ClusterRoles and bindings. */
export function rbacAuthorizer(store: Store): Authorizer {
  const policy = new Policy(store);
  return {
    authorize(attributes) {
      let allowedBy: string | undefined;
      const errors: string[] = [];
      policy.refresh().visitRulesFor(attributes.user, attributes.namespace ?? '', (s, rule, e) => {
        if (rule && ruleAllows(attributes, rule)) {
          allowedBy = s;
          return false;
        }
        if (e) errors.push(e);
        return true;
      });
      if (allowedBy !== undefined)
        return { decision: 'Allow', reason: `RBAC: allowed by ${allowedBy}` };
      return {
        decision: 'NoOpinion',
        reason: errors.length > 0 ? `RBAC: ${aggregateMessage(errors)}` : '',
      };
    },
    rulesFor(user, namespace) {
      const out: RuleSet = { resourceRules: [], nonResourceRules: [], incomplete: false };
      const errors: string[] = [];
      policy.refresh().visitRulesFor(user, namespace, (_s, rule, e) => {
        if (e) errors.push(e);
        if (!rule) return true;
        if ((rule.resources ?? []).length > 0) {
          out.resourceRules.push({
            verbs: [...rule.verbs],
            ...(rule.apiGroups ? { apiGroups: [...rule.apiGroups] } : {}),
            resources: [...rule.resources!],
            ...(rule.resourceNames ? { resourceNames: [...rule.resourceNames] } : {}),
          });
        }
        if ((rule.nonResourceURLs ?? []).length > 0) {
          out.nonResourceRules.push({
            verbs: [...rule.verbs],
            nonResourceURLs: [...rule.nonResourceURLs!],
          });
        }
        return true;
      });
      if (errors.length > 0) out.evaluationError = aggregateMessage(errors);
      return out;
    },
  };
}

/** The chain a mode stands for. */
export function authorizerFor(mode: AuthorizationMode, store: Store): Authorizer {
  return mode === 'AlwaysAllow' ? alwaysAllow : union(privilegedGroups, rbacAuthorizer(store));
}
