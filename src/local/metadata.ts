// Object metadata checks kube-apiserver makes on every write.
import type { FieldError } from './errors.ts';

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

export type NameRule = 'subdomain' | 'label' | 'dns1035' | 'path-segment';

/** Names of most kinds are DNS subdomains; these kinds are stricter. */
export function nameRuleFor(group: string, kind: string): NameRule {
  if (group === '' && kind === 'Namespace') return 'label';
  if (group === '' && kind === 'Service') return 'dns1035';
  if (group === '' && kind === 'Event') return 'path-segment';
  if (group === 'events.k8s.io') return 'path-segment';
  return 'subdomain';
}

export function validateName(name: string, rule: NameRule): string | undefined {
  switch (rule) {
    case 'subdomain':
      if (name.length > 253) return 'must be no more than 253 characters';
      if (!DNS1123_SUBDOMAIN.test(name)) {
        return "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
      }
      return undefined;
    case 'label':
      if (name.length > 63) return 'must be no more than 63 characters';
      if (!DNS1123_LABEL.test(name)) {
        return "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
      }
      return undefined;
    case 'dns1035':
      if (name.length > 63) return 'must be no more than 63 characters';
      if (!DNS1035_LABEL.test(name)) {
        return "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
      }
      return undefined;
    case 'path-segment':
      if (name === '.' || name === '..') return `may not be '${name}'`;
      if (/[/%]/.test(name)) return "may not contain '/' or '%'";
      return undefined;
  }
}

const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function keyProblem(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : '';
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (slash >= 0 && (prefix === '' || prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix))) {
    return "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
  }
  if (name.length === 0 || name.length > 63 || !QUALIFIED_NAME.test(name)) {
    return "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
  }
  return undefined;
}

/** Label and annotation key and value checks. */
export function validateLabelsAndAnnotations(metadata: {
  labels?: unknown;
  annotations?: unknown;
}): FieldError[] {
  const errors: FieldError[] = [];
  const check = (kind: 'labels' | 'annotations', map: unknown) => {
    if (map === undefined || map === null) return;
    if (typeof map !== 'object' || Array.isArray(map)) {
      errors.push({
        type: 'FieldValueTypeInvalid',
        field: `metadata.${kind}`,
        message: 'Invalid value: must be a map of strings',
      });
      return;
    }
    for (const [key, value] of Object.entries(map as Record<string, unknown>)) {
      const problem = keyProblem(key);
      if (problem) {
        errors.push({
          type: 'FieldValueInvalid',
          field: `metadata.${kind}`,
          message: `Invalid value: ${JSON.stringify(key)}: ${problem}`,
        });
      }
      if (typeof value !== 'string') {
        errors.push({
          type: 'FieldValueTypeInvalid',
          field: `metadata.${kind}.${key}`,
          message: 'Invalid value: must be a string',
        });
      } else if (kind === 'labels' && (value.length > 63 || !LABEL_VALUE.test(value))) {
        errors.push({
          type: 'FieldValueInvalid',
          field: `metadata.labels`,
          message: `Invalid value: ${JSON.stringify(value)}: a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
        });
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

/** kube-apiserver's timestamp format: RFC 3339 with seconds. */
export function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
