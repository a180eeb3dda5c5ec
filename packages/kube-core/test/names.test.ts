// The name checks against k8s.io/apimachinery 1.32's own: the messages are
// those of pkg/util/validation/validation.go (IsDNS1123Label,
// IsDNS1123Subdomain, IsDNS1035Label, IsWildcardDNS1123Subdomain,
// IsQualifiedName, IsValidLabelValue with RegexError, MaxLenError and
// EmptyError) and pkg/api/validation/path/name.go (IsValidPathSegmentName,
// IsValidPathSegmentPrefix), word for word.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidLabelValue,
  isValidPathSegmentName,
  isValidPathSegmentPrefix,
  isWildcardDNS1123Subdomain,
} from '../src/names.ts';

const DNS1123_LABEL =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1123_SUBDOMAIN =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const DNS1035_LABEL =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const WILDCARD =
  "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const QUALIFIED =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const maxLen = (n: number) => `must be no more than ${n} characters`;

type Case = [value: string, messages: string[]];

function table(check: (value: string) => string[], cases: Case[]): void {
  for (const [value, messages] of cases) {
    const shown = value.length > 40 ? `${value.slice(0, 12)}… (${value.length} characters)` : value;
    it(`${JSON.stringify(shown)} → ${messages.length ? messages.length : 'no'} problem(s)`, () => {
      assert.deepEqual(check(value), messages);
    });
  }
}

describe('isDNS1123Label', () => {
  table(isDNS1123Label, [
    ['a', []],
    ['my-name', []],
    ['123-abc', []],
    ['0', []],
    ['a'.repeat(63), []],
    ['', [DNS1123_LABEL]],
    ['My-Name', [DNS1123_LABEL]],
    ['-a', [DNS1123_LABEL]],
    ['a-', [DNS1123_LABEL]],
    // 1.32 has no "must not contain dots" yet (that arrived in a later release).
    ['a.b', [DNS1123_LABEL]],
    ['a_b', [DNS1123_LABEL]],
    ['a'.repeat(64), [maxLen(63)]],
    [`${'a'.repeat(63)}-`, [maxLen(63), DNS1123_LABEL]],
  ]);
});

describe('isDNS1123Subdomain', () => {
  table(isDNS1123Subdomain, [
    ['example.com', []],
    ['a', []],
    ['a-b.c-d.e', []],
    ['1.2.3.4', []],
    [`${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`, []],
    ['', [DNS1123_SUBDOMAIN]],
    ['Example.com', [DNS1123_SUBDOMAIN]],
    ['a..b', [DNS1123_SUBDOMAIN]],
    ['.a', [DNS1123_SUBDOMAIN]],
    ['a.', [DNS1123_SUBDOMAIN]],
    ['a_b.com', [DNS1123_SUBDOMAIN]],
    ['*.example.com', [DNS1123_SUBDOMAIN]],
    ['a'.repeat(254), [maxLen(253)]],
    [`${'a'.repeat(253)}-`, [maxLen(253), DNS1123_SUBDOMAIN]],
  ]);
});

describe('isDNS1035Label', () => {
  table(isDNS1035Label, [
    ['my-name', []],
    ['abc-123', []],
    ['a', []],
    ['a'.repeat(63), []],
    ['', [DNS1035_LABEL]],
    ['1abc', [DNS1035_LABEL]],
    ['my.name', [DNS1035_LABEL]],
    ['Abc', [DNS1035_LABEL]],
    ['abc-', [DNS1035_LABEL]],
    ['a'.repeat(64), [maxLen(63)]],
    [`1${'a'.repeat(63)}`, [maxLen(63), DNS1035_LABEL]],
  ]);
});

describe('isWildcardDNS1123Subdomain', () => {
  table(isWildcardDNS1123Subdomain, [
    ['*.example.com', []],
    ['*.a', []],
    ['example.com', [WILDCARD]],
    ['*', [WILDCARD]],
    ['*.*.example.com', [WILDCARD]],
    ['f*.example.com', [WILDCARD]],
    ['*example.com', [WILDCARD]],
    [`*.${'a'.repeat(252)}`, [maxLen(253)]],
  ]);
});

describe('isQualifiedName', () => {
  table(isQualifiedName, [
    ['app', []],
    ['MyName', []],
    ['my.name', []],
    ['123-abc', []],
    ['a_b', []],
    ['example.com/MyName', []],
    ['app.kubernetes.io/managed-by', []],
    ['k'.repeat(63), []],
    ['', [`name part must be non-empty`, `name part ${QUALIFIED}`]],
    ['-a', [`name part ${QUALIFIED}`]],
    ['a-', [`name part ${QUALIFIED}`]],
    ['app:web', [`name part ${QUALIFIED}`]],
    ['k'.repeat(64), [`name part ${maxLen(63)}`]],
    ['/a', ['prefix part must be non-empty']],
    ['a/', ['name part must be non-empty', `name part ${QUALIFIED}`]],
    ['Bad_Prefix/name', [`prefix part ${DNS1123_SUBDOMAIN}`]],
    [`${'p'.repeat(254)}/name`, [`prefix part ${maxLen(253)}`]],
    [
      'a/b/c',
      [
        `a qualified name ${QUALIFIED} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
      ],
    ],
  ]);
});

describe('isValidLabelValue', () => {
  table(isValidLabelValue, [
    ['', []],
    ['MyValue', []],
    ['my_value', []],
    ['12345', []],
    ['v1.2-rc_3', []],
    ['v'.repeat(63), []],
    ['-v', [LABEL_VALUE]],
    ['v-', [LABEL_VALUE]],
    ['a b', [LABEL_VALUE]],
    ['a/b', [LABEL_VALUE]],
    ['v'.repeat(64), [maxLen(63)]],
    [`${'v'.repeat(63)}_`, [maxLen(63), LABEL_VALUE]],
  ]);
});

describe('isValidPathSegmentName and isValidPathSegmentPrefix', () => {
  table(isValidPathSegmentName, [
    ['my event', []],
    ['x.y', []],
    ['...', []],
    ['.', ["may not be '.'"]],
    ['..', ["may not be '..'"]],
    ['a/b', ["may not contain '/'"]],
    ['50%', ["may not contain '%'"]],
    ['a/%', ["may not contain '/'", "may not contain '%'"]],
  ]);
  table(isValidPathSegmentPrefix, [
    ['.', []],
    ['..', []],
    ['a/', ["may not contain '/'"]],
  ]);
});
