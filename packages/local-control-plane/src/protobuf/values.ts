// JSON forms of the scalar-like apimachinery values, as Go's encoding/json
// writes them: metav1.Time (RFC 3339, whole seconds, UTC), metav1.MicroTime
// (RFC 3339 with six fractional digits, UTC) and []byte (standard base64).

/** Bytes that do not match the schema. Messages follow gogo-protobuf's wording. */
export class WireError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WireError';
  }
}

/** Seconds since the epoch of Go's zero time.Time (0001-01-01T00:00:00Z). */
export const GO_ZERO_TIME_SECONDS = -62135596800;

function isoSeconds(seconds: number): string {
  const date = new Date(seconds * 1000);
  if (Number.isNaN(date.getTime())) throw new WireError(`proto: time out of range: ${seconds}s`);
  return date.toISOString().replace(/\.\d{3}Z$/, '');
}

/** metav1.Time's JSON: `2006-01-02T15:04:05Z`. Go's Time drops nanos on the wire. */
export function formatTime(seconds: number): string {
  return `${isoSeconds(seconds)}Z`;
}

/** metav1.MicroTime's JSON: `2006-01-02T15:04:05.000000Z`. */
export function formatMicroTime(seconds: number, nanos: number): string {
  const carry = Math.floor(nanos / 1e9);
  const ns = nanos - carry * 1e9;
  const micros = String(Math.floor(ns / 1000)).padStart(6, '0');
  return `${isoSeconds(seconds + carry)}.${micros}Z`;
}

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/** Parses an RFC 3339 timestamp (as Go's time.Parse does); undefined when it is not one. */
export function parseTime(value: string): { seconds: number; nanos: number } | undefined {
  const m = RFC3339.exec(value);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) {
    return undefined;
  }
  // setUTCFullYear keeps years below 100 literal (Date.UTC would map them to 19xx).
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  if (date.getUTCDate() !== day) return undefined;
  date.setUTCHours(hour, minute, second, 0);
  let seconds = date.getTime() / 1000;
  if (!m[8]) {
    const offset = (Number(m[10]) * 60 + Number(m[11])) * 60;
    seconds -= m[9] === '+' ? offset : -offset;
  }
  const nanos = m[7] ? Number(m[7].padEnd(9, '0')) : 0;
  return { seconds, nanos };
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Standard, padded base64 (what Go's encoding/json accepts for []byte); undefined if invalid. */
export function decodeBase64(value: string): Uint8Array | undefined {
  return BASE64.test(value) ? new Uint8Array(Buffer.from(value, 'base64')) : undefined;
}

export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}
