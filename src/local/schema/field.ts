// Field errors worded as k8s.io/apimachinery's field.Error renders them: the
// type's label, the bad value as Go prints it, then the detail.
import type { RuleViolation } from '../../kube/cel.ts';
import type { FieldError } from '../errors.ts';

export { child, index, key } from '../../kube/field-path.ts';

/** How a nil field.Path prints: the path of errors about the object root. */
export const ROOT_FIELD = '<nil>';

/** The field of an error: the root prints as `<nil>`. */
export function fieldOf(path: string): string {
  return path === '' ? ROOT_FIELD : path;
}

/** Go's strconv.Quote for the strings a JSON value can hold. */
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
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + '"';
}

/** Go's %v of a float64 (strconv 'g', shortest): 1e+06, 1.5, 65535. */
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

/** Go's %v of a JSON number as the decoder types it: int64 when integral, else float64. */
export function goNumber(n: number): string {
  return Number.isInteger(n) && Math.abs(n) < 2 ** 63 ? BigInt(n).toString() : goFloat(n);
}

/** Go's %#v of a decoded JSON value held in an interface{}. */
export function goSharpV(v: unknown): string {
  if (v === null || v === undefined) return 'interface {}(nil)';
  if (typeof v === 'string') return goQuote(v);
  if (typeof v === 'number') return goNumber(v);
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[]interface {}{${v.map(goSharpV).join(', ')}}`;
  if (typeof v === 'object') {
    const entries = Object.keys(v)
      .sort()
      .map((k) => `${goQuote(k)}:${goSharpV((v as Record<string, unknown>)[k])}`);
    return `map[string]interface {}{${entries.join(', ')}}`;
  }
  return JSON.stringify(v) ?? '';
}

/** A value field.Error prints verbatim (a Go-rendered struct or slice). */
export class GoLiteral {
  constructor(readonly text: string) {}
}

/** field.Error.ErrorBody's rendering of a bad value. */
export function badValue(v: unknown): string {
  if (v instanceof GoLiteral) return v.text;
  if (v === null || v === undefined) return '"null"';
  if (typeof v === 'string') return goQuote(v);
  if (typeof v === 'number') return goNumber(v);
  if (typeof v === 'boolean') return String(v);
  return goSharpV(v);
}

/** Go's encoding/json of a JSON value (map keys sorted), as enum values are quoted. */
export function goJson(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return `[${v.map(goJson).join(',')}]`;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${goJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

function withDetail(body: string, detail: string): string {
  return detail ? `${body}: ${detail}` : body;
}

// Constructors named after field.Required, field.Invalid, ... taking a path
// string ('' for the root) and producing the message ErrorBody would.
export const fieldError = {
  required: (path: string, detail = ''): FieldError => ({
    type: 'FieldValueRequired',
    field: fieldOf(path),
    message: withDetail('Required value', detail),
  }),
  forbidden: (path: string, detail: string): FieldError => ({
    type: 'FieldValueForbidden',
    field: fieldOf(path),
    message: withDetail('Forbidden', detail),
  }),
  invalid: (path: string, value: unknown, detail: string): FieldError => ({
    type: 'FieldValueInvalid',
    field: fieldOf(path),
    message: withDetail(`Invalid value: ${badValue(value)}`, detail),
  }),
  typeInvalid: (path: string, value: unknown, detail: string): FieldError => ({
    type: 'FieldValueTypeInvalid',
    field: fieldOf(path),
    message: withDetail(`Invalid value: ${badValue(value)}`, detail),
  }),
  notSupported: (path: string, value: unknown, valid: string[]): FieldError => ({
    type: 'FieldValueNotSupported',
    field: fieldOf(path),
    message: withDetail(
      `Unsupported value: ${badValue(value)}`,
      valid.length ? `supported values: ${valid.map(goQuote).join(', ')}` : '',
    ),
  }),
  duplicate: (path: string, value: unknown): FieldError => ({
    type: 'FieldValueDuplicate',
    field: fieldOf(path),
    message: `Duplicate value: ${badValue(value)}`,
  }),
  /** field.TooLong (kube 1.32+): the value is never shown. */
  tooLong: (path: string, max: number): FieldError => ({
    type: 'FieldValueTooLong',
    field: fieldOf(path),
    message:
      max >= 0
        ? `Too long: may not be more than ${max} ${max === 1 ? 'byte' : 'bytes'}`
        : 'Too long: value is too long',
  }),
  tooMany: (path: string, actual: number, max: number): FieldError => ({
    type: 'FieldValueTooMany',
    field: fieldOf(path),
    message: `Too many${actual >= 0 ? `: ${actual}` : ''}: ${
      max >= 0 ? `must have at most ${max} ${max === 1 ? 'item' : 'items'}` : 'has too many items'
    }`,
  }),
  /** field.InternalError; FieldErrorType has no InternalError, so it travels as Invalid. */
  internal: (path: string, detail: string): FieldError => ({
    type: 'FieldValueInvalid',
    field: fieldOf(path),
    message: `Internal error: ${detail}`,
  }),
};

/** The field errors of failed CEL rules (fieldErrorForReason: the type a rule's `reason` asks for). */
export function ruleFieldErrors(violations: readonly RuleViolation[]): FieldError[] {
  return violations.map((v) => {
    switch (v.type) {
      case 'FieldValueForbidden':
        return fieldError.forbidden(v.path, v.detail);
      case 'FieldValueRequired':
        return fieldError.required(v.path, v.detail);
      case 'FieldValueDuplicate':
        return fieldError.duplicate(v.path, v.value);
      default:
        return fieldError.invalid(v.path, v.value, v.detail);
    }
  });
}
