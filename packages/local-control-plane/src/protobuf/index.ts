// Kubernetes Protocol Buffers for the local control plane: the codec between
// the JSON-shaped objects the server stores and `application/vnd.kubernetes.protobuf`,
// which every Go client (kubectl included) uses for built-in kinds.
//
// Wire facts reproduced here, from k8s.io/apimachinery and k8s.io/apiserver:
// - a body is `k8s\0` + runtime.Unknown{typeMeta{apiVersion, kind}, raw}
//   (runtime/serializer/protobuf/protobuf.go);
// - a list is its `<Kind>List` message {metadata = ListMeta, items}, a Status is
//   meta/v1 Status with apiVersion `v1`, each in the same envelope;
// - a watch stream (`;stream=watch`) is a run of frames, each a 4-byte
//   big-endian length and then a metav1.WatchEvent{type, object: RawExtension}
//   written without envelope, whose RawExtension holds the object in its own
//   envelope (util/framer/framer.go, the RawSerializer of protobuf.go, and
//   endpoints/handlers/watch.go);
// - decode errors read as kube-apiserver's (endpoints/handlers/rest.go
//   transformDecodeError, and delete.go for DeleteOptions).
import { ApiError, errors, type Status } from '../errors.ts';
import type { KubeObject } from '../types.ts';
import type { JsonObject } from '@mcp-operator/kube-core/json';
import { decodeMessage } from './decode.ts';
import { EncodeError, encodeEnvelope, encodeMessage } from './encode.ts';
import { summarizeData, unwrapEnvelope } from './envelope.ts';
import { hasProtobufSchema, lookupMessage, messageForKind } from './schema.ts';
import { WireError } from './values.ts';

export { hasProtobufSchema };

export const PROTOBUF_CONTENT_TYPE = 'application/vnd.kubernetes.protobuf';
export const PROTOBUF_WATCH_CONTENT_TYPE = `${PROTOBUF_CONTENT_TYPE};stream=watch`;

/** Any object that names its own type, as the envelope needs. */
export interface TypedObject {
  apiVersion: string;
  kind: string;
  [key: string]: unknown;
}

/** The kind an endpoint decodes into: named in errors, and the default for an envelope without type. */
export interface DecodeTarget {
  apiVersion: string;
  kind: string;
}

/** A decoded body: the type its envelope named (or the endpoint's) and the object's JSON. */
interface Decoded {
  apiVersion: string;
  kind: string;
  json: JsonObject;
}

function versionOf(apiVersion: string): string {
  return apiVersion.slice(apiVersion.lastIndexOf('/') + 1);
}

/**
 * Opens a body and decodes its object. Errors are thrown as `onError` shapes
 * them from the failure and the type known at that point (null before the
 * envelope was read).
 */
function decodeBody(
  body: Uint8Array,
  target: DecodeTarget | undefined,
  onError: (message: string, known: { apiVersion: string; kind: string } | null) => ApiError,
): Decoded {
  let envelope;
  try {
    envelope = unwrapEnvelope(body);
  } catch (e) {
    if (e instanceof WireError) throw onError(e.message, null);
    throw e;
  }
  // Missing type information is taken from the endpoint (protobuf.go copyKindDefaults).
  const kind = envelope.kind || target?.kind || '';
  const apiVersion = envelope.apiVersion || target?.apiVersion || '';
  if (!kind) throw onError("Object 'Kind' is missing in the protobuf envelope", null);
  const type = messageForKind(apiVersion, kind);
  if (!type) {
    throw onError(
      `no kind "${kind}" is registered for version "${apiVersion}" in the local control plane's protobuf schema`,
      { apiVersion, kind },
    );
  }
  try {
    return { apiVersion, kind, json: decodeMessage(type, envelope.raw) };
  } catch (e) {
    if (e instanceof WireError) throw onError(e.message, { apiVersion, kind });
    throw e;
  }
}

/**
 * Decodes a request body (create, update, …) into the object as the JSON API
 * shows it. Failures are 400 BadRequest with kube-apiserver's message, e.g.
 * `the object provided is unrecognized (must be of type Namespace): provided
 * data does not appear to be a protobuf message, expected prefix [107 56 115 0]
 * (7b22…)`. The caller checks that the kind is the endpoint's.
 */
export function decodeObject(body: Uint8Array, target?: DecodeTarget): { object: KubeObject } {
  const decoded = decodeBody(body, target, (message, known) => {
    const into = target?.kind ?? known?.kind ?? 'Object';
    return known
      ? errors.badRequest(
          `${known.kind} in version "${versionOf(known.apiVersion)}" cannot be handled as a ${into}: ${message}`,
        )
      : errors.badRequest(
          `the object provided is unrecognized (must be of type ${into}): ${message} (${summarizeData(body)})`,
        );
  });
  const object = { apiVersion: decoded.apiVersion, kind: decoded.kind, ...decoded.json };
  return { object: { ...object, metadata: decoded.json['metadata'] ?? {} } as KubeObject };
}

/**
 * Decodes a DELETE body. kube-apiserver accepts DeleteOptions under any group
 * version (`v1`, `meta.k8s.io/v1`, the resource's own) and reports a body it
 * cannot decode as a plain error: 500 with no reason and the decoder's message.
 */
export function decodeDeleteOptions(body: Uint8Array): TypedObject {
  const target = { apiVersion: 'meta.k8s.io/v1', kind: 'DeleteOptions' };
  const decoded = decodeBody(body, target, (message) => new ApiError(500, '', message));
  if (decoded.kind !== 'DeleteOptions') {
    throw new ApiError(500, '', 'decoded object cannot be converted to DeleteOptions');
  }
  return { apiVersion: decoded.apiVersion, kind: decoded.kind, ...decoded.json };
}

/**
 * A protobuf body sent to a custom resource's endpoint. Custom resources have
 * no protobuf form, yet their serializers list protobuf (for Tables and
 * Status), so kube-apiserver takes the media type and fails in decoding: the
 * unstructured object it decodes into names no kind for the protobuf
 * serializer's typer (the versioning codec hands it a fresh
 * unstructured.Unstructured; crdserverscheme's typer answers MissingKind), and
 * transformDecodeError makes that a 400 naming the envelope's type. A body
 * that is not an envelope fails as for any kind. Always throws.
 */
export function rejectCustomResourceBody(body: Uint8Array, target: DecodeTarget): never {
  let envelope;
  try {
    envelope = unwrapEnvelope(body);
  } catch (e) {
    if (!(e instanceof WireError)) throw e;
    throw errors.badRequest(
      `the object provided is unrecognized (must be of type ${target.kind}): ${e.message} (${summarizeData(body)})`,
    );
  }
  const kind = envelope.kind || target.kind;
  const apiVersion = envelope.apiVersion || target.apiVersion;
  throw errors.badRequest(
    `${kind} in version "${versionOf(apiVersion)}" cannot be handled as a ${target.kind}: Object 'Kind' is missing in 'object has no kind field '`,
  );
}

/** Decodes an autoscaling/v1 Scale (PUT …/scale). */
export function decodeScale(body: Uint8Array): KubeObject {
  return decodeObject(body, { apiVersion: 'autoscaling/v1', kind: 'Scale' }).object;
}

/**
 * Encodes an object (or a `<Kind>List`, or a Status) in its envelope. A kind
 * without a protobuf schema (a custom resource) gets kube's 406 for objects
 * that cannot be marshalled (protobuf.go errNotMarshalable); a field the
 * schema does not know is a 500 naming its path.
 */
export function encodeObject(object: TypedObject): Uint8Array {
  const type = messageForKind(object.apiVersion, object.kind);
  if (!type) throw notMarshalable();
  return reportEncodeErrors(() => encodeEnvelope(type, object, object.kind));
}

function notMarshalable(): ApiError {
  return new ApiError(
    406,
    'NotAcceptable',
    'object *unstructured.Unstructured does not implement the protobuf marshalling interface and cannot be encoded to a protobuf message',
  );
}

function reportEncodeErrors<T>(encode: () => T): T {
  try {
    return encode();
  } catch (e) {
    if (e instanceof EncodeError) throw errors.internal(`protobuf encoding: ${e.message}`);
    throw e;
  }
}

/** A list response: `{apiVersion, kind: '<Kind>List', metadata: ListMeta, items}`. */
export function encodeList(list: {
  apiVersion: string;
  kind: string;
  metadata?: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  items: readonly TypedObject[];
}): Uint8Array {
  return encodeObject({ ...list, items: [...list.items] });
}

/** A metav1.Status (errors, and delete responses without an object). */
export function encodeStatus(status: Status): Uint8Array {
  return encodeObject({ ...status });
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

const watchEvent = lookupMessage('k8s.io.apimachinery.pkg.apis.meta.v1.WatchEvent');

/**
 * One frame of a `;stream=watch` response: the 4-byte big-endian length of a
 * WatchEvent, then the WatchEvent itself (no envelope), whose object is a
 * RawExtension holding the object in its own envelope. ERROR events carry a
 * Status; BOOKMARK events an object with only metadata.resourceVersion.
 */
export function encodeWatchFrame(type: WatchEventType, object: TypedObject): Uint8Array {
  if (!hasProtobufSchema(object.apiVersion, object.kind)) throw notMarshalable();
  const event = reportEncodeErrors(() => encodeMessage(watchEvent, { type, object }, 'WatchEvent'));
  const frame = new Uint8Array(4 + event.length);
  new DataView(frame.buffer).setUint32(0, event.length, false);
  frame.set(event, 4);
  return frame;
}
