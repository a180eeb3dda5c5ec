// Wire → JSON: a message becomes the object kube-apiserver's JSON encoder would
// write for the same Go value (see schema.ts for the field annotations).
//
// Scalars: a zero value is left out unless the field keeps zeros (a pointer, or
// no omitempty). Messages present on the wire are kept, even empty (`{}`), as
// Go shows a non-pointer struct. Repeated fields and maps are left out when
// empty. The well-known apimachinery types take their JSON forms:
//   metav1.Time       {seconds, nanos}  → "2006-01-02T15:04:05Z" (nanos dropped, as Go's Time.Unmarshal does)
//   metav1.MicroTime  {seconds, nanos}  → "2006-01-02T15:04:05.000000Z"
//   Quantity          {string}          → the string
//   IntOrString       {type, intVal, strVal} → number (type 0) or string (type 1)
//   FieldsV1          {Raw}             → the JSON document Raw holds
//   RawExtension      {raw}             → the embedded object (an envelope) or JSON document
// A zero Time or MicroTime (an empty message: Go's zero time.Time) is left out.
// The apiextensions v1 JSON and JSONSchemaPropsOr* messages take the forms their
// MarshalJSON methods give them (JSON_FORMS in schema.ts).
import type { JsonObject } from '@mcp-operator/kube-core/json';
import { hasMagic, unwrapEnvelope } from './envelope.ts';
import {
  JSON_FORMS,
  WELL_KNOWN,
  fieldsOf,
  messageForKind,
  messageName,
  type FieldInfo,
  type MessageType,
} from './schema.ts';
import { WireError, encodeBase64, formatMicroTime, formatTime } from './values.ts';
import { concatBytes, lastValue, readFields, readMapEntry, type Scalar } from './wire.ts';

/** Decodes a message into its JSON form. */
export function decodeMessage(type: MessageType, buf: Uint8Array): JsonObject {
  const fields = readFields(type, buf);
  const out: JsonObject = {};
  for (const info of fieldsOf(type)) {
    const values = fields.get(info);
    if (!values) continue;
    if (info.mapKey) {
      const map = decodeMap(info, values as Uint8Array[]);
      if (Object.keys(map).length > 0) out[info.jsonName] = map;
    } else if (info.repeated) {
      out[info.jsonName] = values.map((v) =>
        info.message ? (messageJson(info.message, v as Uint8Array) ?? null) : scalarJson(v),
      );
    } else if (info.message) {
      const value = messageJson(info.message, concatBytes(values as Uint8Array[]));
      if (value === undefined) continue;
      if (info.inline) Object.assign(out, value);
      else out[info.jsonName] = value;
    } else {
      const value = lastValue(values)!;
      if (info.keepZero || !isZero(value)) out[info.jsonName] = scalarJson(value);
    }
  }
  return out;
}

function isZero(value: Scalar): boolean {
  return (
    value === '' || value === 0 || value === false || (value instanceof Uint8Array && !value.length)
  );
}

function scalarJson(value: Scalar): unknown {
  return value instanceof Uint8Array ? encodeBase64(value) : value;
}

function decodeMap(info: FieldInfo, entries: readonly Uint8Array[]): JsonObject {
  const map: JsonObject = {};
  for (const entry of entries) {
    // An entry without its value holds the value type's zero.
    const { key, value } = readMapEntry(info, entry);
    map[key] = info.message
      ? messageJson(info.message, value instanceof Uint8Array ? value : new Uint8Array())
      : scalarJson(value ?? zeroOf(info.type));
  }
  return map;
}

function zeroOf(type: string): Scalar {
  if (type === 'string') return '';
  if (type === 'bytes') return new Uint8Array();
  return type === 'bool' ? false : 0;
}

/** The bytes of a single-field wrapper message (FieldsV1.Raw, RawExtension.raw). */
function wrappedBytes(type: MessageType, bytes: Uint8Array): Uint8Array | undefined {
  const [values] = readFields(type, bytes).values();
  const raw = lastValue(values);
  return raw instanceof Uint8Array && raw.length > 0 ? raw : undefined;
}

/** The JSON form of a message value; undefined for a value Go would leave out (a zero time). */
export function messageJson(type: MessageType, bytes: Uint8Array): unknown {
  switch (messageName(type)) {
    case WELL_KNOWN.time:
    case WELL_KNOWN.microTime: {
      if (bytes.length === 0) return undefined;
      const ts = decodeMessage(type, bytes);
      const seconds = typeof ts['seconds'] === 'number' ? ts['seconds'] : 0;
      const nanos = typeof ts['nanos'] === 'number' ? ts['nanos'] : 0;
      return messageName(type) === WELL_KNOWN.time
        ? formatTime(seconds)
        : formatMicroTime(seconds, nanos);
    }
    case WELL_KNOWN.quantity: {
      const q = decodeMessage(type, bytes);
      return typeof q['string'] === 'string' ? q['string'] : '0';
    }
    case WELL_KNOWN.intOrString: {
      const v = decodeMessage(type, bytes);
      return v['type'] === 1 ? (v['strVal'] ?? '') : (v['intVal'] ?? 0);
    }
    case WELL_KNOWN.fieldsV1: {
      const raw = wrappedBytes(type, bytes);
      return raw && parseJson(raw, 'FieldsV1');
    }
    case WELL_KNOWN.rawExtension: {
      const raw = wrappedBytes(type, bytes);
      return raw && decodeEmbedded(raw);
    }
    case JSON_FORMS.json: {
      // JSON.MarshalJSON: the raw text, or null when there is none.
      const raw = wrappedBytes(type, bytes);
      return raw ? parseJson(raw, 'JSON') : null;
    }
    case JSON_FORMS.propsOrArray: {
      // JSONSchemaPropsOrArray.MarshalJSON: the schemas when there are any, else the schema.
      const v = decodeMessage(type, bytes);
      return nonEmptyList(v['jSONSchemas']) ?? v['schema'] ?? null;
    }
    case JSON_FORMS.propsOrBool: {
      // JSONSchemaPropsOrBool.MarshalJSON: the schema when set, else allows.
      const v = decodeMessage(type, bytes);
      return v['schema'] ?? v['allows'] === true;
    }
    case JSON_FORMS.propsOrStringArray: {
      // JSONSchemaPropsOrStringArray.MarshalJSON: the strings when there are any, else the schema.
      const v = decodeMessage(type, bytes);
      return nonEmptyList(v['property']) ?? v['schema'] ?? null;
    }
    default:
      return decodeMessage(type, bytes);
  }
}

function nonEmptyList(value: unknown): unknown[] | undefined {
  return Array.isArray(value) && value.length > 0 ? value : undefined;
}

/** RawExtension's bytes: an object in its own envelope (protobuf streams) or JSON. */
function decodeEmbedded(raw: Uint8Array): unknown {
  if (!hasMagic(raw)) return parseJson(raw, 'RawExtension');
  const envelope = unwrapEnvelope(raw);
  const type = messageForKind(envelope.apiVersion, envelope.kind);
  if (!type) {
    throw new WireError(
      `no protobuf schema for kind "${envelope.kind}" in version "${envelope.apiVersion}"`,
    );
  }
  return {
    apiVersion: envelope.apiVersion,
    kind: envelope.kind,
    ...decodeMessage(type, envelope.raw),
  };
}

function parseJson(raw: Uint8Array, what: string): unknown {
  try {
    return JSON.parse(Buffer.from(raw).toString('utf8')) as unknown;
  } catch {
    throw new WireError(`proto: ${what} does not hold JSON`);
  }
}
