// The Kubernetes protobuf wire schema, loaded once into a protobufjs Root, and
// the facts the JSON mapping needs about each field.
//
// The wire schema is Kubernetes v1.34's. The .proto texts under ./schema are
// transcriptions of the published generated.proto files of k8s.io/api,
// k8s.io/apimachinery and k8s.io/apiextensions-apiserver as of v1.34: message
// names, field numbers and types. kubectl on these machines is v1.32; the
// fields v1.33 and v1.34 added are transcribed too, so that a newer Go client
// setting one is understood rather than refused (a field number the schema
// lacks is a 400, see wire.ts). On top of those, four annotations carry what
// the JSON form of a field depends on and the published .proto does not say;
// they are facts of the Go types (gogoproto `nullable`, which the compiled
// descriptors keep, and the `json` struct tags, which the OpenAPI `required`
// lists reflect):
//
//   (pointer) = true       the Go field is a pointer: when it is on the wire
//                          its value counts even if zero (`replicas: 0`,
//                          `automountServiceAccountToken: false`).
//   (no_omitempty) = true  the Go json tag has no omitempty: a zero value is
//                          still shown (`containerPort: 0`, `ready: false`).
//   (inline) = true        the Go field is embedded with `json:",inline"`: its
//                          fields sit in the parent JSON object (Probe's
//                          `httpGet`, Volume's `configMap`, a key selector's `name`).
//   json_name = "..."      the JSON name differs from the proto field name
//                          (IngressClassParametersReference's aPIGroup,
//                          JSONSchemaProps' `$ref` and `x-kubernetes-*`).
//
// Every other scalar is a non-pointer Go field with omitempty: Go always writes
// it on the wire, so a zero value there means "not set" and is left out of the
// JSON, exactly as Go's encoding/json would.
import protobuf from 'protobufjs';
import { APIEXTENSIONS_V1 } from './schema/apiextensions.ts';
import { CORE_OBJECTS } from './schema/core-objects.ts';
import { CORE_POD } from './schema/core-pod.ts';
import { CORE_VOLUME } from './schema/core-volume.ts';
import {
  APPS_V1,
  AUTHORIZATION_V1,
  AUTOSCALING_V1,
  COORDINATION_V1,
  DISCOVERY_V1,
  EVENTS_V1,
  NETWORKING_V1,
  POLICY_V1,
  RBAC_V1,
} from './schema/groups.ts';
import { INTSTR, META_V1, RESOURCE, RUNTIME } from './schema/meta.ts';
import { KINDS } from '../kinds/index.ts';

const root = new protobuf.Root();
for (const text of [
  META_V1,
  RUNTIME,
  RESOURCE,
  INTSTR,
  CORE_OBJECTS,
  CORE_POD,
  CORE_VOLUME,
  APPS_V1,
  AUTOSCALING_V1,
  COORDINATION_V1,
  DISCOVERY_V1,
  EVENTS_V1,
  NETWORKING_V1,
  POLICY_V1,
  RBAC_V1,
  AUTHORIZATION_V1,
  APIEXTENSIONS_V1,
]) {
  protobuf.parse(text, root, { keepCase: true });
}
root.resolveAll();

const META = 'k8s.io.apimachinery.pkg.apis.meta.v1';

/** apimachinery messages whose JSON form is not an object of their fields. */
export const WELL_KNOWN = {
  time: `${META}.Time`,
  microTime: `${META}.MicroTime`,
  fieldsV1: `${META}.FieldsV1`,
  quantity: 'k8s.io.apimachinery.pkg.api.resource.Quantity',
  intOrString: 'k8s.io.apimachinery.pkg.util.intstr.IntOrString',
  rawExtension: 'k8s.io.apimachinery.pkg.runtime.RawExtension',
} as const;

const APIEXTENSIONS = 'k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1';

/**
 * apiextensions v1 messages whose JSON form is not an object of their fields,
 * as their MarshalJSON/UnmarshalJSON methods (marshal.go) write and read them:
 *   JSON                          {raw}              → the JSON value raw holds (null when empty)
 *   JSONSchemaPropsOrArray        {schema, jSONSchemas} → the array when it has items, else the schema (or null)
 *   JSONSchemaPropsOrBool         {allows, schema}   → the schema when set, else the boolean
 *   JSONSchemaPropsOrStringArray  {schema, property} → the strings when there are any, else the schema (or null)
 */
export const JSON_FORMS = {
  json: `${APIEXTENSIONS}.JSON`,
  propsOrArray: `${APIEXTENSIONS}.JSONSchemaPropsOrArray`,
  propsOrBool: `${APIEXTENSIONS}.JSONSchemaPropsOrBool`,
  propsOrStringArray: `${APIEXTENSIONS}.JSONSchemaPropsOrStringArray`,
} as const;

export type MessageType = protobuf.Type;

/** One field of a message with what the JSON mapping needs to know about it. */
export interface FieldInfo {
  readonly id: number;
  readonly jsonName: string;
  /** protobufjs scalar type name (`string`, `int64`, …) or the message's full name. */
  readonly type: string;
  readonly repeated: boolean;
  /** For map fields: the key type (always `string` in Kubernetes). */
  readonly mapKey: string | undefined;
  /** The message type of a message field, or of a map's values. */
  readonly message: MessageType | undefined;
  /** A zero scalar on the wire is kept (pointer or no-omitempty Go field). */
  readonly keepZero: boolean;
  readonly inline: boolean;
}

/** The name of a message without the leading dot protobufjs puts on it. */
export function messageName(type: MessageType): string {
  return type.fullName.slice(1);
}

const fieldCache = new Map<MessageType, readonly FieldInfo[]>();

/** The fields of a message in declaration order (the Go struct's order). */
export function fieldsOf(type: MessageType): readonly FieldInfo[] {
  let fields = fieldCache.get(type);
  if (!fields) {
    fields = type.fieldsArray.map((field) => {
      const options = field.options ?? {};
      const flag = (name: string): boolean => options[name] === true;
      const resolved = field.resolvedType;
      const jsonName: unknown = options['json_name'];
      return {
        id: field.id,
        jsonName: typeof jsonName === 'string' ? jsonName : field.name,
        type: resolved instanceof protobuf.Type ? messageName(resolved) : field.type,
        repeated: field.repeated,
        mapKey: field instanceof protobuf.MapField ? field.keyType : undefined,
        message: resolved instanceof protobuf.Type ? resolved : undefined,
        keepZero: flag('(pointer)') || flag('(no_omitempty)'),
        inline: flag('(inline)'),
      };
    });
    fieldCache.set(type, fields);
  }
  return fields;
}

const byIdCache = new Map<MessageType, ReadonlyMap<number, FieldInfo>>();

export function fieldById(type: MessageType, id: number): FieldInfo | undefined {
  let byId = byIdCache.get(type);
  if (!byId) {
    byId = new Map(fieldsOf(type).map((f) => [f.id, f]));
    byIdCache.set(type, byId);
  }
  return byId.get(id);
}

export function lookupMessage(name: string): MessageType {
  return root.lookupType(name);
}

/**
 * `apiVersion/kind` → message: each served built-in kind and its list, as their
 * registry entries name them (src/kinds/), the autoscaling/v1 Scale of
 * scale subresources, and Status, served as `v1` by every group.
 */
const kinds = new Map<string, MessageType>();
for (const kind of KINDS) {
  if (!kind.protobuf) continue;
  const apiVersion = kind.group ? `${kind.group}/${kind.version}` : kind.version;
  kinds.set(`${apiVersion}/${kind.kind}`, lookupMessage(kind.protobuf));
  // Create-only kinds (the self reviews) have no list.
  const list = root.lookup(`${kind.protobuf}List`);
  if (list instanceof protobuf.Type) kinds.set(`${apiVersion}/${kind.kind}List`, list);
}
kinds.set('autoscaling/v1/Scale', lookupMessage('k8s.io.api.autoscaling.v1.Scale'));
kinds.set('v1/Status', lookupMessage(`${META}.Status`));

const deleteOptions = lookupMessage(`${META}.DeleteOptions`);

/**
 * The message for a kind, if the schema has it. DeleteOptions is accepted under
 * any apiVersion: clients send it as `v1`, `meta.k8s.io/v1` or their own group's
 * version (kube-apiserver's delete handler takes them all).
 */
export function messageForKind(apiVersion: string, kind: string): MessageType | undefined {
  if (kind === 'DeleteOptions') return deleteOptions;
  return kinds.get(`${apiVersion}/${kind}`);
}

/** Whether objects of this kind can travel as protobuf (built-ins only; never custom resources). */
export function hasProtobufSchema(apiVersion: string, kind: string): boolean {
  return messageForKind(apiVersion, kind) !== undefined;
}

/**
 * Whether a message is shaped as a top-level kind, its JSON free to carry
 * apiVersion and kind: DeleteOptions, or a message whose `metadata` is an
 * ObjectMeta or (lists) a ListMeta.
 */
export function isKindMessage(type: MessageType): boolean {
  if (type === deleteOptions) return true;
  const metadata = type.fields['metadata']?.resolvedType;
  return metadata instanceof protobuf.Type && /\.(ObjectMeta|ListMeta)$/.test(metadata.fullName);
}

/**
 * The two Go facts `keepZero` folds together, for the field `id` of a message:
 * whether the Go field is a pointer, and whether its json tag has omitempty
 * (a field without it is in the OpenAPI `required` list of its type). Lists,
 * maps and messages carry no annotation: they read as omitempty non-pointers.
 */
export function goTagsOf(type: MessageType, id: number): { pointer: boolean; omitempty: boolean } {
  const options = type.fieldsById[id]?.options ?? {};
  return { pointer: options['(pointer)'] === true, omitempty: options['(no_omitempty)'] !== true };
}
