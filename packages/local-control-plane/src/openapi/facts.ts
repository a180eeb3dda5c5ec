// What the component schemas need that neither the protobuf wire schema
// (src/protobuf/schema) nor the merge rules of the kinds (src/kinds,
// src/patch/merge-rules.ts) say, keyed by component name. Everything else is
// derived by components.ts. Each entry is a fact of the Go types of
// k8s.io/api and k8s.io/apimachinery as kube-apiserver v1.32 publishes them:
// a +structType=atomic marker, a json tag without omitempty on a field the
// wire schema cannot mark (messages, lists, pointers), a patchStrategy of
// retainKeys, a +listType=set or +mapType=atomic the merge rules leave out,
// the description `kubectl explain` shows for a kind, and the JSON form of
// the types that are not objects of their wire fields.
import type { Schema } from './shared.ts';

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';
const CORE = 'io.k8s.api.core.v1.';
const APPS = 'io.k8s.api.apps.v1.';
const NETWORKING = 'io.k8s.api.networking.v1.';
const DISCOVERY = 'io.k8s.api.discovery.v1.';
const COORDINATION = 'io.k8s.api.coordination.v1.';
const EVENTS = 'io.k8s.api.events.v1.';
const POLICY = 'io.k8s.api.policy.v1.';
const RBAC = 'io.k8s.api.rbac.v1.';
const AUTHZ = 'io.k8s.api.authorization.v1.';
const APIEXT = 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.';

export interface FieldFact {
  /** patchStrategy includes retainKeys (kubectl sends `$retainKeys`). */
  retainKeys?: true;
  /** +listType=set on a list the merge rules treat as atomic. */
  set?: true;
  /** +mapType=atomic on a map field. */
  atomicMap?: true;
}

export interface ComponentFacts {
  /** What `kubectl explain` prints for the type. */
  description?: string;
  /** Fields without omitempty the wire schema cannot mark: messages, lists, pointers. */
  required?: readonly string[];
  /** +structType=atomic: the object is replaced and owned as a whole. */
  atomic?: true;
  /** The object carries apiVersion and kind (TypeMeta), besides the served kinds. */
  typeMeta?: true;
  gvk?: { group: string; version: string; kind: string };
  fields?: Readonly<Record<string, FieldFact>>;
}

export const COMPONENT_FACTS: Readonly<Record<string, ComponentFacts>> = {
  // meta/v1
  [`${META}Condition`]: { required: ['lastTransitionTime'] },
  [`${META}DeleteOptions`]: { typeMeta: true },
  [`${META}LabelSelector`]: { atomic: true },
  [`${META}OwnerReference`]: { atomic: true },
  [`${META}Status`]: { typeMeta: true, gvk: { group: '', version: 'v1', kind: 'Status' } },
  [`${META}WatchEvent`]: { required: ['object'] },
  // core/v1 kinds
  [`${CORE}ConfigMap`]: { description: 'ConfigMap holds configuration data for pods to consume.' },
  [`${CORE}Event`]: {
    description: 'Event is a report of an event somewhere in the cluster.',
    required: ['metadata', 'involvedObject'],
  },
  [`${CORE}Namespace`]: { description: 'Namespace provides a scope for Names.' },
  [`${CORE}Pod`]: { description: 'Pod is a collection of containers that can run on a host.' },
  [`${CORE}Secret`]: { description: 'Secret holds secret data of a certain type.' },
  [`${CORE}Service`]: { description: 'Service is a named abstraction of a software service.' },
  [`${CORE}ServiceAccount`]: {
    description:
      'ServiceAccount binds together: * a name, understood by users, and perhaps by peripheral systems, for an identity * a principal that can be authenticated and authorized * a set of secrets',
  },
  // core/v1 types
  [`${CORE}ConfigMapKeySelector`]: { atomic: true },
  [`${CORE}LocalObjectReference`]: { atomic: true },
  [`${CORE}NodeSelector`]: { atomic: true, required: ['nodeSelectorTerms'] },
  [`${CORE}NodeSelectorTerm`]: { atomic: true },
  [`${CORE}ObjectFieldSelector`]: { atomic: true },
  [`${CORE}ObjectReference`]: { atomic: true },
  [`${CORE}PersistentVolumeClaimTemplate`]: { required: ['spec'] },
  [`${CORE}PodSpec`]: {
    required: ['containers'],
    fields: {
      nodeSelector: { atomicMap: true },
      resourceClaims: { retainKeys: true },
      volumes: { retainKeys: true },
    },
  },
  [`${CORE}PreferredSchedulingTerm`]: { required: ['preference'] },
  [`${CORE}ResourceFieldSelector`]: { atomic: true },
  [`${CORE}SecretKeySelector`]: { atomic: true },
  [`${CORE}TypedLocalObjectReference`]: { atomic: true },
  [`${CORE}WeightedPodAffinityTerm`]: { required: ['podAffinityTerm'] },
  // apps/v1
  [`${APPS}Deployment`]: {
    description: 'Deployment enables declarative updates for Pods and ReplicaSets.',
  },
  [`${APPS}DeploymentSpec`]: {
    required: ['selector', 'template'],
    fields: { strategy: { retainKeys: true } },
  },
  // networking.k8s.io/v1
  [`${NETWORKING}HTTPIngressPath`]: { required: ['pathType', 'backend'] },
  [`${NETWORKING}HTTPIngressRuleValue`]: { required: ['paths'] },
  [`${NETWORKING}Ingress`]: {
    description:
      'Ingress is a collection of rules that allow inbound connections to reach the endpoints defined by a backend.',
  },
  [`${NETWORKING}IngressClass`]: {
    description:
      'IngressClass represents the class of the Ingress, referenced by the Ingress Spec.',
  },
  [`${NETWORKING}ServiceBackendPort`]: { atomic: true },
  // discovery.k8s.io/v1
  [`${DISCOVERY}Endpoint`]: { required: ['addresses'], fields: { addresses: { set: true } } },
  [`${DISCOVERY}EndpointPort`]: { atomic: true },
  [`${DISCOVERY}EndpointSlice`]: {
    description: 'EndpointSlice represents a subset of the endpoints that implement a service.',
    required: ['endpoints'],
  },
  // coordination.k8s.io/v1
  [`${COORDINATION}Lease`]: { description: 'Lease defines a lease concept.' },
  // events.k8s.io/v1
  [`${EVENTS}Event`]: {
    description: 'Event is a report of an event somewhere in the cluster.',
    required: ['eventTime'],
  },
  [`${EVENTS}EventSeries`]: { required: ['lastObservedTime'] },
  // policy/v1
  [`${POLICY}PodDisruptionBudget`]: {
    description:
      'PodDisruptionBudget is an object to define the max disruption that can be caused to a collection of pods',
  },
  // rbac.authorization.k8s.io/v1
  [`${RBAC}ClusterRole`]: {
    description:
      'ClusterRole is a cluster level, logical grouping of PolicyRules that can be referenced as a unit by a RoleBinding or ClusterRoleBinding.',
  },
  [`${RBAC}ClusterRoleBinding`]: {
    description:
      'ClusterRoleBinding references a ClusterRole, but not contain it.  It can reference a ClusterRole in the global namespace, and adds who information via Subject.',
    required: ['roleRef'],
  },
  [`${RBAC}PolicyRule`]: { required: ['verbs'] },
  [`${RBAC}Role`]: {
    description:
      'Role is a namespaced, logical grouping of PolicyRules that can be referenced as a unit by a RoleBinding.',
  },
  [`${RBAC}RoleBinding`]: {
    description:
      'RoleBinding references a role, but does not contain it.  It can reference a Role in the same namespace or a ClusterRole in the global namespace. It adds who information via Subjects and namespace information by which namespace it exists in.  RoleBindings in a given namespace only have effect in that namespace.',
    required: ['roleRef'],
  },
  [`${RBAC}Subject`]: { atomic: true },
  // authorization.k8s.io/v1
  [`${AUTHZ}NonResourceRule`]: { required: ['verbs'] },
  [`${AUTHZ}ResourceRule`]: { required: ['verbs'] },
  [`${AUTHZ}SelfSubjectAccessReview`]: {
    description:
      'SelfSubjectAccessReview checks whether or the current user can perform an action.  Not filling in a spec.namespace means "in all namespaces".  Self is a special case, because users should always be able to check whether they can perform an action',
    required: ['spec'],
  },
  [`${AUTHZ}SelfSubjectRulesReview`]: {
    description:
      "SelfSubjectRulesReview enumerates the set of actions the current user can perform within a namespace. The returned list of actions may be incomplete depending on the server's authorization mode, and any errors experienced during the evaluation. SelfSubjectRulesReview should be used by UIs to show/hide actions, or to quickly let an end user reason about their permissions. It should NOT Be used by external systems to drive authorization decisions as this raises confused deputy, cache lifetime/revocation, and correctness concerns. SubjectAccessReview, and LocalAccessReview are the correct way to defer authorization decisions to the API server.",
    required: ['spec'],
  },
  [`${AUTHZ}SubjectRulesReviewStatus`]: { required: ['resourceRules', 'nonResourceRules'] },
  // apiextensions.k8s.io/v1
  [`${APIEXT}CustomResourceDefinition`]: {
    description:
      'CustomResourceDefinition represents a resource that should be exposed on the API server.',
    required: ['spec'],
  },
  [`${APIEXT}CustomResourceDefinitionSpec`]: { required: ['names', 'versions'] },
};

/**
 * Types whose JSON form is not an object of their wire fields, by component
 * name: their whole schema. A field refers to one without kube's `allOf`
 * wrapping unless the schema is an object.
 */
export const OPAQUE_COMPONENTS: Readonly<Record<string, Schema>> = {
  [`${META}Time`]: {
    description: 'An RFC 3339 date and time, in UTC.',
    type: 'string',
    format: 'date-time',
  },
  [`${META}MicroTime`]: {
    description: 'An RFC 3339 date and time with microseconds, in UTC.',
    type: 'string',
    format: 'date-time',
  },
  [`${META}FieldsV1`]: { description: 'A set of fields, as a trie.', type: 'object' },
  'io.k8s.apimachinery.pkg.api.resource.Quantity': {
    description: 'A fixed-point number with a suffix, such as 500m or 1Gi.',
    oneOf: [{ type: 'string' }, { type: 'number' }],
  },
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': {
    description: 'An integer or a string.',
    format: 'int-or-string',
    oneOf: [{ type: 'integer' }, { type: 'string' }],
  },
  'io.k8s.apimachinery.pkg.runtime.RawExtension': {
    description: 'An object of any kind, embedded.',
    type: 'object',
  },
  [`${APIEXT}JSON`]: { description: 'Any JSON value.' },
  [`${APIEXT}JSONSchemaPropsOrArray`]: { description: 'A schema, or an array of schemas.' },
  [`${APIEXT}JSONSchemaPropsOrBool`]: { description: 'A schema, or a boolean.' },
  [`${APIEXT}JSONSchemaPropsOrStringArray`]: {
    description: 'A schema, or an array of strings.',
  },
};

/** Components the operations use that no wire message describes. */
export const EXTRA_COMPONENTS: Readonly<Record<string, Schema>> = {
  [`${META}Patch`]: { description: 'The body of a PATCH request.', type: 'object' },
};
