// The envelope every protobuf body travels in (k8s.io/apimachinery/pkg/runtime/
// serializer/protobuf/protobuf.go): the four magic bytes `k8s\0`, then a
// runtime.Unknown whose typeMeta names the apiVersion and kind and whose `raw`
// holds the object's own message (encode.ts writes it). Unknown's
// contentEncoding and contentType are ignored on read, as kube-apiserver does.
import { fieldById, lookupMessage, type FieldInfo, type MessageType } from './schema.ts';
import { WireError } from './values.ts';
import { lastValue, readFields } from './wire.ts';

/** `k8s` then 0x00, the only encoding style defined (a runtime.Unknown follows). */
export const MAGIC = Uint8Array.of(0x6b, 0x38, 0x73, 0x00);

const unknownType = lookupMessage('k8s.io.apimachinery.pkg.runtime.Unknown');
const typeMetaType = lookupMessage('k8s.io.apimachinery.pkg.runtime.TypeMeta');

export interface Envelope {
  apiVersion: string;
  kind: string;
  raw: Uint8Array;
}

export function hasMagic(body: Uint8Array): boolean {
  return body.length >= MAGIC.length && MAGIC.every((b, i) => body[i] === b);
}

/**
 * Opens the envelope. Errors carry the serializer's own wording (protobuf.go's
 * Decode): "empty data", "provided data does not appear to be a protobuf
 * message, expected prefix [107 56 115 0]", "empty body", or the Unknown's
 * unmarshal error.
 */
export function unwrapEnvelope(body: Uint8Array): Envelope {
  if (body.length === 0) throw new WireError('empty data');
  if (!hasMagic(body)) {
    throw new WireError(
      `provided data does not appear to be a protobuf message, expected prefix [${MAGIC.join(' ')}]`,
    );
  }
  if (body.length === MAGIC.length) throw new WireError('empty body');
  const fields = readFields(unknownType, body.subarray(MAGIC.length));
  let apiVersion = '';
  let kind = '';
  for (const chunk of fields.get(field(unknownType, 1)) ?? []) {
    const meta = readFields(typeMetaType, chunk as Uint8Array);
    apiVersion = String(lastValue(meta.get(field(typeMetaType, 1))) ?? apiVersion);
    kind = String(lastValue(meta.get(field(typeMetaType, 2))) ?? kind);
  }
  const raw = lastValue(fields.get(field(unknownType, 2))) as Uint8Array | undefined;
  return { apiVersion, kind, raw: raw ?? new Uint8Array() };
}

function field(type: MessageType, id: number): FieldInfo {
  const info = fieldById(type, id);
  if (!info) throw new Error(`protobuf schema: ${type.name} has no field ${id}`);
  return info;
}

/**
 * kube-apiserver's summary of a body it could not decode (handlers/rest.go
 * summarizeData): the first 30 bytes, as text when it looks like JSON, else hex.
 */
export function summarizeData(data: Uint8Array, maxLength = 30): string {
  if (data.length === 0) return '<empty>';
  const head = data.subarray(0, maxLength);
  const more = data.length > maxLength ? ' ...' : '';
  if (data[0] === 0x7b) return Buffer.from(head).toString('utf8') + more;
  return Buffer.from(head).toString('hex') + more;
}
