// JSON values as CEL sees them under a structural schema (apiextensions'
// UnstructuredToVal): integers become CEL ints, strings of format date and
// date-time timestamps, duration durations and byte bytes; object properties
// are reached by their escaped names (`foo-bar` is `foo__dash__bar`), and at a
// resource root only apiVersion, kind, metadata.name and metadata.generateName
// are visible besides the declared properties.
import type { CelInput } from '@bufbuild/cel';
import { isObject } from '../json.ts';
import { mapValueSchema, type StructuralSchema } from '../structural.ts';
import { convert } from './env.ts';

const RESERVED = new Set([
  'true',
  'false',
  'null',
  'in',
  'as',
  'break',
  'const',
  'continue',
  'else',
  'for',
  'function',
  'if',
  'import',
  'let',
  'loop',
  'package',
  'namespace',
  'return',
  'var',
  'void',
  'while',
]);

const escapedNames = new Map<string, string | undefined>();

/** cel.Escape: the CEL field name of a property, or undefined when it has none. */
export function escapeProperty(name: string): string | undefined {
  let escaped = escapedNames.get(name);
  if (escaped === undefined && !escapedNames.has(name)) {
    escaped = escape(name);
    // Property names come from schemas: a bounded set, escaped once each.
    if (escapedNames.size < 10_000) escapedNames.set(name, escaped);
  }
  return escaped;
}

function escape(name: string): string | undefined {
  if (RESERVED.has(name)) return `__${name}__`;
  const escaped = name
    .replaceAll('__', '__underscores__')
    .replaceAll('.', '__dot__')
    .replaceAll('-', '__dash__')
    .replaceAll('/', '__slash__');
  return /^[a-zA-Z_][a-zA-Z0-9_]*$/.test(escaped) ? escaped : undefined;
}

/** Whether the node is an object with declared fields (a CEL object type, not a map). */
export function isObjectType(s: StructuralSchema | undefined): boolean {
  return !!s && (s.type === 'object' || !s.type) && !!s.properties;
}

function formatted(value: string, format: string | undefined): CelInput {
  switch (format) {
    case 'date':
      return convert('timestamp', `${value}T00:00:00Z`);
    case 'date-time':
      return convert('timestamp', value);
    case 'duration':
      return convert('duration', value);
    case 'byte':
      return new Uint8Array(Buffer.from(value, 'base64'));
    default:
      return value;
  }
}

function scalar(value: string | number | boolean, s: StructuralSchema | undefined): CelInput {
  if (typeof value === 'string') return s?.type === 'string' ? formatted(value, s.format) : value;
  if (typeof value !== 'number') return value;
  if (s?.type === 'number') return value;
  return Number.isInteger(value) ? BigInt(value) : value;
}

/** Converts a value for a rule on a node of schema `s`. */
export function toCelValue(
  value: unknown,
  s: StructuralSchema | undefined,
  isResourceRoot = false,
): CelInput {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map((item) => toCelValue(item, s?.items));
  if (!isObject(value)) return scalar(value as string | number | boolean, s);
  const map = new Map<string, CelInput>();
  const root = isResourceRoot || !!s?.['x-kubernetes-embedded-resource'];
  if (root) {
    for (const k of ['apiVersion', 'kind'] as const) {
      if (typeof value[k] === 'string') map.set(k, value[k]);
    }
    if (isObject(value.metadata)) {
      const meta = new Map<string, CelInput>();
      for (const k of ['name', 'generateName'] as const) {
        if (typeof value.metadata[k] === 'string') meta.set(k, value.metadata[k]);
      }
      map.set('metadata', meta);
    }
  }
  if (isObjectType(s)) {
    for (const [k, property] of Object.entries(s!.properties!)) {
      if (!(k in value) || (root && (k === 'metadata' || k === 'apiVersion' || k === 'kind')))
        continue;
      const name = escapeProperty(k);
      if (name) map.set(name, toCelValue(value[k], property));
    }
    return map;
  }
  const valueSchema = s ? mapValueSchema(s) : undefined;
  for (const [k, v] of Object.entries(value)) {
    if (root && (k === 'metadata' || k === 'apiVersion' || k === 'kind')) continue;
    map.set(k, toCelValue(v, valueSchema));
  }
  return map;
}
