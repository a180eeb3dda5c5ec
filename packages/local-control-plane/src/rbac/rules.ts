// How one RBAC PolicyRule matches a request, as pkg/apis/rbac/v1's
// evaluation helpers (VerbMatches, APIGroupMatches, ResourceMatches,
// ResourceNameMatches, NonResourceURLMatches) and the RBAC authorizer's
// RuleAllows (plugin/pkg/auth/authorizer/rbac/rbac.go) decide it.
import { isObject } from '@mcp-operator/kube-core/json';
import type { UserInfo } from './user.ts';

/** An rbac.authorization.k8s.io/v1 PolicyRule. */
export interface PolicyRule {
  verbs: readonly string[];
  apiGroups?: readonly string[];
  resources?: readonly string[];
  resourceNames?: readonly string[];
  nonResourceURLs?: readonly string[];
}

/**
 * authorizer.Attributes: what a request asks, as the request-info filter
 * (or a SelfSubjectAccessReview, or an impersonation check) puts it.
 */
export interface Attributes {
  user: UserInfo;
  verb: string;
  resourceRequest: boolean;
  /** The URL path of a non-resource request. */
  path?: string;
  apiGroup?: string;
  apiVersion?: string;
  namespace?: string;
  resource?: string;
  subresource?: string;
  name?: string;
}

const ALL = '*';

export function verbMatches(rule: PolicyRule, verb: string): boolean {
  return rule.verbs.some((v) => v === ALL || v === verb);
}

export function apiGroupMatches(rule: PolicyRule, group: string): boolean {
  return (rule.apiGroups ?? []).some((g) => g === ALL || g === group);
}

/**
 * `*`, the resource with its subresource (`deployments/scale`), or
 * `*\/subresource` for that subresource of any resource.
 */
export function resourceMatches(
  rule: PolicyRule,
  combinedResource: string,
  subresource: string,
): boolean {
  return (rule.resources ?? []).some(
    (r) =>
      r === ALL ||
      r === combinedResource ||
      (subresource !== '' &&
        r.length === subresource.length + 2 &&
        r.startsWith('*/') &&
        r.endsWith(subresource)),
  );
}

/** No names in the rule means any name (including none). */
export function resourceNameMatches(rule: PolicyRule, name: string): boolean {
  const names = rule.resourceNames ?? [];
  return names.length === 0 || names.includes(name);
}

/** `*`, the exact path, or a prefix ending in `*` (`/apis/*`). */
export function nonResourceURLMatches(rule: PolicyRule, path: string): boolean {
  return (rule.nonResourceURLs ?? []).some(
    (u) => u === ALL || u === path || (u.endsWith('*') && path.startsWith(u.replace(/\*+$/, ''))),
  );
}

export function ruleAllows(attributes: Attributes, rule: PolicyRule): boolean {
  if (!verbMatches(rule, attributes.verb)) return false;
  if (!attributes.resourceRequest) return nonResourceURLMatches(rule, attributes.path ?? '');
  const subresource = attributes.subresource ?? '';
  const resource = attributes.resource ?? '';
  const combined = subresource ? `${resource}/${subresource}` : resource;
  return (
    apiGroupMatches(rule, attributes.apiGroup ?? '') &&
    resourceMatches(rule, combined, subresource) &&
    resourceNameMatches(rule, attributes.name ?? '')
  );
}

const strings = (v: unknown): string[] | undefined =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined;

/** The rules of a stored Role or ClusterRole, read loosely (stored JSON may miss fields). */
export function rulesOf(role: unknown): PolicyRule[] {
  if (!isObject(role) || !Array.isArray(role.rules)) return [];
  return role.rules.filter(isObject).map((r) => ({
    verbs: strings(r.verbs) ?? [],
    ...(strings(r.apiGroups) ? { apiGroups: strings(r.apiGroups)! } : {}),
    ...(strings(r.resources) ? { resources: strings(r.resources)! } : {}),
    ...(strings(r.resourceNames) ? { resourceNames: strings(r.resourceNames)! } : {}),
    ...(strings(r.nonResourceURLs) ? { nonResourceURLs: strings(r.nonResourceURLs)! } : {}),
  }));
}
