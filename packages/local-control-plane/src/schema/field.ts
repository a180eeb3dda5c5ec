// Field errors worded as k8s.io/apimachinery's field.Error renders them: the
// type's label, the bad value as Go prints it, then the detail.
import type { RuleViolation } from '@mcp-operator/kube-core/cel';
import type { FieldError } from '../errors.ts';
import { goQuote, goSharpV } from '@mcp-operator/kube-core/go-format';

export { child, index, key } from '@mcp-operator/kube-core/field-path';

/** How a nil field.Path prints: the path of errors about the object root. */
export const ROOT_FIELD = '<nil>';

/** The field of an error: the root prints as `<nil>`. */
export function fieldOf(path: string): string {
  return path === '' ? ROOT_FIELD : path;
}

/** A value field.Error prints verbatim (a Go-rendered struct or slice). */
export class GoLiteral {
  constructor(readonly text: string) {}
}

/** field.Error.ErrorBody's rendering of a bad value. */
export function badValue(v: unknown): string {
  if (v instanceof GoLiteral) return v.text;
  if (v === null || v === undefined) return '"null"';
  // Strings as %q, numbers and bools as %v, the rest as %#v: what %#v prints for each.
  return goSharpV(v);
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
