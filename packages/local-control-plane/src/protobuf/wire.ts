// Reading a message off the wire field by field, checked against the schema.
//
// Unlike Go's generated code (which skips field numbers it does not know), a
// field number the schema lacks is an error naming the message and the number:
// the local control plane would otherwise drop data a client sent without
// anyone noticing. Other errors use gogo-protobuf's wording (see
// k8s.io/apimachinery/pkg/runtime/generated.pb.go: "proto: wrong wireType = %d
// for field %s", "proto: illegal wireType %d", io.ErrUnexpectedEOF, …).
import protobuf from 'protobufjs';
import { fieldById, messageName, type FieldInfo, type MessageType } from './schema.ts';
import { WireError } from './values.ts';

/** Protobuf wire types. */
export const WIRE = { varint: 0, fixed64: 1, bytes: 2, fixed32: 5 } as const;

const basicWireTypes = protobuf.types.basic as Record<string, number | undefined>;
const packable = protobuf.types.packed as Record<string, number | undefined>;

/** The wire type a field's values use (length-delimited for messages, maps, strings, bytes). */
export function wireTypeOf(field: FieldInfo): number {
  if (field.message || field.mapKey) return WIRE.bytes;
  const wt = basicWireTypes[field.type];
  if (wt === undefined) throw new Error(`protobuf schema: unsupported field type ${field.type}`);
  return wt;
}

export function longToNumber(value: protobuf.Long | number): number {
  if (typeof value === 'number') return value;
  return protobuf.util.LongBits.from(value).toNumber(value.unsigned);
}

/** A scalar as JavaScript: numbers for every integer width, Uint8Array for bytes. */
export type Scalar = string | number | boolean | Uint8Array;

function readScalar(reader: protobuf.Reader, type: string): Scalar {
  switch (type) {
    case 'string':
      return reader.string();
    case 'bytes':
      return reader.bytes();
    case 'bool':
      return reader.bool();
    case 'int32':
      return reader.int32();
    case 'uint32':
      return reader.uint32();
    case 'sint32':
      return reader.sint32();
    case 'int64':
      return longToNumber(reader.int64());
    case 'uint64':
      return longToNumber(reader.uint64());
    case 'sint64':
      return longToNumber(reader.sint64());
    case 'fixed32':
      return reader.fixed32();
    case 'sfixed32':
      return reader.sfixed32();
    case 'fixed64':
      return longToNumber(reader.fixed64());
    case 'sfixed64':
      return longToNumber(reader.sfixed64());
    case 'double':
      return reader.double();
    case 'float':
      return reader.float();
    default:
      throw new Error(`protobuf schema: unsupported field type ${type}`);
  }
}

/**
 * The values of each field present in `buf`, in wire order: the raw bytes of
 * message and map-entry fields, decoded scalars otherwise.
 */
export function readFields(
  type: MessageType,
  buf: Uint8Array,
): Map<FieldInfo, (Scalar | Uint8Array)[]> {
  const reader = protobuf.Reader.create(buf);
  const fields = new Map<FieldInfo, (Scalar | Uint8Array)[]>();
  const short = type.name;
  try {
    while (reader.pos < reader.len) {
      const tag = reader.uint32();
      const id = tag >>> 3;
      const wireType = tag & 7;
      if (wireType === 4) throw new WireError(`proto: ${short}: wiretype end group for non-group`);
      if (id <= 0) throw new WireError(`proto: ${short}: illegal tag ${id} (wire type ${tag})`);
      if (wireType === 3 || wireType > 5) {
        throw new WireError(`proto: illegal wireType ${wireType}`);
      }
      const field = fieldById(type, id);
      if (!field) {
        throw new WireError(
          `proto: ${messageName(type)}: unknown field number ${id} (wire type ${wireType}); the local control plane's protobuf schema does not have it`,
        );
      }
      let values = fields.get(field);
      if (!values) fields.set(field, (values = []));
      const expected = wireTypeOf(field);
      if (wireType === expected) {
        const raw =
          field.mapKey !== undefined || field.message !== undefined || field.type === 'bytes';
        values.push(raw ? reader.bytes() : readScalar(reader, field.type));
      } else if (wireType === WIRE.bytes && field.repeated && packable[field.type] !== undefined) {
        // A packed run of numbers: accepted for repeated scalars, as proto2 parsers must.
        const packed = protobuf.Reader.create(reader.bytes());
        while (packed.pos < packed.len) values.push(readScalar(packed, field.type));
      } else {
        throw new WireError(`proto: wrong wireType = ${wireType} for field ${field.jsonName}`);
      }
    }
  } catch (e) {
    // protobufjs reports reading past the end as a RangeError; Go says io.ErrUnexpectedEOF.
    if (e instanceof RangeError) throw new WireError('unexpected EOF');
    throw e;
  }
  return fields;
}

/**
 * One entry of a map field: a message {key = 1; value = 2} whose value has the
 * map's value type (message values come back as their bytes). Either part may
 * be absent, meaning its zero value.
 */
export function readMapEntry(field: FieldInfo, entry: Uint8Array): { key: string; value?: Scalar } {
  const reader = protobuf.Reader.create(entry);
  let key = '';
  let value: Scalar | undefined;
  const valueWireType = field.message ? WIRE.bytes : wireTypeOf({ ...field, mapKey: undefined });
  try {
    while (reader.pos < reader.len) {
      const tag = reader.uint32();
      const id = tag >>> 3;
      const wireType = tag & 7;
      if (id === 1 && wireType === WIRE.bytes) key = reader.string();
      else if (id === 2 && wireType === valueWireType) {
        value = field.message ? reader.bytes() : readScalar(reader, field.type);
      } else {
        throw new WireError(
          `proto: map ${field.jsonName}: unknown entry field number ${id} (wire type ${wireType})`,
        );
      }
    }
  } catch (e) {
    if (e instanceof RangeError) throw new WireError('unexpected EOF');
    throw e;
  }
  return value === undefined ? { key } : { key, value };
}

/** The value a singular field ends with: proto2's last-one-wins. */
export function lastValue<T>(values: readonly T[] | undefined): T | undefined {
  return values?.[values.length - 1];
}

/** Occurrences of a singular message field merge: decoding their concatenation does that. */
export function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}
