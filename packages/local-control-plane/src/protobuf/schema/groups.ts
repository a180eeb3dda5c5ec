// apps/v1 (Deployment), autoscaling/v1 (Scale), coordination/v1 (Lease),
// discovery/v1 (EndpointSlice), events/v1 (Event), networking/v1 (Ingress,
// IngressClass), policy/v1 (PodDisruptionBudget), rbac/v1 (Role, ClusterRole,
// RoleBinding, ClusterRoleBinding) and authorization/v1
// (SelfSubjectAccessReview, SelfSubjectRulesReview).
//
// Transcribed from the published generated.proto files of k8s.io/api and
// k8s.io/apimachinery as of Kubernetes v1.34 (kubectl here is v1.32; the fields
// v1.33 and v1.34 added are marked where they are): message names, field
// numbers and types, in their published order, only for the messages the served
// kinds reach. The bracketed annotations are explained in ../schema.ts.

export const APPS_V1 = `
syntax = "proto2";
package k8s.io.api.apps.v1;

message Deployment {
  optional .k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta metadata = 1;
  optional DeploymentSpec spec = 2;
  optional DeploymentStatus status = 3;
}
message DeploymentCondition {
  optional string type = 1 [(no_omitempty) = true];
  optional string status = 2 [(no_omitempty) = true];
  optional .k8s.io.apimachinery.pkg.apis.meta.v1.Time lastUpdateTime = 6;
  optional .k8s.io.apimachinery.pkg.apis.meta.v1.Time lastTransitionTime = 7;
  optional string reason = 4;
  optional string message = 5;
}
message DeploymentList {
  optional .k8s.io.apimachinery.pkg.apis.meta.v1.ListMeta metadata = 1;
  repeated Deployment items = 2;
}
message DeploymentSpec {
  optional int32 replicas = 1 [(pointer) = true];
  optional .k8s.io.apimachinery.pkg.apis.meta.v1.LabelSelector selector = 2;
  optional .k8s.io.api.core.v1.PodTemplateSpec template = 3;
  optional DeploymentStrategy strategy = 4;
  optional int32 minReadySeconds = 5;
  optional int32 revisionHistoryLimit = 6 [(pointer) = true];
  optional bool paused = 7;
  optional int32 progressDeadlineSeconds = 9 [(pointer) = true];
}
message DeploymentStatus {
  optional int64 observedGeneration = 1;
  optional int32 replicas = 2;
  optional int32 updatedReplicas = 3;
  optional int32 readyReplicas = 7;
  optional int32 availableReplicas = 4;
  optional int32 unavailableReplicas = 5;
  optional int32 terminatingReplicas = 9 [(pointer) = true]; // v1.33
  repeated DeploymentCondition conditions = 6;
  optional int32 collisionCount = 8 [(pointer) = true];
}
message DeploymentStrategy {
  optional string type = 1;
  optional RollingUpdateDeployment rollingUpdate = 2;
}
message RollingUpdateDeployment {
  optional .k8s.io.apimachinery.pkg.util.intstr.IntOrString maxUnavailable = 1;
  optional .k8s.io.apimachinery.pkg.util.intstr.IntOrString maxSurge = 2;
}
`;

export const AUTOSCALING_V1 = `
syntax = "proto2";
package k8s.io.api.autoscaling.v1;

message Scale {
  optional .k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta metadata = 1;
  optional ScaleSpec spec = 2;
  optional ScaleStatus status = 3;
}
message ScaleSpec {
  optional int32 replicas = 1;
}
message ScaleStatus {
  optional int32 replicas = 1 [(no_omitempty) = true];
  optional string selector = 2;
}
`;

export const COORDINATION_V1 = `
syntax = "proto2";
package k8s.io.api.coordination.v1;

message Lease {
  optional .k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta metadata = 1;
  optional LeaseSpec spec = 2;
}
message LeaseList {
  optional .k8s.io.apimachinery.pkg.apis.meta.v1.ListMeta metadata = 1;
  repeated Lease items = 2;
}
message LeaseSpec {
  optional string holderIdentity = 1 [(pointer) = true];
  optional int32 leaseDurationSeconds = 2 [(pointer) = true];
  optional .k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime acquireTime = 3;
  optional .k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime renewTime = 4;
  optional int32 leaseTransitions = 5 [(pointer) = true];
  optional string strategy = 6 [(pointer) = true];
  optional string preferredHolder = 7 [(pointer) = true];
}
`;

export const DISCOVERY_V1 = `
syntax = "proto2";
package k8s.io.api.discovery.v1;

message Endpoint {
  repeated string addresses = 1;
  optional EndpointConditions conditions = 2;
  optional string hostname = 3 [(pointer) = true];
  optional .k8s.io.api.core.v1.ObjectReference targetRef = 4;
  map<string, string> deprecatedTopology = 5;
  optional string nodeName = 6 [(pointer) = true];
  optional string zone = 7 [(pointer) = true];
  optional EndpointHints hints = 8;
}
message EndpointConditions {
  optional bool ready = 1 [(pointer) = true];
  optional bool serving = 2 [(pointer) = true];
  optional bool terminating = 3 [(pointer) = true];
}
message EndpointHints {
  repeated ForZone forZones = 1;
  repeated ForNode forNodes = 2; // v1.33
}
message EndpointPort {
  optional string name = 1 [(pointer) = true];
  optional string protocol = 2 [(pointer) = true];
  optional int32 port = 3 [(pointer) = true];
  optional string appProtocol = 4 [(pointer) = true];
}
message EndpointSlice {
  optional .k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta metadata = 1;
  optional string addressType = 4 [(no_omitempty) = true];
  repeated Endpoint endpoints = 2;
  repeated EndpointPort ports = 3;
}
message EndpointSliceList {
  optional .k8s.io.apimachinery.pkg.apis.meta.v1.ListMeta metadata = 1;
  repeated EndpointSlice items = 2;
}
message ForNode { // v1.33
  optional string name = 1 [(no_omitempty) = true];
}
message ForZone {
  optional string name = 1 [(no_omitempty) = true];
}
`;

export const EVENTS_V1 = `
syntax = "proto2";
package k8s.io.api.events.v1;

message Event {
  optional .k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta metadata = 1;
  optional .k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime eventTime = 2;
  optional EventSeries series = 3;
  optional string reportingController = 4;
  optional string reportingInstance = 5;
  optional string action = 6;
  optional string reason = 7;
  optional .k8s.io.api.core.v1.ObjectReference regarding = 8;
  optional .k8s.io.api.core.v1.ObjectReference related = 9;
  optional string note = 10;
  optional string type = 11;
  optional .k8s.io.api.core.v1.EventSource deprecatedSource = 12;
  optional .k8s.io.apimachinery.pkg.apis.meta.v1.Time deprecatedFirstTimestamp = 13;
  optional .k8s.io.apimachinery.pkg.apis.meta.v1.Time deprecatedLastTimestamp = 14;
  optional int32 deprecatedCount = 15;
}
message EventList {
  optional .k8s.io.apimachinery.pkg.apis.meta.v1.ListMeta metadata = 1;
  repeated Event items = 2;
}
message EventSeries {
  optional int32 count = 1 [(no_omitempty) = true];
  optional .k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime lastObservedTime = 2;
}
`;

export const NETWORKING_V1 = `
syntax = "proto2";
package k8s.io.api.networking.v1;

message HTTPIngressPath {
  optional string path = 1;
  optional string pathType = 3 [(pointer) = true];
  optional IngressBackend backend = 2;
}
message HTTPIngressRuleValue {
  repeated HTTPIngressPath paths = 1;
}
message Ingress {
  optional .k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta metadata = 1;
  optional IngressSpec spec = 2;
  optional IngressStatus status = 3;
}
message IngressBackend {
  optional IngressServiceBackend service = 4;
  optional .k8s.io.api.core.v1.TypedLocalObjectReference resource = 3;
}
message IngressClass {
  optional .k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta metadata = 1;
  optional IngressClassSpec spec = 2;
}
message IngressClassList {
  optional .k8s.io.apimachinery.pkg.apis.meta.v1.ListMeta metadata = 1;
  repeated IngressClass items = 2;
}
message IngressClassParametersReference {
  optional string aPIGroup = 1 [(pointer) = true, json_name = "apiGroup"];
  optional string kind = 2 [(no_omitempty) = true];
  optional string name = 3 [(no_omitempty) = true];
  optional string scope = 4 [(pointer) = true];
  optional string namespace = 5 [(pointer) = true];
}
message IngressClassSpec {
  optional string controller = 1;
  optional IngressClassParametersReference parameters = 2;
}
message IngressList {
  optional .k8s.io.apimachinery.pkg.apis.meta.v1.ListMeta metadata = 1;
  repeated Ingress items = 2;
}
message IngressLoadBalancerIngress {
  optional string ip = 1;
  optional string hostname = 2;
  repeated IngressPortStatus ports = 4;
}
message IngressLoadBalancerStatus {
  repeated IngressLoadBalancerIngress ingress = 1;
}
message IngressPortStatus {
  optional int32 port = 1 [(no_omitempty) = true];
  optional string protocol = 2 [(no_omitempty) = true];
  optional string error = 3 [(pointer) = true];
}
message IngressRule {
  optional string host = 1;
  optional IngressRuleValue ingressRuleValue = 2 [(inline) = true];
}
message IngressRuleValue {
  optional HTTPIngressRuleValue http = 1;
}
message IngressServiceBackend {
  optional string name = 1 [(no_omitempty) = true];
  optional ServiceBackendPort port = 2;
}
message IngressSpec {
  optional string ingressClassName = 4 [(pointer) = true];
  optional IngressBackend defaultBackend = 1;
  repeated IngressTLS tls = 2;
  repeated IngressRule rules = 3;
}
message IngressStatus {
  optional IngressLoadBalancerStatus loadBalancer = 1;
}
message IngressTLS {
  repeated string hosts = 1;
  optional string secretName = 2;
}
message ServiceBackendPort {
  optional string name = 1;
  optional int32 number = 2;
}
`;

export const POLICY_V1 = `
syntax = "proto2";
package k8s.io.api.policy.v1;

message PodDisruptionBudget {
  optional .k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta metadata = 1;
  optional PodDisruptionBudgetSpec spec = 2;
  optional PodDisruptionBudgetStatus status = 3;
}
message PodDisruptionBudgetList {
  optional .k8s.io.apimachinery.pkg.apis.meta.v1.ListMeta metadata = 1;
  repeated PodDisruptionBudget items = 2;
}
message PodDisruptionBudgetSpec {
  optional .k8s.io.apimachinery.pkg.util.intstr.IntOrString minAvailable = 1;
  optional .k8s.io.apimachinery.pkg.apis.meta.v1.LabelSelector selector = 2;
  optional .k8s.io.apimachinery.pkg.util.intstr.IntOrString maxUnavailable = 3;
  optional string unhealthyPodEvictionPolicy = 4 [(pointer) = true];
}
message PodDisruptionBudgetStatus {
  optional int64 observedGeneration = 1;
  map<string, .k8s.io.apimachinery.pkg.apis.meta.v1.Time> disruptedPods = 2;
  optional int32 disruptionsAllowed = 3 [(no_omitempty) = true];
  optional int32 currentHealthy = 4 [(no_omitempty) = true];
  optional int32 desiredHealthy = 5 [(no_omitempty) = true];
  optional int32 expectedPods = 6 [(no_omitempty) = true];
  repeated .k8s.io.apimachinery.pkg.apis.meta.v1.Condition conditions = 7;
}
`;

export const RBAC_V1 = `
syntax = "proto2";
package k8s.io.api.rbac.v1;

message AggregationRule {
  repeated .k8s.io.apimachinery.pkg.apis.meta.v1.LabelSelector clusterRoleSelectors = 1;
}
message ClusterRole {
  optional .k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta metadata = 1;
  repeated PolicyRule rules = 2;
  optional AggregationRule aggregationRule = 3;
}
message ClusterRoleBinding {
  optional .k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta metadata = 1;
  repeated Subject subjects = 2;
  optional RoleRef roleRef = 3;
}
message ClusterRoleBindingList {
  optional .k8s.io.apimachinery.pkg.apis.meta.v1.ListMeta metadata = 1;
  repeated ClusterRoleBinding items = 2;
}
message ClusterRoleList {
  optional .k8s.io.apimachinery.pkg.apis.meta.v1.ListMeta metadata = 1;
  repeated ClusterRole items = 2;
}
message PolicyRule {
  repeated string verbs = 1;
  repeated string apiGroups = 2;
  repeated string resources = 3;
  repeated string resourceNames = 4;
  repeated string nonResourceURLs = 5;
}
message Role {
  optional .k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta metadata = 1;
  repeated PolicyRule rules = 2;
}
message RoleBinding {
  optional .k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta metadata = 1;
  repeated Subject subjects = 2;
  optional RoleRef roleRef = 3;
}
message RoleBindingList {
  optional .k8s.io.apimachinery.pkg.apis.meta.v1.ListMeta metadata = 1;
  repeated RoleBinding items = 2;
}
message RoleList {
  optional .k8s.io.apimachinery.pkg.apis.meta.v1.ListMeta metadata = 1;
  repeated Role items = 2;
}
message RoleRef {
  optional string apiGroup = 1 [(no_omitempty) = true];
  optional string kind = 2 [(no_omitempty) = true];
  optional string name = 3 [(no_omitempty) = true];
}
message Subject {
  optional string kind = 1 [(no_omitempty) = true];
  optional string apiGroup = 2;
  optional string name = 3 [(no_omitempty) = true];
  optional string namespace = 4;
}
`;

// Only the self-review kinds kubectl auth can-i uses (the SubjectAccessReview
// kinds, their ExtraValue and LocalSubjectAccessReview are not served).
export const AUTHORIZATION_V1 = `
syntax = "proto2";
package k8s.io.api.authorization.v1;

message FieldSelectorAttributes {
  optional string rawSelector = 1;
  repeated FieldSelectorRequirement requirements = 2;
}
message FieldSelectorRequirement {
  optional string key = 1 [(no_omitempty) = true];
  optional string operator = 2 [(no_omitempty) = true];
  repeated string values = 3;
}
message LabelSelectorAttributes {
  optional string rawSelector = 1;
  repeated .k8s.io.apimachinery.pkg.apis.meta.v1.LabelSelectorRequirement requirements = 2;
}
message NonResourceAttributes {
  optional string path = 1;
  optional string verb = 2;
}
message NonResourceRule {
  repeated string verbs = 1;
  repeated string nonResourceURLs = 2;
}
message ResourceAttributes {
  optional string namespace = 1;
  optional string verb = 2;
  optional string group = 3;
  optional string version = 4;
  optional string resource = 5;
  optional string subresource = 6;
  optional string name = 7;
  optional FieldSelectorAttributes fieldSelector = 8;
  optional LabelSelectorAttributes labelSelector = 9;
}
message ResourceRule {
  repeated string verbs = 1;
  repeated string apiGroups = 2;
  repeated string resources = 3;
  repeated string resourceNames = 4;
}
message SelfSubjectAccessReview {
  optional .k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta metadata = 1;
  optional SelfSubjectAccessReviewSpec spec = 2;
  optional SubjectAccessReviewStatus status = 3;
}
message SelfSubjectAccessReviewSpec {
  optional ResourceAttributes resourceAttributes = 1;
  optional NonResourceAttributes nonResourceAttributes = 2;
}
message SelfSubjectRulesReview {
  optional .k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta metadata = 1;
  optional SelfSubjectRulesReviewSpec spec = 2;
  optional SubjectRulesReviewStatus status = 3;
}
message SelfSubjectRulesReviewSpec {
  optional string namespace = 1;
}
message SubjectAccessReviewStatus {
  optional bool allowed = 1 [(no_omitempty) = true];
  optional bool denied = 4;
  optional string reason = 2;
  optional string evaluationError = 3;
}
message SubjectRulesReviewStatus {
  repeated ResourceRule resourceRules = 1;
  repeated NonResourceRule nonResourceRules = 2;
  optional bool incomplete = 3 [(no_omitempty) = true];
  optional string evaluationError = 4;
}
`;
