// Object metadata checks kube-apiserver makes on every write.
import { isObject } from '@mcp-operator/kube-core/json';
import {
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidLabelValue,
  isValidPathSegmentName,
} from '@mcp-operator/kube-core/names';
import type { FieldError } from './errors.ts';
import { fieldError } from './schema/field.ts';

/** Which name check a kind's names pass: DNS subdomains for most (its registry entry says). */
export type NameRule = 'subdomain' | 'label' | 'dns1035' | 'path-segment';

const NAME_CHECKS: Record<NameRule, (name: string) => string[]> = {
  subdomain: isDNS1123Subdomain,
  label: isDNS1123Label,
  dns1035: isDNS1035Label,
  'path-segment': isValidPathSegmentName,
};

/** Every problem with a name under the kind's rule (none when it is valid). */
export function validateName(name: string, rule: NameRule): string[] {
  return NAME_CHECKS[rule](name);
}

/** Label and annotation key and value checks (ValidateLabels, ValidateAnnotations). */
export function validateLabelsAndAnnotations(metadata: {
  labels?: unknown;
  annotations?: unknown;
}): FieldError[] {
  const errors: FieldError[] = [];
  const invalid = (kind: string, value: string, problem: string) =>
    errors.push(fieldError.invalid(`metadata.${kind}`, value, problem));
  const check = (kind: 'labels' | 'annotations', map: unknown) => {
    if (map === undefined || map === null) return;
    if (!isObject(map)) {
      errors.push({
        type: 'FieldValueTypeInvalid',
        field: `metadata.${kind}`,
        message: 'Invalid value: must be a map of strings',
      });
      return;
    }
    for (const [key, value] of Object.entries(map)) {
      // Case does not matter in an annotation key.
      const keyProblems = isQualifiedName(kind === 'annotations' ? key.toLowerCase() : key);
      for (const problem of keyProblems) invalid(kind, key, problem);
      if (typeof value !== 'string') {
        errors.push({
          type: 'FieldValueTypeInvalid',
          field: `metadata.${kind}.${key}`,
          message: 'Invalid value: must be a string',
        });
      } else if (kind === 'labels') {
        for (const problem of isValidLabelValue(value)) invalid(kind, value, problem);
      }
    }
  };
  check('labels', metadata.labels);
  check('annotations', metadata.annotations);
  return errors;
}

const NAME_CHARS = 'bcdfghjklmnpqrstvwxz2456789';

/** generateName's random suffix, from kube's alphabet (no vowels, no ambiguous digits). */
export function randomSuffix(length = 5): string {
  let out = '';
  for (let i = 0; i < length; i++) out += NAME_CHARS[Math.floor(Math.random() * NAME_CHARS.length)];
  return out;
}

export { rfc3339 } from '@mcp-operator/kube-core/time';
