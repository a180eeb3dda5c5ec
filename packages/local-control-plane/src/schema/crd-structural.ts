// apiextensions-apiserver's structural-schema checks of a CRD's
// openAPIV3Schema (ValidateStructural, errors sorted by their text) and of its
// defaults (ValidateDefaults: each default valid against its schema, pruned,
// and passing the node's rules). Paths are kube's:
// `...openAPIV3Schema.properties[spec].type`.
import type { FieldError } from '../errors.ts';
import { evaluateRulesAt } from '@mcp-operator/kube-core/cel';
import { compileRegexp } from '@mcp-operator/kube-core/re2';
import type { StructuralSchema } from '@mcp-operator/kube-core/structural';
import { child, fieldError, index, key, ROOT_FIELD, ruleFieldErrors } from './field.ts';
import { validateOpenAPI } from './openapi.ts';
import { prunePaths } from './prune.ts';
import { asObject, deepEqual } from '@mcp-operator/kube-core/json';

type Json = Record<string, unknown>;

const META_FIELDS = new Set(['metadata', 'kind', 'apiVersion']);

function props(s: Json): [string, Json][] {
  const p = asObject(s.properties);
  return p ? Object.entries(p).map(([k, v]) => [k, asObject(v) ?? {}]) : [];
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

type Level = 'root' | 'item' | 'field';

/** What a value validation under a junctor may not set: [field, how it counts as set, detail]. */
const NESTED_FORBIDDEN: [string, 'text' | 'true' | 'list' | 'present', string][] = [
  ['type', 'text', 'must be empty to be structural'],
  ['default', 'present', 'must be undefined to be structural'],
  ['title', 'text', 'must be empty to be structural'],
  ['description', 'text', 'must be empty to be structural'],
  ['nullable', 'true', 'must be false to be structural'],
  ['externalDocs', 'present', 'must be undefined to be structural'],
  ['x-kubernetes-preserve-unknown-fields', 'true', 'must be false to be structural'],
  ['x-kubernetes-embedded-resource', 'true', 'must be false to be structural'],
  ['x-kubernetes-int-or-string', 'true', 'must be false to be structural'],
  ['x-kubernetes-list-map-keys', 'list', 'must be empty to be structural'],
  ['x-kubernetes-list-type', 'present', 'must be undefined to be structural'],
  ['x-kubernetes-map-type', 'present', 'must be undefined to be structural'],
  ['x-kubernetes-validations', 'list', 'must be empty to be structural'],
];

function isSet(v: unknown, how: 'text' | 'true' | 'list' | 'present'): boolean {
  switch (how) {
    case 'text':
      return typeof v === 'string' && v !== '';
    case 'true':
      return v === true;
    case 'list':
      return Array.isArray(v) && v.length > 0;
    case 'present':
      return v !== undefined;
  }
}

function isIntOrStringAnyOf(v: unknown): boolean {
  return (
    Array.isArray(v) &&
    v.length === 2 &&
    deepEqual(v[0], { type: 'integer' }) &&
    deepEqual(v[1], { type: 'string' })
  );
}

/** Value validations under anyOf/allOf/oneOf/not may not declare structure. */
function nestedValueValidation(
  s: Json | undefined,
  path: string,
  skipAnyOf: boolean,
  out: FieldError[],
): void {
  if (!s) return;
  valueValidation(s, path, skipAnyOf, false, out);
  nestedValueValidation(asObject(s.items), child(path, 'items'), false, out);
  for (const [k, p] of props(s))
    nestedValueValidation(p, key(child(path, 'properties'), k), false, out);
  for (const [name, how, detail] of NESTED_FORBIDDEN) {
    if (isSet(s[name], how)) out.push(fieldError.forbidden(child(path, name), detail));
  }
  if (s.additionalProperties !== undefined) {
    out.push(
      fieldError.forbidden(
        child(path, 'additionalProperties'),
        'must be undefined to be structural',
      ),
    );
  }
  if (asObject(s.properties)?.metadata !== undefined) {
    out.push(
      fieldError.forbidden(
        key(child(path, 'properties'), 'metadata'),
        'must not be specified in a nested context',
      ),
    );
  }
}

function valueValidation(
  s: Json,
  path: string,
  skipAnyOf: boolean,
  skipFirstAllOfAnyOf: boolean,
  out: FieldError[],
): void {
  if (!skipAnyOf && Array.isArray(s.anyOf)) {
    s.anyOf.forEach((x, i) =>
      nestedValueValidation(asObject(x), index(child(path, 'anyOf'), i), false, out),
    );
  }
  if (Array.isArray(s.allOf)) {
    s.allOf.forEach((x, i) =>
      nestedValueValidation(
        asObject(x),
        index(child(path, 'allOf'), i),
        skipFirstAllOfAnyOf && i === 0,
        out,
      ),
    );
  }
  if (Array.isArray(s.oneOf)) {
    s.oneOf.forEach((x, i) =>
      nestedValueValidation(asObject(x), index(child(path, 'oneOf'), i), false, out),
    );
  }
  nestedValueValidation(asObject(s.not), child(path, 'not'), false, out);
  if (typeof s.pattern === 'string' && s.pattern) {
    // regexp.Compile: RE2, so lookaround and backreferences make the schema invalid.
    const re = compileRegexp(s.pattern);
    if (re instanceof Error) {
      out.push(
        fieldError.invalid(
          child(path, 'pattern'),
          s.pattern,
          `must be a valid regular expression, but isn't: ${re.message}`,
        ),
      );
    }
  }
}

function metadataInvariants(
  m: Json,
  checkMetadata: boolean,
  level: Level,
  path: string,
  out: FieldError[],
): void {
  if (checkMetadata && m.type !== 'object') {
    out.push(fieldError.invalid(child(path, 'type'), str(m.type), 'must be object'));
  }
  if (level !== 'root') return;
  const names = Object.keys(asObject(m.properties) ?? {});
  const onlyNames = names.length > 0 && names.every((n) => n === 'name' || n === 'generateName');
  const rest = Object.keys(m).filter(
    (k) =>
      k !== 'type' && k !== 'default' && !(k === 'properties' && (onlyNames || names.length === 0)),
  );
  if (rest.length > 0) {
    out.push(
      fieldError.forbidden(
        path,
        'must not specify anything other than name and generateName, but metadata is implicitly specified',
      ),
    );
  }
}

function structuralInvariants(
  s: Json | undefined,
  level: Level,
  path: string,
  out: FieldError[],
): void {
  if (!s) return;
  const type = str(s.type);
  const items = asObject(s.items);
  if (type === 'array' && !items)
    out.push(fieldError.required(child(path, 'items'), 'must be specified'));
  structuralInvariants(items, 'item', child(path, 'items'), out);
  for (const [k, p] of props(s))
    structuralInvariants(p, 'field', key(child(path, 'properties'), k), out);
  if (s.additionalProperties !== undefined) {
    if (level === 'root') {
      out.push(
        fieldError.forbidden(child(path, 'additionalProperties'), 'must not be used at the root'),
      );
    }
    structuralInvariants(
      asObject(s.additionalProperties),
      'field',
      child(path, 'additionalProperties'),
      out,
    );
  }
  const intOrString = s['x-kubernetes-int-or-string'] === true;
  const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;
  const embedded = s['x-kubernetes-embedded-resource'] === true;
  if (intOrString && preserve) {
    out.push(
      fieldError.invalid(
        child(path, 'x-kubernetes-preserve-unknown-fields'),
        true,
        'must be false if x-kubernetes-int-or-string is true',
      ),
    );
  }
  if (intOrString && embedded) {
    out.push(
      fieldError.invalid(
        child(path, 'x-kubernetes-embedded-resource'),
        true,
        'must be false if x-kubernetes-int-or-string is true',
      ),
    );
  }
  const skipAnyOf = isIntOrStringAnyOf(s.anyOf);
  const skipFirstAllOfAnyOf =
    Array.isArray(s.allOf) && isIntOrStringAnyOf(asObject(s.allOf[0])?.anyOf);
  valueValidation(s, path, skipAnyOf, skipFirstAllOfAnyOf, out);
  const checkMetadata = level === 'root' || embedded;
  if (embedded && type !== 'object') {
    const detail = 'must be object if x-kubernetes-embedded-resource is true';
    out.push(
      type
        ? fieldError.invalid(child(path, 'type'), type, detail)
        : fieldError.required(child(path, 'type'), detail),
    );
  } else if (!type && !intOrString && !preserve) {
    const detail = {
      root: 'must not be empty at the root',
      item: 'must not be empty for specified array items',
      field: 'must not be empty for specified object fields',
    }[level];
    out.push(fieldError.required(child(path, 'type'), detail));
  }
  if (embedded && s.additionalProperties !== undefined) {
    out.push(
      fieldError.forbidden(
        child(path, 'additionalProperties'),
        'must not be used if x-kubernetes-embedded-resource is set',
      ),
    );
  }
  if (level === 'root' && type && type !== 'object') {
    out.push(fieldError.invalid(child(path, 'type'), type, 'must be object at the root'));
  }
  const properties = asObject(s.properties) ?? {};
  for (const meta of ['kind', 'apiVersion']) {
    const p = asObject(properties[meta]);
    if (p && checkMetadata && p.type !== 'string') {
      out.push(
        fieldError.invalid(
          child(key(child(path, 'properties'), meta), 'type'),
          str(p.type),
          'must be string',
        ),
      );
    }
  }
  const metadata = asObject(properties.metadata);
  if (metadata)
    metadataInvariants(
      metadata,
      checkMetadata,
      level,
      key(child(path, 'properties'), 'metadata'),
      out,
    );
  if (embedded && !preserve && props(s).length === 0) {
    out.push(
      fieldError.required(
        child(path, 'properties'),
        'must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields',
      ),
    );
  }
}

/** field.Error.Error(): what kube sorts the structural errors by. */
function errorText(e: FieldError): string {
  return `${e.field}: ${e.message}`;
}

/** ValidateStructural: the schema must be structural. Errors sorted as kube sorts them. */
export function validateStructural(root: Json, path: string): FieldError[] {
  const out: FieldError[] = [];
  structuralInvariants(root, 'root', path, out);
  return out.sort((a, b) =>
    errorText(a) < errorText(b) ? -1 : errorText(a) > errorText(b) ? 1 : 0,
  );
}

/** Rebases an error found in a default value onto the `default` field. */
function underDefault(e: FieldError, defaultPath: string): FieldError {
  return { ...e, field: e.field === ROOT_FIELD ? defaultPath : `${defaultPath}.${e.field}` };
}

function defaults(
  s: Json,
  path: string,
  isRoot: boolean,
  insideMeta: boolean,
  out: FieldError[],
): void {
  if (s.default !== undefined && !insideMeta) {
    const defaultPath = child(path, 'default');
    const schema = s as StructuralSchema;
    const errors = validateOpenAPI(s.default, schema).map((e) => underDefault(e, defaultPath));
    if (errors.length) out.push(...errors);
    else {
      const pruned = prunePaths(s.default, schema, false);
      if (!deepEqual(pruned.value, s.default)) {
        out.push(fieldError.invalid(defaultPath, s.default, 'must not have unknown fields'));
      } else {
        out.push(...ruleFieldErrors(evaluateRulesAt(defaultPath, s.default, schema)));
      }
    }
  }
  const embedded = s['x-kubernetes-embedded-resource'] === true;
  for (const [k, p] of props(s)) {
    const meta = (isRoot || embedded) && META_FIELDS.has(k);
    defaults(p, key(child(path, 'properties'), k), false, insideMeta || meta, out);
  }
  const items = asObject(s.items);
  if (items) defaults(items, child(path, 'items'), false, insideMeta, out);
  const additional = asObject(s.additionalProperties);
  if (additional) defaults(additional, child(path, 'additionalProperties'), false, insideMeta, out);
}

/** ValidateDefaults: every default must validate against its schema and be pruned. */
export function validateDefaults(root: Json, path: string): FieldError[] {
  const out: FieldError[] = [];
  defaults(root, path, true, false, out);
  return out;
}
