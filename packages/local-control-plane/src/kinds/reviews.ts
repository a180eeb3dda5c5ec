// authorization.k8s.io/v1 SelfSubjectAccessReview and SelfSubjectRulesReview
// (pkg/registry/authorization/selfsubjectaccessreview and
// selfsubjectrulesreview): create-only resources that are never stored. A
// create answers, for the requesting (or impersonated) user, whether the
// server's authorizer allows the described request (status.allowed, denied,
// reason), or which rules apply in a namespace. `kubectl auth can-i` (and
// `--list`) asks through them.
import { goQuote } from '@mcp-operator/kube-core/go-format';
import { isObject, type JsonObject } from '@mcp-operator/kube-core/json';
import { errors as apiErrors, type FieldError } from '../errors.ts';
import type { Attributes } from '../rbac/rules.ts';
import { fieldError, GoLiteral } from '../schema/field.ts';
import type { KubeObject } from '../types.ts';
import { kindStrategy, type Requester } from './strategy.ts';

const GROUP = 'authorization.k8s.io';
const API_VERSION = `${GROUP}/v1`;

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const present = (v: unknown): v is JsonObject => isObject(v);

/**
 * apiequality.Semantic.DeepEqual(ObjectMeta{}, meta) with managedFields left
 * out: JSON clients send `creationTimestamp: null`, which is the zero time.
 */
function metadataIsEmpty(metadata: unknown): boolean {
  if (!isObject(metadata)) return true;
  return Object.entries(metadata).every(
    ([key, value]) =>
      key === 'managedFields' ||
      value === null ||
      value === '' ||
      value === 0 ||
      (Array.isArray(value) && value.length === 0) ||
      (isObject(value) && Object.keys(value).length === 0),
  );
}

/** A Go %#v of the internal NonResourceAttributes the validation names. */
function goNonResourceAttributes(value: JsonObject): GoLiteral {
  return new GoLiteral(
    `authorization.NonResourceAttributes{Path:${goQuote(str(value.path))}, Verb:${goQuote(str(value.verb))}}`,
  );
}

/** validateFieldSelectorAttributes / validateLabelSelectorAttributes (their shared part). */
function validateSelector(selector: unknown, path: string): FieldError[] {
  if (!present(selector)) return [];
  const raw = str(selector.rawSelector);
  const requirements = Array.isArray(selector.requirements) ? selector.requirements : [];
  if (raw && requirements.length > 0) {
    return [
      fieldError.invalid(
        `${path}.rawSelector`,
        raw,
        'may not specified at the same time as requirements',
      ),
    ];
  }
  if (!raw && requirements.length === 0) {
    return [
      fieldError.required(
        `${path}.requirements`,
        `when ${path} is specified, requirements or rawSelector is required`,
      ),
    ];
  }
  return [];
}

/** ValidateSelfSubjectAccessReview: exactly one kind of attributes, metadata empty. */
function validateAccessReview(object: KubeObject): FieldError[] {
  const spec = isObject(object.spec) ? object.spec : {};
  const resource = spec.resourceAttributes;
  const nonResource = spec.nonResourceAttributes;
  const errors: FieldError[] = [];
  if (present(resource) && present(nonResource)) {
    errors.push(
      fieldError.invalid(
        'spec.nonResourceAttributes',
        goNonResourceAttributes(nonResource),
        'cannot be specified in combination with resourceAttributes',
      ),
    );
  }
  if (!present(resource) && !present(nonResource)) {
    errors.push(
      fieldError.invalid(
        'spec.resourceAttributes',
        null,
        'exactly one of nonResourceAttributes or resourceAttributes must be specified',
      ),
    );
  }
  if (present(resource)) {
    errors.push(
      ...validateSelector(resource.fieldSelector, 'spec.resourceAttributes.fieldSelector'),
      ...validateSelector(resource.labelSelector, 'spec.resourceAttributes.labelSelector'),
    );
  }
  if (!metadataIsEmpty(object.metadata)) {
    errors.push(fieldError.invalid('metadata', new GoLiteral('v1.ObjectMeta{…}'), 'must be empty'));
  }
  return errors;
}

/**
 * authorizationutil.ResourceAttributesFrom / NonResourceAttributesFrom: the
 * request the review describes, for the user asking (an empty version means
 * every version).
 */
function attributesOf(spec: JsonObject, requester: Requester): Attributes {
  const resource = spec.resourceAttributes;
  if (present(resource)) {
    return {
      user: requester.user,
      verb: str(resource.verb),
      resourceRequest: true,
      namespace: str(resource.namespace),
      apiGroup: str(resource.group),
      apiVersion: str(resource.version) || '*',
      resource: str(resource.resource),
      subresource: str(resource.subresource),
      name: str(resource.name),
    };
  }
  const nonResource = present(spec.nonResourceAttributes) ? spec.nonResourceAttributes : {};
  return {
    user: requester.user,
    verb: str(nonResource.verb),
    resourceRequest: false,
    path: str(nonResource.path),
  };
}

function answerAccessReview(object: KubeObject, requester: Requester): KubeObject {
  const problems = validateAccessReview(object);
  if (problems.length > 0) {
    throw apiErrors.invalid('SelfSubjectAccessReview', GROUP, '', problems);
  }
  const spec = object.spec as JsonObject;
  const verdict = requester.authorizer.authorize(attributesOf(spec, requester));
  return {
    apiVersion: API_VERSION,
    kind: 'SelfSubjectAccessReview',
    metadata: {},
    spec,
    status: {
      allowed: verdict.decision === 'Allow',
      ...(verdict.decision === 'Deny' ? { denied: true } : {}),
      ...(verdict.reason ? { reason: verdict.reason } : {}),
    },
  };
}

/** The rules review answers with a status only; a namespace is required (400 without). */
function answerRulesReview(object: KubeObject, requester: Requester): KubeObject {
  const spec = isObject(object.spec) ? object.spec : {};
  const namespace = str(spec.namespace);
  if (!namespace) throw apiErrors.badRequest('no namespace on request');
  const rules = requester.authorizer.rulesFor(requester.user, namespace);
  return {
    apiVersion: API_VERSION,
    kind: 'SelfSubjectRulesReview',
    metadata: {},
    spec: {},
    status: {
      resourceRules: rules.resourceRules,
      nonResourceRules: rules.nonResourceRules,
      incomplete: rules.incomplete,
      ...(rules.evaluationError ? { evaluationError: rules.evaluationError } : {}),
    },
  };
}

const schemas = (kind: string) => ({
  openapi: `io.k8s.api.authorization.v1.${kind}`,
  protobuf: `k8s.io.api.authorization.v1.${kind}`,
});

export const selfSubjectAccessReview = kindStrategy(
  GROUP,
  'v1',
  'SelfSubjectAccessReview',
  'selfsubjectaccessreviews',
  schemas('SelfSubjectAccessReview'),
  { namespaced: false, verbs: ['create'], answer: answerAccessReview },
);

export const selfSubjectRulesReview = kindStrategy(
  GROUP,
  'v1',
  'SelfSubjectRulesReview',
  'selfsubjectrulesreviews',
  schemas('SelfSubjectRulesReview'),
  { namespaced: false, verbs: ['create'], answer: answerRulesReview },
);
