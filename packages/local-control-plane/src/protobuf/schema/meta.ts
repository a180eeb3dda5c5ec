// apimachinery messages: meta/v1 (ObjectMeta, ListMeta, Time, MicroTime, Status,
// DeleteOptions, WatchEvent, …), runtime (Unknown, RawExtension), api/resource
// (Quantity) and util/intstr (IntOrString).
//
// Transcribed from the published generated.proto files of k8s.io/api and
// k8s.io/apimachinery as of Kubernetes v1.34 (kubectl here is v1.32; v1.33 and
// v1.34 added no field to these messages): message names, field numbers and
// types, in their published order, only for the messages the served kinds
// reach. The bracketed annotations are explained in ../schema.ts.

export const META_V1 = `
syntax = "proto2";
package k8s.io.apimachinery.pkg.apis.meta.v1;

message Condition {
  optional string type = 1 [(no_omitempty) = true];
  optional string status = 2 [(no_omitempty) = true];
  optional int64 observedGeneration = 3;
  optional Time lastTransitionTime = 4;
  optional string reason = 5 [(no_omitempty) = true];
  optional string message = 6 [(no_omitempty) = true];
}
message DeleteOptions {
  optional int64 gracePeriodSeconds = 1 [(pointer) = true];
  optional Preconditions preconditions = 2;
  optional bool orphanDependents = 3 [(pointer) = true];
  optional string propagationPolicy = 4 [(pointer) = true];
  repeated string dryRun = 5;
  optional bool ignoreStoreReadErrorWithClusterBreakingPotential = 6 [(pointer) = true];
}
message FieldsV1 {
  optional bytes Raw = 1;
}
message LabelSelector {
  map<string, string> matchLabels = 1;
  repeated LabelSelectorRequirement matchExpressions = 2;
}
message LabelSelectorRequirement {
  optional string key = 1 [(no_omitempty) = true];
  optional string operator = 2 [(no_omitempty) = true];
  repeated string values = 3;
}
message ListMeta {
  optional string selfLink = 1;
  optional string resourceVersion = 2;
  optional string continue = 3;
  optional int64 remainingItemCount = 4 [(pointer) = true];
}
message ManagedFieldsEntry {
  optional string manager = 1;
  optional string operation = 2;
  optional string apiVersion = 3;
  optional Time time = 4;
  optional string fieldsType = 6;
  optional FieldsV1 fieldsV1 = 7;
  optional string subresource = 8;
}
message MicroTime {
  optional int64 seconds = 1;
  optional int32 nanos = 2;
}
message ObjectMeta {
  optional string name = 1;
  optional string generateName = 2;
  optional string namespace = 3;
  optional string selfLink = 4;
  optional string uid = 5;
  optional string resourceVersion = 6;
  optional int64 generation = 7;
  optional Time creationTimestamp = 8;
  optional Time deletionTimestamp = 9;
  optional int64 deletionGracePeriodSeconds = 10 [(pointer) = true];
  map<string, string> labels = 11;
  map<string, string> annotations = 12;
  repeated OwnerReference ownerReferences = 13;
  repeated string finalizers = 14;
  repeated ManagedFieldsEntry managedFields = 17;
}
message OwnerReference {
  optional string apiVersion = 5 [(no_omitempty) = true];
  optional string kind = 1 [(no_omitempty) = true];
  optional string name = 3 [(no_omitempty) = true];
  optional string uid = 4 [(no_omitempty) = true];
  optional bool controller = 6 [(pointer) = true];
  optional bool blockOwnerDeletion = 7 [(pointer) = true];
}
message Preconditions {
  optional string uid = 1 [(pointer) = true];
  optional string resourceVersion = 2 [(pointer) = true];
}
message Status {
  optional ListMeta metadata = 1;
  optional string status = 2;
  optional string message = 3;
  optional string reason = 4;
  optional StatusDetails details = 5;
  optional int32 code = 6;
}
message StatusCause {
  optional string reason = 1;
  optional string message = 2;
  optional string field = 3;
}
message StatusDetails {
  optional string name = 1;
  optional string group = 2;
  optional string kind = 3;
  optional string uid = 6;
  repeated StatusCause causes = 4;
  optional int32 retryAfterSeconds = 5;
}
message Time {
  optional int64 seconds = 1;
  optional int32 nanos = 2;
}
message WatchEvent {
  optional string type = 1 [(no_omitempty) = true];
  optional .k8s.io.apimachinery.pkg.runtime.RawExtension object = 2;
}
`;

export const RUNTIME = `
syntax = "proto2";
package k8s.io.apimachinery.pkg.runtime;

message RawExtension {
  optional bytes raw = 1 [(pointer) = true];
}
message TypeMeta {
  optional string apiVersion = 1;
  optional string kind = 2;
}
message Unknown {
  optional TypeMeta typeMeta = 1;
  optional bytes raw = 2 [(pointer) = true];
  optional string contentEncoding = 3;
  optional string contentType = 4;
}
`;

export const RESOURCE = `
syntax = "proto2";
package k8s.io.apimachinery.pkg.api.resource;

message Quantity {
  optional string string = 1;
}
`;

export const INTSTR = `
syntax = "proto2";
package k8s.io.apimachinery.pkg.util.intstr;

message IntOrString {
  optional int64 type = 1;
  optional int32 intVal = 2;
  optional string strVal = 3;
}
`;
