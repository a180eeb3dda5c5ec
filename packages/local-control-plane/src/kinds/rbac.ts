// rbac.authorization.k8s.io/v1 Role, ClusterRole, RoleBinding and
// ClusterRoleBinding (pkg/registry/rbac): path-segment names, the defaults of
// pkg/apis/rbac/v1/defaults.go (a roleRef's and a User or Group subject's
// apiGroup) and the checks of pkg/apis/rbac/validation (rules, role
// references, subjects, and a binding's roleRef never changes). Roles have
// no printer of their own (the default Name and Created At); bindings print
// the role and, wide, their subjects (pkg/printers/internalversion).
import { goQuote, goStrings } from '@mcp-operator/kube-core/go-format';
import { isObject, type JsonObject } from '@mcp-operator/kube-core/json';
import { isDNS1123Subdomain, isValidPathSegmentName } from '@mcp-operator/kube-core/names';
import type { FieldError } from '../errors.ts';
import { atomic, type MergeTable } from '../patch/merge-rules.ts';
import { fieldError, GoLiteral } from '../schema/field.ts';
import type { KubeObject } from '../types.ts';
import { ageColumn, column, get, list, nameColumn, since, str } from './print.ts';
import type { Printer } from './print.ts';
import { kindStrategy } from './strategy.ts';

const GROUP = 'rbac.authorization.k8s.io';

const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];

/** validatePolicyRule: verbs always; URLs only in cluster roles and never with resources. */
function validateRules(object: KubeObject, namespaced: boolean): FieldError[] {
  const errors: FieldError[] = [];
  list(object.rules).forEach((raw, i) => {
    const rule = isObject(raw) ? raw : {};
    const at = `rules[${i}]`;
    const urls = strings(rule.nonResourceURLs);
    if (strings(rule.verbs).length === 0) {
      errors.push(fieldError.required(`${at}.verbs`, 'verbs must contain at least one value'));
    }
    if (urls.length > 0) {
      const value = new GoLiteral(goStrings(urls));
      if (namespaced) {
        errors.push(
          fieldError.invalid(
            `${at}.nonResourceURLs`,
            value,
            'namespaced rules cannot apply to non-resource URLs',
          ),
        );
      }
      if (
        strings(rule.apiGroups).length > 0 ||
        strings(rule.resources).length > 0 ||
        strings(rule.resourceNames).length > 0
      ) {
        errors.push(
          fieldError.invalid(
            `${at}.nonResourceURLs`,
            value,
            'rules cannot apply to both regular resources and non-resource URLs',
          ),
        );
      }
      return;
    }
    if (strings(rule.apiGroups).length === 0) {
      errors.push(
        fieldError.required(`${at}.apiGroups`, 'resource rules must supply at least one api group'),
      );
    }
    if (strings(rule.resources).length === 0) {
      errors.push(
        fieldError.required(`${at}.resources`, 'resource rules must supply at least one resource'),
      );
    }
    if (strings(rule.resourceNames).length > 0 && strings(rule.resources).length > 1) {
      errors.push(
        fieldError.required(
          `${at}.resourceNames`,
          'resource names cannot apply to multiple resources',
        ),
      );
    }
  });
  return errors;
}

/** SetDefaults_RoleBinding / _ClusterRoleBinding and SetDefaults_Subject. */
function defaultBinding(object: KubeObject): void {
  const o = object as unknown as JsonObject;
  if (isObject(o.roleRef) && !o.roleRef.apiGroup) o.roleRef.apiGroup = GROUP;
  for (const subject of list(o.subjects)) {
    if (!isObject(subject) || subject.apiGroup) continue;
    if (subject.kind === 'User' || subject.kind === 'Group') subject.apiGroup = GROUP;
  }
}

const roleRefOf = (object: KubeObject): JsonObject =>
  isObject(object.roleRef) ? object.roleRef : {};

/** %#v of the internal rbac.RoleRef, as the immutability error prints it. */
function goRoleRef(ref: JsonObject): GoLiteral {
  const s = (k: string) => goQuote(typeof ref[k] === 'string' ? ref[k] : '');
  return new GoLiteral(
    `rbac.RoleRef{APIGroup:${s('apiGroup')}, Kind:${s('kind')}, Name:${s('name')}}`,
  );
}

/** validateRoleBindingSubject. */
function validateSubject(raw: unknown, namespaced: boolean, at: string): FieldError[] {
  const errors: FieldError[] = [];
  const subject = isObject(raw) ? raw : {};
  const name = str(subject.name);
  const apiGroup = str(subject.apiGroup);
  if (!name) errors.push(fieldError.required(`${at}.name`));
  switch (subject.kind) {
    case 'ServiceAccount':
      if (name) {
        for (const problem of isDNS1123Subdomain(name)) {
          errors.push(fieldError.invalid(`${at}.name`, name, problem));
        }
      }
      if (apiGroup) errors.push(fieldError.notSupported(`${at}.apiGroup`, apiGroup, ['']));
      if (!namespaced && !str(subject.namespace)) {
        errors.push(fieldError.required(`${at}.namespace`));
      }
      break;
    case 'User':
    case 'Group':
      if (!name) {
        errors.push(
          fieldError.invalid(
            `${at}.name`,
            name,
            `${subject.kind === 'User' ? 'user' : 'group'} name cannot be empty`,
          ),
        );
      }
      if (apiGroup !== GROUP)
        errors.push(fieldError.notSupported(`${at}.apiGroup`, apiGroup, [GROUP]));
      break;
    default:
      errors.push(
        fieldError.notSupported(`${at}.kind`, str(subject.kind), [
          'ServiceAccount',
          'User',
          'Group',
        ]),
      );
  }
  return errors;
}

/** ValidateRoleBinding / ValidateClusterRoleBinding, and the roleRef that never changes. */
function validateBinding(
  object: KubeObject,
  old: KubeObject | undefined,
  namespaced: boolean,
): FieldError[] {
  const errors: FieldError[] = [];
  const ref = roleRefOf(object);
  const apiGroup = str(ref.apiGroup);
  const kind = str(ref.kind);
  const name = str(ref.name);
  if (apiGroup !== GROUP)
    errors.push(fieldError.notSupported('roleRef.apiGroup', apiGroup, [GROUP]));
  const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'];
  if (!kinds.includes(kind)) errors.push(fieldError.notSupported('roleRef.kind', kind, kinds));
  if (!name) errors.push(fieldError.required('roleRef.name'));
  else {
    for (const problem of isValidPathSegmentName(name)) {
      errors.push(fieldError.invalid('roleRef.name', name, problem));
    }
  }
  list(object.subjects).forEach((s, i) =>
    errors.push(...validateSubject(s, namespaced, `subjects[${i}]`)),
  );
  if (old) {
    const before = roleRefOf(old);
    const same = ['apiGroup', 'kind', 'name'].every((k) => str(before[k]) === str(ref[k]));
    if (!same) errors.push(fieldError.invalid('roleRef', goRoleRef(ref), 'cannot change roleRef'));
  }
  return errors;
}

/** rbac's SubjectsStrings: users, groups and service accounts (`namespace/name`) of a binding. */
function subjectCells(object: KubeObject): [string, string, string] {
  const users: string[] = [];
  const groups: string[] = [];
  const accounts: string[] = [];
  for (const raw of list(object.subjects)) {
    const subject = isObject(raw) ? raw : {};
    const name = str(subject.name);
    if (subject.kind === 'ServiceAccount') accounts.push(`${str(subject.namespace)}/${name}`);
    else if (subject.kind === 'User') users.push(name);
    else if (subject.kind === 'Group') groups.push(name);
  }
  return [users.join(', '), groups.join(', '), accounts.join(', ')];
}

function bindingPrinter(what: 'roleBinding' | 'clusterRoleBinding', roleDoc: string): Printer {
  return {
    columns: [
      nameColumn(),
      column('Role', roleDoc),
      ageColumn(),
      column('Users', `Users in the ${what}`, 1),
      column('Groups', `Groups in the ${what}`, 1),
      column('ServiceAccounts', `ServiceAccounts in the ${what}`, 1),
    ],
    row: (obj, now) => ({
      cells: [
        obj.metadata.name ?? '',
        `${str(get(obj.roleRef, 'kind'))}/${str(get(obj.roleRef, 'name'))}`,
        since(obj.metadata.creationTimestamp, now),
        ...subjectCells(obj),
      ],
    }),
  };
}

const ROLE_MERGE: MergeTable = { rules: atomic };
const BINDING_MERGE: MergeTable = {
  subjects: atomic,
  // +structType=atomic: a roleRef is applied and owned whole.
  roleRef: { map: 'atomic' },
};

const schemas = (kind: string) => ({
  openapi: `io.k8s.api.rbac.v1.${kind}`,
  protobuf: `k8s.io.api.rbac.v1.${kind}`,
});

export const role = kindStrategy(GROUP, 'v1', 'Role', 'roles', schemas('Role'), {
  nameRule: 'path-segment',
  validate: (object) => validateRules(object, true),
  mergeRules: ROLE_MERGE,
});

export const clusterRole = kindStrategy(
  GROUP,
  'v1',
  'ClusterRole',
  'clusterroles',
  schemas('ClusterRole'),
  {
    namespaced: false,
    nameRule: 'path-segment',
    validate: (object) => validateRules(object, false),
    mergeRules: ROLE_MERGE,
  },
);

export const roleBinding = kindStrategy(
  GROUP,
  'v1',
  'RoleBinding',
  'rolebindings',
  schemas('RoleBinding'),
  {
    nameRule: 'path-segment',
    defaults: defaultBinding,
    validate: (object, old) => validateBinding(object, old, true),
    mergeRules: BINDING_MERGE,
    printer: bindingPrinter(
      'roleBinding',
      'RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace.',
    ),
  },
);

export const clusterRoleBinding = kindStrategy(
  GROUP,
  'v1',
  'ClusterRoleBinding',
  'clusterrolebindings',
  schemas('ClusterRoleBinding'),
  {
    namespaced: false,
    nameRule: 'path-segment',
    defaults: defaultBinding,
    validate: (object, old) => validateBinding(object, old, false),
    mergeRules: BINDING_MERGE,
    printer: bindingPrinter(
      'clusterRoleBinding',
      'RoleRef can only reference a ClusterRole in the global namespace.',
    ),
  },
);
