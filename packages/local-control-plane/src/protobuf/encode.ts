// JSON → wire: the inverse of decode.ts, with the same rules in reverse. Every
// field present in the JSON is written (zeros too: a pointer field set to zero
// must survive); null means absent. A JSON key the schema does not know is an
// error naming its path, never silently dropped.
import protobuf from 'protobufjs';
import { isObject } from '@mcp-operator/kube-core/json';
import { MAGIC } from './envelope.ts';
import {
  JSON_FORMS,
  WELL_KNOWN,
  fieldById,
  fieldsOf,
  isKindMessage,
  lookupMessage,
  messageForKind,
  messageName,
  type FieldInfo,
  type MessageType,
} from './schema.ts';
import { GO_ZERO_TIME_SECONDS, decodeBase64, parseTime } from './values.ts';
import { WIRE, wireTypeOf } from './wire.ts';

/** A JSON value that cannot be written with the schema; `path` says where. */
export class EncodeError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
    this.name = 'EncodeError';
  }
}

/** Encodes a JSON object as a message of `type`. */
export function encodeMessage(type: MessageType, json: unknown, path: string): Uint8Array {
  const writer = protobuf.Writer.create();
  writeFields(writer, type, json, path);
  return writer.finish();
}

/** The JSON keys a message owns, with those of its inline (embedded) fields. */
function jsonKeys(type: MessageType): Set<string> {
  const keys = new Set<string>();
  for (const f of fieldsOf(type)) {
    if (f.inline && f.message) for (const k of jsonKeys(f.message)) keys.add(k);
    else keys.add(f.jsonName);
  }
  return keys;
}

function writeFields(
  writer: protobuf.Writer,
  type: MessageType,
  json: unknown,
  path: string,
): void {
  if (!isObject(json)) throw new EncodeError(path, `expected an object for ${messageName(type)}`);
  const known = jsonKeys(type);
  for (const key of Object.keys(json)) {
    if (known.has(key)) continue;
    // Objects in lists may carry their own apiVersion and kind; the envelope has them.
    if ((key === 'apiVersion' || key === 'kind') && isKindMessage(type)) continue;
    throw new EncodeError(`${path}.${key}`, `${messageName(type)} has no such field`);
  }
  for (const field of fieldsOf(type)) {
    if (field.inline && field.message) {
      const own = jsonKeys(field.message);
      const part = Object.fromEntries(Object.entries(json).filter(([k]) => own.has(k)));
      if (Object.keys(part).length === 0) continue;
      writer.uint32((field.id << 3) | WIRE.bytes).fork();
      writeFields(writer, field.message, part, path);
      writer.ldelim();
      continue;
    }
    const value = json[field.jsonName];
    if (value === undefined || value === null) continue;
    writeField(writer, field, value, `${path}.${field.jsonName}`);
  }
}

function writeField(writer: protobuf.Writer, field: FieldInfo, value: unknown, path: string): void {
  if (field.mapKey) {
    if (!isObject(value)) throw new EncodeError(path, 'expected an object (a map)');
    // Sorted keys, as Go's generated marshallers write maps.
    for (const key of Object.keys(value).sort()) {
      const item = value[key];
      if (item === undefined) continue;
      writer.uint32((field.id << 3) | WIRE.bytes).fork();
      writer.uint32((1 << 3) | WIRE.bytes).string(key);
      writeValue(writer, 2, field, item, `${path}[${JSON.stringify(key)}]`);
      writer.ldelim();
    }
  } else if (field.repeated) {
    if (!Array.isArray(value)) throw new EncodeError(path, 'expected an array');
    value.forEach((item: unknown, i) => writeValue(writer, field.id, field, item, `${path}[${i}]`));
  } else {
    writeValue(writer, field.id, field, value, path);
  }
}

/** Writes one value (of a field, a list item or a map entry's value) under field number `id`. */
function writeValue(
  writer: protobuf.Writer,
  id: number,
  field: FieldInfo,
  value: unknown,
  path: string,
): void {
  if (field.message) {
    const bytes = messageBytes(field.message, value, path);
    if (bytes) writer.uint32((id << 3) | WIRE.bytes).bytes(bytes);
    return;
  }
  const wireType = wireTypeOf({ ...field, mapKey: undefined });
  writer.uint32((id << 3) | wireType);
  switch (field.type) {
    case 'string':
      if (typeof value !== 'string') throw new EncodeError(path, 'expected a string');
      writer.string(value);
      return;
    case 'bool':
      if (typeof value !== 'boolean') throw new EncodeError(path, 'expected a boolean');
      writer.bool(value);
      return;
    case 'bytes': {
      // Base64 in JSON; the codec itself also passes raw bytes (envelopes, FieldsV1).
      const bytes =
        value instanceof Uint8Array
          ? value
          : typeof value === 'string'
            ? decodeBase64(value)
            : undefined;
      if (!bytes) throw new EncodeError(path, 'expected base64-encoded bytes');
      writer.bytes(bytes);
      return;
    }
    case 'double':
    case 'float':
      if (typeof value !== 'number') throw new EncodeError(path, 'expected a number');
      writer[field.type](value);
      return;
    default:
      if (typeof value !== 'number' || !Number.isInteger(value)) {
        throw new EncodeError(path, 'expected an integer');
      }
      writeInteger(writer, field.type, value);
  }
}

function writeInteger(writer: protobuf.Writer, type: string, value: number): void {
  switch (type) {
    case 'int32':
      writer.int32(value);
      return;
    case 'uint32':
      writer.uint32(value);
      return;
    case 'sint32':
      writer.sint32(value);
      return;
    case 'int64':
      writer.int64(value);
      return;
    case 'uint64':
      writer.uint64(value);
      return;
    case 'sint64':
      writer.sint64(value);
      return;
    default:
      throw new Error(`protobuf schema: unsupported field type ${type}`);
  }
}

/**
 * The bytes of a message value from its JSON form; undefined to leave it out
 * (Go's zero time). The well-known types are first put in their message shape.
 */
function messageBytes(type: MessageType, value: unknown, path: string): Uint8Array | undefined {
  const form = jsonFormBytes(type, value, path);
  if (form) return form;
  const fields = wellKnownFields(type, value, path);
  if (fields === null) return undefined;
  const writer = protobuf.Writer.create();
  writeFields(writer, type, fields ?? value, path);
  return writer.finish();
}

/**
 * The message-shaped value of a well-known type's JSON (null: leave it out),
 * or undefined for an ordinary message.
 */
function wellKnownFields(
  type: MessageType,
  value: unknown,
  path: string,
): Record<string, unknown> | null | undefined {
  switch (messageName(type)) {
    case WELL_KNOWN.time:
    case WELL_KNOWN.microTime: {
      const t = typeof value === 'string' ? parseTime(value) : undefined;
      if (!t) throw new EncodeError(path, 'expected an RFC 3339 timestamp');
      if (t.seconds === GO_ZERO_TIME_SECONDS && t.nanos === 0) return null;
      // metav1.Time carries whole seconds only (time_proto.go leaves nanos out);
      // MicroTime's JSON has microseconds.
      const nanos = messageName(type) === WELL_KNOWN.microTime ? t.nanos - (t.nanos % 1000) : 0;
      return nanos ? { seconds: t.seconds, nanos } : { seconds: t.seconds };
    }
    case WELL_KNOWN.quantity:
      // Go's Quantity accepts a JSON number too; on the wire it is always the string.
      if (typeof value !== 'string' && typeof value !== 'number') {
        throw new EncodeError(path, 'expected a quantity (string or number)');
      }
      return { string: String(value) };
    case WELL_KNOWN.intOrString:
      if (typeof value === 'number' && Number.isInteger(value)) return { type: 0, intVal: value };
      if (typeof value === 'string') return { type: 1, strVal: value };
      throw new EncodeError(path, 'expected an integer or a string');
    case WELL_KNOWN.fieldsV1:
      if (!isObject(value)) throw new EncodeError(path, 'expected an object (FieldsV1)');
      return { Raw: Buffer.from(JSON.stringify(value)) };
    case WELL_KNOWN.rawExtension:
      return { raw: embeddedBytes(value, path) };
    default:
      return undefined;
  }
}

/**
 * The bytes of an apiextensions v1 JSON or JSONSchemaPropsOr* value (JSON_FORMS
 * in schema.ts), read from its JSON as the type's UnmarshalJSON reads it, then
 * written as Go's marshaller writes the Go value; undefined for other messages.
 * Errors name the JSON path, never the wrapper's fields.
 */
function jsonFormBytes(type: MessageType, value: unknown, path: string): Uint8Array | undefined {
  const writer = protobuf.Writer.create();
  // A JSONSchemaProps in field `id` of the union, its errors under the union's own path.
  const nested = (id: number, json: unknown, at: string): void => {
    const schema = fieldById(type, id)?.message;
    if (!schema) {
      throw new Error(`protobuf schema: ${messageName(type)} has no message field ${id}`);
    }
    writer.uint32((id << 3) | WIRE.bytes).bytes(encodeMessage(schema, json, at));
  };
  switch (messageName(type)) {
    case JSON_FORMS.json:
      // JSON.UnmarshalJSON keeps the text; null leaves Raw nil, which is not written.
      if (value === undefined) throw new EncodeError(path, 'expected a JSON value');
      if (value !== null) {
        writer.uint32((1 << 3) | WIRE.bytes).bytes(Buffer.from(JSON.stringify(value)));
      }
      return writer.finish();
    case JSON_FORMS.propsOrArray:
      // An object is the schema (field 1), an array the schemas (field 2).
      if (Array.isArray(value)) {
        value.forEach((item: unknown, i) => nested(2, item, `${path}[${i}]`));
      } else if (isObject(value)) nested(1, value, path);
      else throw new EncodeError(path, 'expected a schema or an array of schemas');
      return writer.finish();
    case JSON_FORMS.propsOrBool:
      // A boolean is allows (field 1); a schema sets allows too (UnmarshalJSON does).
      if (typeof value === 'boolean') writer.uint32((1 << 3) | WIRE.varint).bool(value);
      else if (isObject(value)) {
        writer.uint32((1 << 3) | WIRE.varint).bool(true);
        nested(2, value, path);
      } else throw new EncodeError(path, 'expected a boolean or a schema');
      return writer.finish();
    case JSON_FORMS.propsOrStringArray:
      // An object is the schema (field 1), an array of strings the property list (field 2).
      if (Array.isArray(value)) {
        value.forEach((item: unknown, i) => {
          if (typeof item !== 'string') throw new EncodeError(`${path}[${i}]`, 'expected a string');
          writer.uint32((2 << 3) | WIRE.bytes).string(item);
        });
      } else if (isObject(value)) nested(1, value, path);
      else throw new EncodeError(path, 'expected a schema or an array of strings');
      return writer.finish();
    default:
      return undefined;
  }
}

/** A RawExtension holds a built-in object in its own envelope, anything else as JSON. */
function embeddedBytes(value: unknown, path: string): Uint8Array {
  if (
    isObject(value) &&
    typeof value['apiVersion'] === 'string' &&
    typeof value['kind'] === 'string'
  ) {
    const type = messageForKind(value['apiVersion'], value['kind']);
    if (type) return encodeEnvelope(type, value, path);
  }
  return Buffer.from(JSON.stringify(value));
}

const unknownType = lookupMessage('k8s.io.apimachinery.pkg.runtime.Unknown');

/**
 * An object with apiVersion and kind in its envelope: the magic, then
 * runtime.Unknown{typeMeta: {apiVersion, kind}, raw: the object's message}.
 * Go also writes contentEncoding and contentType, empty; readers ignore them.
 */
export function encodeEnvelope(
  type: MessageType,
  object: Record<string, unknown>,
  path: string,
): Uint8Array {
  const typeMeta = { apiVersion: String(object['apiVersion']), kind: String(object['kind']) };
  const raw = encodeMessage(type, object, path);
  const unknown = encodeMessage(unknownType, { typeMeta, raw }, 'Unknown');
  const out = new Uint8Array(MAGIC.length + unknown.length);
  out.set(MAGIC);
  out.set(unknown, MAGIC.length);
  return out;
}
