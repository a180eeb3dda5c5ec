// How Go prints values decoded from JSON, for the messages Kubernetes builds
// with fmt, strconv and encoding/json: strconv.Quote (%q), the float and
// integer forms of %v, %v and %#v of an interface{}, %T, and json.Marshal.
// Numbers are typed as apimachinery's JSON decoder (util/json) types them:
// int64 when integral, else float64.
import { isObject } from './json.ts';

// Go's unicode.IsPrint is false for these (besides the ASCII space).
const NON_PRINTABLE = /[\p{C}\p{Z}]/u;

const hex = (code: number, width: number) => code.toString(16).padStart(width, '0');

/** strconv.Quote (and %q, %#v) of a string. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code === 7) out += '\\a';
    else if (code === 8) out += '\\b';
    else if (code === 12) out += '\\f';
    else if (code === 11) out += '\\v';
    else if (code < 0x20 || code === 0x7f) out += `\\x${hex(code, 2)}`;
    // A lone surrogate is not valid UTF-8: Go's decoder made it U+FFFD.
    else if (code >= 0xd800 && code <= 0xdfff) out += '\ufffd';
    else if (code !== 0x20 && NON_PRINTABLE.test(ch)) {
      out += code < 0x10000 ? `\\u${hex(code, 4)}` : `\\U${hex(code, 8)}`;
    } else out += ch;
  }
  return out + '"';
}

/** strconv.FormatFloat(n, 'g', -1, 64), Go's %v of a float64: 1e+06, 1.5, 65535, -0. */
export function goFloat(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? '+Inf' : '-Inf';
  if (n === 0) return Object.is(n, -0) ? '-0' : '0';
  const [mantissa, expText] = n.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  // Shortest %g uses the exponent form below 1e-4 and from 1e+06 on.
  if (exp >= -4 && exp < 6) return String(n);
  return `${mantissa}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
}

/** strconv.FormatFloat(n, 'g', -1, 32): the shortest digits that read back as the same float32. */
export function goFloat32(n: number): string {
  const f = Math.fround(n);
  if (f === 0 || !Number.isFinite(f)) return goFloat(f);
  let p = 1;
  while (p < 9 && Math.fround(Number(f.toPrecision(p))) !== f) p++;
  return goFloat(Number(f.toPrecision(p)));
}

/** Go's %v of a JSON number as the decoder types it: int64 when integral, else float64. */
export function goNumber(n: number): string {
  return Number.isInteger(n) && Math.abs(n) < 2 ** 63 ? BigInt(n).toString() : goFloat(n);
}

/** Go's %v of a value decoded from JSON into interface{}: map[a:1 b:[x y]], <nil>. */
export function goFormat(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (Array.isArray(value)) return `[${value.map(goFormat).join(' ')}]`;
  if (isObject(value)) {
    const keys = Object.keys(value).sort();
    return `map[${keys.map((key) => `${key}:${goFormat(value[key])}`).join(' ')}]`;
  }
  if (typeof value === 'string') return value;
  return goScalar(value);
}

/** %v and %#v of a number or a bool. */
function goScalar(value: unknown): string {
  if (typeof value === 'number') return goNumber(value);
  if (typeof value === 'boolean') return String(value);
  return JSON.stringify(value) ?? '';
}

/** Go's %#v of a value decoded from JSON into interface{}. */
export function goSharpV(value: unknown): string {
  if (value === null || value === undefined) return 'interface {}(nil)';
  if (typeof value === 'string') return goQuote(value);
  if (Array.isArray(value)) return `[]interface {}{${value.map(goSharpV).join(', ')}}`;
  if (isObject(value)) {
    const entries = Object.keys(value)
      .sort()
      .map((k) => `${goQuote(k)}:${goSharpV(value[k])}`);
    return `map[string]interface {}{${entries.join(', ')}}`;
  }
  return goScalar(value);
}

/** Go's %#v of a []string: []string{"a", "b"}, or []string(nil) when empty. */
export function goStrings(values: readonly string[] | undefined): string {
  return values?.length ? `[]string{${values.map(goQuote).join(', ')}}` : '[]string(nil)';
}

/** The reflect type name (%T) Go prints for a value decoded from JSON into interface{}. */
export function goTypeName(value: unknown): string {
  if (value === null || value === undefined) return '%!s(<nil>)';
  if (Array.isArray(value)) return '[]interface {}';
  if (isObject(value)) return 'map[string]interface {}';
  if (typeof value === 'number') return 'float64';
  return typeof value;
}

/** The JSON type name encoding/json uses in "cannot unmarshal X into ..." errors. */
export function jsonKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'boolean') return 'bool';
  return typeof value;
}

const HTML_UNSAFE: Record<string, string> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

/** encoding/json's Marshal of a JSON value: map keys sorted, <, >, & (and U+2028/9) escaped. */
export function goJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(goJson).join(',')}]`;
  if (isObject(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${goJson(k)}:${goJson(value[k])}`).join(',')}}`;
  }
  const text = JSON.stringify(value) ?? 'null';
  return typeof value === 'string'
    ? text.replace(/[<>&\u2028\u2029]/g, (c) => HTML_UNSAFE[c]!)
    : text;
}
