// x-kubernetes-embedded-resource values must look like objects: apiVersion and
// kind present and well formed, metadata a valid ObjectMeta (the subset of
// ObjectMeta validation that applies without a name: path-segment names and a
// DNS-label namespace). The resource root itself is the store's business.
import type { FieldError } from '../errors.ts';
import { child, fieldError, index, key } from './field.ts';
import {
  isDNS1035Label,
  isDNS1123Label,
  isValidPathSegmentName,
  isValidPathSegmentPrefix,
} from '@mcp-operator/kube-core/names';
import { mapValueSchema, type StructuralSchema } from '@mcp-operator/kube-core/structural';
import { isObject } from '@mcp-operator/kube-core/json';

function groupVersionError(apiVersion: string): string | undefined {
  if (apiVersion === 'v1' || apiVersion === '') return undefined;
  const parts = apiVersion.split('/');
  if (parts.length === 1 || parts.length === 2) return undefined;
  return `unexpected GroupVersion string: ${apiVersion}`;
}

function validateMetadata(path: string, metadata: unknown): FieldError[] {
  const metaPath = child(path, 'metadata');
  if (!isObject(metadata)) return [fieldError.invalid(metaPath, metadata, 'must be an object')];
  const errors: FieldError[] = [];
  const { name, generateName, namespace } = metadata;
  if (typeof generateName === 'string' && generateName) {
    for (const msg of isValidPathSegmentPrefix(generateName)) {
      errors.push(fieldError.invalid(child(metaPath, 'generateName'), generateName, msg));
    }
  }
  if (typeof name === 'string' && name) {
    for (const msg of isValidPathSegmentName(name)) {
      errors.push(fieldError.invalid(child(metaPath, 'name'), name, msg));
    }
  }
  if (typeof namespace === 'string' && namespace) {
    for (const msg of isDNS1123Label(namespace)) {
      errors.push(fieldError.invalid(child(metaPath, 'namespace'), namespace, msg));
    }
  }
  return errors;
}

function validateEmbeddedResource(path: string, x: Record<string, unknown>): FieldError[] {
  const errors: FieldError[] = [];
  if (!('apiVersion' in x)) errors.push(fieldError.required(child(path, 'apiVersion')));
  if (!('kind' in x)) errors.push(fieldError.required(child(path, 'kind')));
  for (const [k, v] of Object.entries(x)) {
    if (k === 'apiVersion') {
      if (typeof v !== 'string')
        errors.push(fieldError.invalid(child(path, k), v, 'must be a string'));
      else if (!v) errors.push(fieldError.required(child(path, k)));
      else {
        const err = groupVersionError(v);
        if (err) errors.push(fieldError.invalid(child(path, k), v, err));
      }
    } else if (k === 'kind') {
      if (typeof v !== 'string')
        errors.push(fieldError.invalid(child(path, k), v, 'must be a string'));
      else if (!v) errors.push(fieldError.required(child(path, k)));
      else {
        const errs = isDNS1035Label(v.toLowerCase());
        if (errs.length) {
          errors.push(
            fieldError.invalid(
              child(path, k),
              v,
              `may have mixed case, but should otherwise match: ${errs.join(',')}`,
            ),
          );
        }
      }
    } else if (k === 'metadata') {
      errors.push(...validateMetadata(path, v));
    }
  }
  return errors;
}

/** Validates every embedded resource below the root (which the store validates). */
export function validateEmbedded(
  path: string,
  x: unknown,
  s: StructuralSchema | undefined,
  isRoot = true,
): FieldError[] {
  if (!s) return [];
  const errors: FieldError[] = [];
  if (isObject(x)) {
    if (s['x-kubernetes-embedded-resource'] && !isRoot)
      errors.push(...validateEmbeddedResource(path, x));
    const valueSchema = mapValueSchema(s);
    for (const [k, v] of Object.entries(x)) {
      const property = s.properties?.[k];
      if (property) errors.push(...validateEmbedded(child(path, k), v, property, false));
      else if (valueSchema) errors.push(...validateEmbedded(key(path, k), v, valueSchema, false));
    }
  } else if (Array.isArray(x)) {
    x.forEach((item, i) => errors.push(...validateEmbedded(index(path, i), item, s.items, false)));
  }
  return errors;
}
