// Name checks of k8s.io/apimachinery as of Kubernetes 1.32, with their
// messages word for word: pkg/util/validation/validation.go (IsDNS1123Label,
// IsDNS1123Subdomain, IsDNS1035Label, IsWildcardDNS1123Subdomain,
// IsQualifiedName, IsValidLabelValue, RegexError, MaxLenError) and
// pkg/api/validation/path/name.go (IsValidPathSegmentName and -Prefix). Each
// returns every problem it finds, and no message when the value is valid.

/** The regular expressions as Go writes them (and prints them in messages); the CRD's CEL rules use them too. */
const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
export const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`;
export const DNS1035_LABEL_FMT = '[a-z]([-a-z0-9]*[a-z0-9])?';
const QUALIFIED_NAME_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';

const DNS1123_LABEL_MAX_LENGTH = 63;
const DNS1123_SUBDOMAIN_MAX_LENGTH = 253;
export const DNS1035_LABEL_MAX_LENGTH = 63;
const QUALIFIED_NAME_MAX_LENGTH = 63;
const LABEL_VALUE_MAX_LENGTH = 63;

const QUALIFIED_NAME_MSG =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const QUALIFIED_NAME = new RegExp(`^${QUALIFIED_NAME_FMT}$`);

/** validation.RegexError, including the doubled space its " or " leaves after each example's ", ". */
function regexError(msg: string, fmt: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${fmt}')`;
  const shown = examples.map((e) => `'${e}', `).join(' or ');
  return `${msg} (e.g. ${shown}regex used for validation is '${fmt}')`;
}

/** validation.MaxLenError. */
function maxLenError(length: number): string {
  return `must be no more than ${length} characters`;
}

/** validation.EmptyError. */
function emptyError(): string {
  return 'must be non-empty';
}

/** The common shape: a length limit, then the whole value against the regex. */
function lengthAndPattern(
  maxLength: number,
  fmt: string,
  msg: string,
  ...examples: string[]
): (value: string) => string[] {
  const pattern = new RegExp(`^${fmt}$`);
  return (value) => {
    const errors: string[] = [];
    if (value.length > maxLength) errors.push(maxLenError(maxLength));
    if (!pattern.test(value)) errors.push(regexError(msg, fmt, ...examples));
    return errors;
  };
}

/** IsDNS1123Label: a DNS label (RFC 1123), as Namespace names are. */
export const isDNS1123Label = lengthAndPattern(
  DNS1123_LABEL_MAX_LENGTH,
  DNS1123_LABEL_FMT,
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
  'my-name',
  '123-abc',
);

/** IsDNS1123Subdomain: a DNS subdomain (RFC 1123), as most object names are. */
export const isDNS1123Subdomain = lengthAndPattern(
  DNS1123_SUBDOMAIN_MAX_LENGTH,
  DNS1123_SUBDOMAIN_FMT,
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
  'example.com',
);

/** IsDNS1035Label: a DNS label (RFC 1035) starting with a letter, as Service names are. */
export const isDNS1035Label = lengthAndPattern(
  DNS1035_LABEL_MAX_LENGTH,
  DNS1035_LABEL_FMT,
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character",
  'my-name',
  'abc-123',
);

/** IsWildcardDNS1123Subdomain: `*.` and a DNS subdomain (RFC 1034 section 4.3.3). */
export const isWildcardDNS1123Subdomain = lengthAndPattern(
  DNS1123_SUBDOMAIN_MAX_LENGTH,
  `\\*\\.${DNS1123_SUBDOMAIN_FMT}`,
  "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character",
  '*.example.com',
);

/** IsValidLabelValue: empty, or a qualified-name-like token of at most 63 characters. */
export const isValidLabelValue = lengthAndPattern(
  LABEL_VALUE_MAX_LENGTH,
  `(${QUALIFIED_NAME_FMT})?`,
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
  'MyValue',
  'my_value',
  '12345',
);

/** IsQualifiedName: a label or annotation key, an optional DNS subdomain prefix and '/', then a name. */
export function isQualifiedName(value: string): string[] {
  const qualified = () =>
    regexError(QUALIFIED_NAME_MSG, QUALIFIED_NAME_FMT, 'MyName', 'my.name', '123-abc');
  const parts = value.split('/');
  if (parts.length > 2) {
    return [
      `a qualified name ${qualified()} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  }
  const errors: string[] = [];
  const name = parts.length === 2 ? parts[1]! : parts[0]!;
  if (parts.length === 2) {
    const prefix = parts[0]!;
    if (prefix.length === 0) errors.push(`prefix part ${emptyError()}`);
    else errors.push(...isDNS1123Subdomain(prefix).map((msg) => `prefix part ${msg}`));
  }
  if (name.length === 0) errors.push(`name part ${emptyError()}`);
  else if (name.length > QUALIFIED_NAME_MAX_LENGTH) {
    errors.push(`name part ${maxLenError(QUALIFIED_NAME_MAX_LENGTH)}`);
  }
  if (!QUALIFIED_NAME.test(name)) errors.push(`name part ${qualified()}`);
  return errors;
}

const NAME_MAY_NOT_BE = ['.', '..'];
const NAME_MAY_NOT_CONTAIN = ['/', '%'];

/** IsValidPathSegmentPrefix: what a generateName (a prefix of a URL path segment) may not contain. */
export function isValidPathSegmentPrefix(name: string): string[] {
  return NAME_MAY_NOT_CONTAIN.filter((bad) => name.includes(bad)).map(
    (bad) => `may not contain '${bad}'`,
  );
}

/** IsValidPathSegmentName: a name that can stand as one segment of a URL path. */
export function isValidPathSegmentName(name: string): string[] {
  if (NAME_MAY_NOT_BE.includes(name)) return [`may not be '${name}'`];
  return isValidPathSegmentPrefix(name);
}
