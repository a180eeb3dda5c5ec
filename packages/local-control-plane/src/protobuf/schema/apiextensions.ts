// apiextensions.k8s.io/v1: CustomResourceDefinition, its list, and everything
// a definition holds (names, versions, the OpenAPI v3 schema as JSONSchemaProps,
// subresources, printer columns, selectable fields, conversion, status).
//
// Transcribed from the published generated.proto of
// k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1 as of Kubernetes
// v1.34 (no field was added to these messages in v1.33 or v1.34): message
// names, field numbers and types, in their published order. The webhook
// ConversionReview messages are left out: they are never served. The bracketed
// annotations are explained in ../schema.ts; pointers and json names follow
// types.go and types_jsonschema.go of the same package.
//
// Five messages have a JSON form of their own (marshal.go of the package, see
// JSON_FORMS in ../schema.ts): JSON holds the JSON text of any value in `raw`,
// and the three JSONSchemaPropsOr* unions are written as whichever side is set.

export const APIEXTENSIONS_V1 = `
syntax = "proto2";
package k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1;

message CustomResourceColumnDefinition {
  optional string name = 1 [(no_omitempty) = true];
  optional string type = 2 [(no_omitempty) = true];
  optional string format = 3;
  optional string description = 4;
  optional int32 priority = 5;
  optional string jsonPath = 6 [(no_omitempty) = true];
}
message CustomResourceConversion {
  optional string strategy = 1 [(no_omitempty) = true];
  optional WebhookConversion webhook = 2;
}
message CustomResourceDefinition {
  optional .k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta metadata = 1;
  optional CustomResourceDefinitionSpec spec = 2;
  optional CustomResourceDefinitionStatus status = 3;
}
message CustomResourceDefinitionCondition {
  optional string type = 1 [(no_omitempty) = true];
  optional string status = 2 [(no_omitempty) = true];
  optional .k8s.io.apimachinery.pkg.apis.meta.v1.Time lastTransitionTime = 3;
  optional string reason = 4;
  optional string message = 5;
}
message CustomResourceDefinitionList {
  optional .k8s.io.apimachinery.pkg.apis.meta.v1.ListMeta metadata = 1;
  repeated CustomResourceDefinition items = 2;
}
message CustomResourceDefinitionNames {
  optional string plural = 1 [(no_omitempty) = true];
  optional string singular = 2;
  repeated string shortNames = 3;
  optional string kind = 4 [(no_omitempty) = true];
  optional string listKind = 5;
  repeated string categories = 6;
}
message CustomResourceDefinitionSpec {
  optional string group = 1 [(no_omitempty) = true];
  optional CustomResourceDefinitionNames names = 3;
  optional string scope = 4 [(no_omitempty) = true];
  repeated CustomResourceDefinitionVersion versions = 7;
  optional CustomResourceConversion conversion = 9;
  optional bool preserveUnknownFields = 10;
}
message CustomResourceDefinitionStatus {
  repeated CustomResourceDefinitionCondition conditions = 1;
  optional CustomResourceDefinitionNames acceptedNames = 2;
  repeated string storedVersions = 3;
}
message CustomResourceDefinitionVersion {
  optional string name = 1 [(no_omitempty) = true];
  optional bool served = 2 [(no_omitempty) = true];
  optional bool storage = 3 [(no_omitempty) = true];
  optional bool deprecated = 7;
  optional string deprecationWarning = 8 [(pointer) = true];
  optional CustomResourceValidation schema = 4;
  optional CustomResourceSubresources subresources = 5;
  repeated CustomResourceColumnDefinition additionalPrinterColumns = 6;
  repeated SelectableField selectableFields = 9;
}
message CustomResourceSubresourceScale {
  optional string specReplicasPath = 1 [(no_omitempty) = true];
  optional string statusReplicasPath = 2 [(no_omitempty) = true];
  optional string labelSelectorPath = 3 [(pointer) = true];
}
message CustomResourceSubresourceStatus {
}
message CustomResourceSubresources {
  optional CustomResourceSubresourceStatus status = 1;
  optional CustomResourceSubresourceScale scale = 2;
}
message CustomResourceValidation {
  optional JSONSchemaProps openAPIV3Schema = 1;
}
message ExternalDocumentation {
  optional string description = 1;
  optional string url = 2;
}
message JSON {
  optional bytes raw = 1;
}
message JSONSchemaProps {
  optional string id = 1;
  optional string schema = 2 [json_name = "$schema"];
  optional string ref = 3 [(pointer) = true, json_name = "$ref"];
  optional string description = 4;
  optional string type = 5;
  optional string format = 6;
  optional string title = 7;
  optional JSON default = 8;
  optional double maximum = 9 [(pointer) = true];
  optional bool exclusiveMaximum = 10;
  optional double minimum = 11 [(pointer) = true];
  optional bool exclusiveMinimum = 12;
  optional int64 maxLength = 13 [(pointer) = true];
  optional int64 minLength = 14 [(pointer) = true];
  optional string pattern = 15;
  optional int64 maxItems = 16 [(pointer) = true];
  optional int64 minItems = 17 [(pointer) = true];
  optional bool uniqueItems = 18;
  optional double multipleOf = 19 [(pointer) = true];
  repeated JSON enum = 20;
  optional int64 maxProperties = 21 [(pointer) = true];
  optional int64 minProperties = 22 [(pointer) = true];
  repeated string required = 23;
  optional JSONSchemaPropsOrArray items = 24;
  repeated JSONSchemaProps allOf = 25;
  repeated JSONSchemaProps oneOf = 26;
  repeated JSONSchemaProps anyOf = 27;
  optional JSONSchemaProps not = 28;
  map<string, JSONSchemaProps> properties = 29;
  optional JSONSchemaPropsOrBool additionalProperties = 30;
  map<string, JSONSchemaProps> patternProperties = 31;
  map<string, JSONSchemaPropsOrStringArray> dependencies = 32;
  optional JSONSchemaPropsOrBool additionalItems = 33;
  map<string, JSONSchemaProps> definitions = 34;
  optional ExternalDocumentation externalDocs = 35;
  optional JSON example = 36;
  optional bool nullable = 37;
  optional bool xKubernetesPreserveUnknownFields = 38 [(pointer) = true, json_name = "x-kubernetes-preserve-unknown-fields"];
  optional bool xKubernetesEmbeddedResource = 39 [json_name = "x-kubernetes-embedded-resource"];
  optional bool xKubernetesIntOrString = 40 [json_name = "x-kubernetes-int-or-string"];
  repeated string xKubernetesListMapKeys = 41 [json_name = "x-kubernetes-list-map-keys"];
  optional string xKubernetesListType = 42 [(pointer) = true, json_name = "x-kubernetes-list-type"];
  optional string xKubernetesMapType = 43 [(pointer) = true, json_name = "x-kubernetes-map-type"];
  repeated ValidationRule xKubernetesValidations = 44 [json_name = "x-kubernetes-validations"];
}
message JSONSchemaPropsOrArray {
  optional JSONSchemaProps schema = 1;
  repeated JSONSchemaProps jSONSchemas = 2;
}
message JSONSchemaPropsOrBool {
  optional bool allows = 1 [(no_omitempty) = true];
  optional JSONSchemaProps schema = 2;
}
message JSONSchemaPropsOrStringArray {
  optional JSONSchemaProps schema = 1;
  repeated string property = 2;
}
message SelectableField {
  optional string jsonPath = 1 [(no_omitempty) = true];
}
message ServiceReference {
  optional string namespace = 1 [(no_omitempty) = true];
  optional string name = 2 [(no_omitempty) = true];
  optional string path = 3 [(pointer) = true];
  optional int32 port = 4 [(pointer) = true];
}
message ValidationRule {
  optional string rule = 1 [(no_omitempty) = true];
  optional string message = 2;
  optional string messageExpression = 3;
  optional string reason = 4 [(pointer) = true];
  optional string fieldPath = 5;
  optional bool optionalOldSelf = 6 [(pointer) = true];
}
message WebhookClientConfig {
  optional string url = 3 [(pointer) = true];
  optional ServiceReference service = 1;
  optional bytes caBundle = 2;
}
message WebhookConversion {
  optional WebhookClientConfig clientConfig = 2;
  repeated string conversionReviewVersions = 3;
}
`;
