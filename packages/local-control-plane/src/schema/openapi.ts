// OpenAPI value validation as kube-openapi's SchemaValidator runs it for a
// custom resource, with apiextensions-apiserver's conversion of its results to
// field errors. Paths follow kube-openapi (`spec.tools[0].name`, map entries
// `spec.labels.key`); messages name the path "in body" as it does.
import type { FieldError } from '../errors.ts';
import { fieldError } from './field.ts';
import { goFloat, goJson, goNumber, goQuote } from '@mcp-operator/kube-core/go-format';
import { isSupportedFormat, matchesFormat } from './formats.ts';
import { compileRegexp } from '@mcp-operator/kube-core/re2';
import { mapValueSchema, type StructuralSchema } from '@mcp-operator/kube-core/structural';
import { deepEqual, isObject } from '@mcp-operator/kube-core/json';

type Kind = 'string' | 'int' | 'float' | 'bool' | 'array' | 'object';

function kindOf(v: unknown): Kind {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return 'array';
  return 'object';
}

/** The JSON type and go-openapi format the validator infers from a decoded value. */
const SCHEMA_TYPE: Record<Kind, [string, string]> = {
  string: ['string', ''],
  int: ['integer', 'int64'],
  float: ['number', 'float64'],
  bool: ['boolean', ''],
  array: ['array', ''],
  object: ['object', ''],
};

/** kube-openapi's error path becomes the field: a leading dot is trimmed, the root is nil. */
function fieldPath(name: string): string {
  return name.startsWith('.') ? name.slice(1) : name;
}

/** `<name> in body`, the subject of every kube-openapi message. */
function subject(name: string): string {
  return `${name} in body`;
}

function typesOf(s: StructuralSchema): string[] {
  if (s['x-kubernetes-int-or-string']) return ['integer', 'string'];
  return s.type ? [s.type] : [];
}

function invalidType(name: string, typeName: string, value: string): FieldError {
  return fieldError.typeInvalid(
    fieldPath(name),
    value,
    `${subject(name)} must be of type ${typeName}: ${goQuote(value)}`,
  );
}

function validateType(data: unknown, s: StructuralSchema, name: string): FieldError[] {
  const types = typesOf(s);
  const format = isSupportedFormat(s.format) ? s.format : '';
  if (types.length === 0 && !format) return [];
  if (data === null || data === undefined) {
    return types.length > 0 && !s.nullable ? [invalidType(name, types.join(','), 'null')] : [];
  }
  const kind = kindOf(data);
  const [schType, dataFormat] = SCHEMA_TYPE[kind];
  const isIntFloat = schType === 'integer' && types.includes('number');
  const numeric = types.includes('number') || types.includes('integer');
  if (
    kind !== 'string' &&
    kind !== 'array' &&
    format &&
    !(types.includes(schType) || dataFormat === format || isIntFloat)
  ) {
    return [invalidType(name, format, dataFormat)];
  }
  if (!numeric && format && (kind === 'string' || kind === 'array')) return [];
  if (!(types.includes(schType) || isIntFloat))
    return [invalidType(name, types.join(','), schType)];
  return [];
}

function validateString(data: string, s: StructuralSchema, name: string): FieldError[] {
  const length = [...data].length;
  if (s.maxLength !== undefined && length > s.maxLength) {
    return [fieldError.tooLong(fieldPath(name), s.maxLength)];
  }
  if (s.minLength !== undefined && length < s.minLength) {
    return [
      fieldError.invalid(
        fieldPath(name),
        data,
        `${subject(name)} should be at least ${s.minLength} chars long`,
      ),
    ];
  }
  if (s.pattern) {
    // kube-openapi compiles the pattern with Go's regexp: RE2.
    const re = compileRegexp(s.pattern);
    if (re instanceof Error) {
      const detail = `${s.pattern}, but pattern is invalid: ${re.message}`;
      return [
        fieldError.invalid(fieldPath(name), data, `${subject(name)} should match '${detail}'`),
      ];
    }
    if (!re.test(data)) {
      return [
        fieldError.invalid(fieldPath(name), data, `${subject(name)} should match '${s.pattern}'`),
      ];
    }
  }
  return [];
}

function validateFormat(data: string, s: StructuralSchema, name: string): FieldError[] {
  if (!isSupportedFormat(s.format) || matchesFormat(s.format, data)) return [];
  return [
    fieldError.typeInvalid(
      fieldPath(name),
      data,
      `${subject(name)} must be of type ${s.format}: ${goQuote(data)}`,
    ),
  ];
}

/** A bound as the message prints it: truncated to int64 for integer data, else a float64. */
function bound(value: number, integerData: boolean): string {
  return integerData ? goNumber(Math.trunc(value)) : goFloat(value);
}

function isJsonInteger(f: number): boolean {
  if (!Number.isFinite(f)) return false;
  const g = Math.trunc(f);
  return f === g || Math.abs(f - g) < 1e-9 * Math.max(1, Math.abs(f));
}

function validateNumber(data: number, s: StructuralSchema, name: string): FieldError[] {
  const errors: FieldError[] = [];
  const integer = Number.isInteger(data);
  const path = fieldPath(name);
  if (s.multipleOf !== undefined) {
    // Integer data against a fractional factor would divide by zero in kube-openapi; compare as floats.
    const intFactor = integer && Number.isInteger(s.multipleOf);
    const factor = s.multipleOf;
    if (factor < 0) {
      errors.push(
        fieldError.invalid(
          path,
          factor,
          `factor MultipleOf declared for ${name} must be positive: ${bound(factor, intFactor)}`,
        ),
      );
    } else {
      const ok = intFactor
        ? factor !== 0 && Math.trunc(data / factor) * factor === data
        : isJsonInteger(factor < 1 ? (1 / factor) * data : data / factor);
      if (!ok) {
        errors.push(
          fieldError.invalid(
            path,
            data,
            `${subject(name)} should be a multiple of ${bound(factor, intFactor)}`,
          ),
        );
      }
    }
  }
  if (s.minimum !== undefined) {
    const min = integer ? Math.trunc(s.minimum) : s.minimum;
    const below = s.exclusiveMinimum ? data <= min : data < min;
    if (below) {
      const op = s.exclusiveMinimum ? 'greater than' : 'greater than or equal to';
      errors.push(
        fieldError.invalid(path, data, `${subject(name)} should be ${op} ${bound(min, integer)}`),
      );
    }
  }
  if (s.maximum !== undefined) {
    const max = integer ? Math.trunc(s.maximum) : s.maximum;
    const above = s.exclusiveMaximum ? data >= max : data > max;
    if (above) {
      const op = s.exclusiveMaximum ? 'less than' : 'less than or equal to';
      errors.push(
        fieldError.invalid(path, data, `${subject(name)} should be ${op} ${bound(max, integer)}`),
      );
    }
  }
  return errors;
}

function validateArray(data: unknown[], s: StructuralSchema, name: string): FieldError[] {
  const errors: FieldError[] = [];
  if (s.items) {
    data.forEach((item, i) => errors.push(...validateNode(item, s.items!, `${name}[${i}]`)));
  }
  if (s.minItems !== undefined && data.length < s.minItems) {
    errors.push(
      fieldError.invalid(
        fieldPath(name),
        data.length,
        `${subject(name)} should have at least ${s.minItems} items`,
      ),
    );
  }
  if (s.maxItems !== undefined && data.length > s.maxItems) {
    errors.push(fieldError.tooMany(fieldPath(name), data.length, s.maxItems));
  }
  return errors;
}

function enumValue(v: unknown): string {
  return typeof v === 'string' ? v : goJson(v);
}

function validateEnum(data: unknown, s: StructuralSchema, name: string): FieldError[] {
  if (!s.enum?.length) return [];
  if (data !== null && data !== undefined && s.enum.some((e) => e !== null && deepEqual(e, data))) {
    return [];
  }
  return [fieldError.notSupported(fieldPath(name), data ?? null, s.enum.map(enumValue))];
}

function validateObject(
  data: Record<string, unknown>,
  s: StructuralSchema,
  name: string,
): FieldError[] {
  const keys = Object.keys(data);
  if (s.minProperties !== undefined && keys.length < s.minProperties) {
    return [
      fieldError.invalid(
        fieldPath(name),
        keys.length,
        `${subject(name)} should have at least ${s.minProperties} properties`,
      ),
    ];
  }
  if (s.maxProperties !== undefined && keys.length > s.maxProperties) {
    return [fieldError.tooMany(fieldPath(name), keys.length, s.maxProperties)];
  }
  const errors: FieldError[] = [];
  const properties = s.properties ?? {};
  if (s.additionalProperties === false) {
    for (const k of keys) {
      if (!(k in properties)) {
        errors.push(
          fieldError.invalid(fieldPath(name), k, `${name}.${k} in body is a forbidden property`),
        );
      }
    }
  } else {
    const valueSchema = mapValueSchema(s);
    if (valueSchema) {
      for (const k of keys) {
        if (!(k in properties)) errors.push(...validateNode(data[k], valueSchema, `${name}.${k}`));
      }
    }
  }
  for (const [property, propertySchema] of Object.entries(properties)) {
    if (property in data) {
      errors.push(
        ...validateNode(data[property], propertySchema, name ? `${name}.${property}` : property),
      );
    }
  }
  for (const required of s.required ?? []) {
    if (!(required in data)) errors.push(fieldError.required(fieldPath(`${name}.${required}`)));
  }
  return errors;
}

/** One value against one schema node, validators in kube-openapi's order. */
function validateNode(data: unknown, s: StructuralSchema, name: string): FieldError[] {
  if (data === null || data === undefined) {
    return [...validateType(data, s, name), ...validateEnum(data, s, name)];
  }
  const errors = validateType(data, s, name);
  if (typeof data === 'string') {
    errors.push(...validateString(data, s, name), ...validateFormat(data, s, name));
  }
  if (typeof data === 'number') errors.push(...validateNumber(data, s, name));
  if (Array.isArray(data)) errors.push(...validateArray(data, s, name));
  errors.push(...validateEnum(data, s, name));
  if (isObject(data)) errors.push(...validateObject(data, s, name));
  return errors;
}

/**
 * Validates `value` (a whole object, or any value when `path` names where it
 * sits) against the schema, errors in the order kube-openapi finds them.
 */
export function validateOpenAPI(value: unknown, schema: StructuralSchema, path = ''): FieldError[] {
  return validateNode(value, schema, path);
}
