// Label and field selectors as kube-apiserver parses them for list and watch:
// the same grammar, the same matching rules and the same error messages
// (apimachinery's labels.Parse and fields.ParseSelector).
import { errors } from './errors.ts';
import type { KubeObject, ResourceType } from './types.ts';

export type LabelSelector = (labels: Record<string, string> | undefined) => boolean;

export type FieldSelector = (obj: KubeObject) => boolean;

type Operator = 'in' | 'notin' | '=' | '==' | '!=' | 'gt' | 'lt' | 'exists' | '!';

interface Requirement {
  key: string;
  op: Operator;
  values: string[];
}

// ---- label selectors -------------------------------------------------------

type Token =
  'error' | 'end' | ')' | ',' | '!' | '==' | '=' | '>' | 'id' | 'in' | '<' | '!=' | 'notin' | '(';

const KEYWORDS: Record<string, Token> = {
  ')': ')',
  ',': ',',
  '!': '!',
  '==': '==',
  '=': '=',
  '>': '>',
  in: 'in',
  '<': '<',
  '!=': '!=',
  notin: 'notin',
  '(': '(',
};

interface Item {
  tok: Token;
  lit: string;
}

const isWhitespace = (c: string) => c === ' ' || c === '\t' || c === '\r' || c === '\n';
const isSpecial = (c: string) => '=!(),><'.includes(c);

/** The lexer of labels.Parse: identifiers run until whitespace or an operator character. */
function lex(text: string): Item[] {
  const items: Item[] = [];
  let pos = 0;
  for (;;) {
    while (pos < text.length && isWhitespace(text[pos]!)) pos++;
    if (pos >= text.length) {
      items.push({ tok: 'end', lit: '' });
      return items;
    }
    if (isSpecial(text[pos]!)) {
      // Longest run of operator characters that still forms a known token.
      let buffer = '';
      let last: Item | undefined;
      while (pos < text.length && isSpecial(text[pos]!)) {
        buffer += text[pos];
        const tok = KEYWORDS[buffer];
        if (tok) last = { tok, lit: buffer };
        else if (last) break;
        pos++;
      }
      items.push(last ?? { tok: 'error', lit: `error expected: keyword found '${buffer}'` });
      continue;
    }
    let buffer = '';
    while (pos < text.length && !isSpecial(text[pos]!) && !isWhitespace(text[pos]!)) {
      buffer += text[pos++];
    }
    const keyword = KEYWORDS[buffer];
    items.push({ tok: keyword ?? 'id', lit: buffer });
  }
}

class ParseError extends Error {}

const BINARY_OPERATORS = 'in, notin, =, ==, !=, gt, lt';

class LabelParser {
  private position = 0;
  constructor(private readonly items: Item[]) {}

  /** In a values context `in` and `notin` are plain identifiers. */
  private peek(values: boolean): Item {
    const item = this.items[this.position]!;
    return values && (item.tok === 'in' || item.tok === 'notin') ? { ...item, tok: 'id' } : item;
  }

  private next(values: boolean): Item {
    const item = this.peek(values);
    this.position++;
    return item;
  }

  parse(): Requirement[] {
    const out: Requirement[] = [];
    for (;;) {
      const { tok, lit } = this.peek(true);
      if (tok === 'end') return out;
      if (tok !== 'id' && tok !== '!') {
        throw new ParseError(`found '${lit}', expected: !, identifier, or 'end of string'`);
      }
      try {
        out.push(this.requirement());
      } catch (e) {
        if (e instanceof ParseError) {
          throw new ParseError(`unable to parse requirement: ${e.message}`);
        }
        throw e;
      }
      const after = this.next(true);
      if (after.tok === 'end') return out;
      if (after.tok !== ',') {
        throw new ParseError(`found '${after.lit}', expected: ',' or 'end of string'`);
      }
      const following = this.peek(true);
      if (following.tok !== 'id' && following.tok !== '!') {
        throw new ParseError(`found '${following.lit}', expected: identifier after ','`);
      }
    }
  }

  private requirement(): Requirement {
    let item = this.next(true);
    let op: Operator | undefined;
    if (item.tok === '!') {
      op = '!';
      item = this.next(true);
    }
    if (item.tok !== 'id') throw new ParseError(`found '${item.lit}', expected: identifier`);
    const key = item.lit;
    const keyErrors = qualifiedNameErrors(key);
    if (keyErrors.length) {
      throw new ParseError(`<nil>: Invalid value: ${goQuote(key)}: ${keyErrors.join('; ')}`);
    }
    const ahead = this.peek(true).tok;
    // `!key` ends the requirement whatever follows; the caller then rejects the leftovers.
    if (op === '!') return { key, op, values: [] };
    if (ahead === 'end' || ahead === ',') return { key, op: 'exists', values: [] };
    const opItem = this.next(false);
    switch (opItem.tok) {
      case 'in':
      case 'notin':
      case '=':
      case '==':
      case '!=':
        op = opItem.tok;
        break;
      case '>':
        op = 'gt';
        break;
      case '<':
        op = 'lt';
        break;
      default:
        throw new ParseError(`found '${opItem.lit}', expected: ${BINARY_OPERATORS}`);
    }
    const values = op === 'in' || op === 'notin' ? this.setValues() : this.exactValue();
    return newRequirement(key, op, values);
  }

  private setValues(): string[] {
    const open = this.next(true);
    if (open.tok !== '(') throw new ParseError(`found '${open.lit}' expected: '('`);
    const { tok, lit } = this.peek(true);
    if (tok === ')') {
      this.next(true);
      return [''];
    }
    if (tok !== 'id' && tok !== ',') {
      throw new ParseError(`found '${lit}', expected: ',', ')' or identifier`);
    }
    const values = new Set<string>();
    for (;;) {
      const item = this.next(true);
      if (item.tok === 'id') {
        values.add(item.lit);
        const after = this.peek(true);
        if (after.tok === ',') continue;
        if (after.tok === ')') break;
        throw new ParseError(`found '${after.lit}', expected: ',' or ')'`);
      } else if (item.tok === ',') {
        // Empty members: "(,a", "a,,b" and "a,)" each add the empty value.
        if (values.size === 0) values.add('');
        const after = this.peek(true);
        if (after.tok === ')') {
          values.add('');
          break;
        }
        if (after.tok === ',') values.add('');
      } else {
        throw new ParseError(`found '${item.lit}', expected: ',', or identifier`);
      }
    }
    this.next(true); // the closing parenthesis
    return [...values].sort();
  }

  private exactValue(): string[] {
    const ahead = this.peek(true);
    if (ahead.tok === 'end' || ahead.tok === ',') return [''];
    const item = this.next(true);
    if (item.tok === 'id') return [item.lit];
    throw new ParseError(`found '${item.lit}', expected: identifier`);
  }
}

/** NewRequirement's value checks, with its field paths and aggregate formatting. */
function newRequirement(key: string, op: Operator, values: string[]): Requirement {
  const problems: string[] = [];
  if (op === 'gt' || op === 'lt') {
    values.forEach((v, i) => {
      if (!/^[+-]?\d+$/.test(v) || !fitsInt64(v)) {
        problems.push(
          `values[${i}]: Invalid value: ${goQuote(v)}: for 'Gt', 'Lt' operators, the value must be an integer`,
        );
      }
    });
  }
  values.forEach((v, i) => {
    const errs = labelValueErrors(v);
    if (errs.length) {
      problems.push(`values[${i}][${key}]: Invalid value: ${goQuote(v)}: ${errs.join('; ')}`);
    }
  });
  const unique = [...new Set(problems)];
  if (unique.length === 1) throw new ParseError(unique[0]);
  if (unique.length > 1) throw new ParseError(`[${unique.join(', ')}]`);
  return { key, op, values };
}

function fitsInt64(v: string): boolean {
  const n = BigInt(v);
  return n >= -(2n ** 63n) && n < 2n ** 63n;
}

function matches(r: Requirement, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const value = has ? labels[r.key] : undefined;
  switch (r.op) {
    case 'in':
    case '=':
    case '==':
      return has && r.values.includes(value!);
    case 'notin':
    case '!=':
      return !has || !r.values.includes(value!);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
    case 'lt': {
      if (!has || !/^[+-]?\d+$/.test(value!) || !fitsInt64(value!)) return false;
      const actual = BigInt(value!);
      const bound = BigInt(r.values[0]!);
      return r.op === 'gt' ? actual > bound : actual < bound;
    }
  }
}

/**
 * Parses `labelSelector`: =, ==, !=, in (...), notin (...), key (exists), !key,
 * and the numeric > and <; comma = AND. Throws errors.badRequest with kube's message on bad syntax.
 */
export function parseLabelSelector(text: string): LabelSelector {
  let requirements: Requirement[];
  try {
    requirements = new LabelParser(lex(text)).parse();
  } catch (e) {
    if (e instanceof ParseError) throw errors.badRequest(e.message);
    throw e;
  }
  return (labels) => requirements.every((r) => matches(r, labels ?? {}));
}

// ---- name validation (apimachinery's util/validation wording) --------------

const QUALIFIED_NAME_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const QUALIFIED_NAME_RE = new RegExp(`^${QUALIFIED_NAME_FMT}$`);
const QUALIFIED_NAME_MSG =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`;
const DNS1123_SUBDOMAIN_RE = new RegExp(`^${DNS1123_SUBDOMAIN_FMT}$`);
const DNS1123_SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
const LABEL_VALUE_FMT = `(${QUALIFIED_NAME_FMT})?`;
const LABEL_VALUE_RE = new RegExp(`^${LABEL_VALUE_FMT}$`);
const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

/** kube's RegexError, including its doubled space before " or ". */
function regexError(msg: string, fmt: string, ...examples: string[]): string {
  if (!examples.length) return `${msg} (regex used for validation is '${fmt}')`;
  const shown = examples.map((e) => `'${e}', `).join(' or ');
  return `${msg} (e.g. ${shown}regex used for validation is '${fmt}')`;
}

const maxLen = (n: number) => `must be no more than ${n} characters`;

/** IsQualifiedName: an optional DNS subdomain prefix and '/', then a name of at most 63 characters. */
export function qualifiedNameErrors(value: string): string[] {
  const errs: string[] = [];
  const parts = value.split('/');
  let name: string;
  if (parts.length === 1) {
    name = parts[0]!;
  } else if (parts.length === 2) {
    const prefix = parts[0]!;
    name = parts[1]!;
    if (!prefix.length) errs.push('prefix part must be non-empty');
    else {
      if (prefix.length > 253) errs.push(`prefix part ${maxLen(253)}`);
      if (!DNS1123_SUBDOMAIN_RE.test(prefix)) {
        errs.push(
          `prefix part ${regexError(DNS1123_SUBDOMAIN_MSG, DNS1123_SUBDOMAIN_FMT, 'example.com')}`,
        );
      }
    }
  } else {
    return [
      `a qualified name ${regexError(QUALIFIED_NAME_MSG, QUALIFIED_NAME_FMT, 'MyName', 'my.name', '123-abc')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  }
  if (!name.length) errs.push('name part must be non-empty');
  else if (name.length > 63) errs.push(`name part ${maxLen(63)}`);
  if (!QUALIFIED_NAME_RE.test(name)) {
    errs.push(
      `name part ${regexError(QUALIFIED_NAME_MSG, QUALIFIED_NAME_FMT, 'MyName', 'my.name', '123-abc')}`,
    );
  }
  return errs;
}

/** IsValidLabelValue: empty, or a qualified-name-like token of at most 63 characters. */
export function labelValueErrors(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 63) errs.push(maxLen(63));
  if (!LABEL_VALUE_RE.test(value)) {
    errs.push(regexError(LABEL_VALUE_MSG, LABEL_VALUE_FMT, 'MyValue', 'my_value', '12345'));
  }
  return errs;
}

/** Go's %q for the ASCII strings selectors carry. */
function goQuote(s: string): string {
  return JSON.stringify(s);
}

// ---- field selectors -------------------------------------------------------

interface FieldTerm {
  field: string;
  value: string;
  negate: boolean;
}

/** Splits on commas not escaped by a backslash; the backslashes stay for unescaping. */
function splitTerms(text: string): string[] {
  if (!text.length) return [];
  const terms: string[] = [];
  let start = 0;
  let escaped = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (escaped) escaped = false;
    else if (c === '\\') escaped = true;
    else if (c === ',') {
      terms.push(text.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(text.slice(start));
  return terms;
}

/** The first operator occurrence splits the term; `==` is tried before `=`. */
function splitTerm(term: string): [string, string, string] | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of ['!=', '==', '=']) {
      if (term.startsWith(op, i)) return [term.slice(0, i), op, term.slice(i + op.length)];
    }
  }
  return undefined;
}

function unescapeValue(s: string): string {
  let out = '';
  let escaped = false;
  for (const c of s) {
    if (escaped) {
      if (c !== '\\' && c !== ',' && c !== '=') {
        throw errors.badRequest(`invalid field selector: invalid escape sequence: \\${c}`);
      }
      out += c;
      escaped = false;
    } else if (c === '\\') escaped = true;
    else if (c === ',' || c === '=') {
      // Go prints the rune with %v, i.e. as its code point number.
      throw errors.badRequest(
        `invalid field selector: unescaped character in value: ${c.codePointAt(0)}`,
      );
    } else out += c;
  }
  if (escaped) throw errors.badRequest('invalid field selector: invalid escape sequence: \\');
  return out;
}

const META_FIELDS: Record<string, (obj: KubeObject) => string | undefined> = {
  'metadata.name': (obj) => obj.metadata.name,
  'metadata.namespace': (obj) => obj.metadata.namespace,
};

/**
 * Parses `fieldSelector` (=, ==, != ; comma = AND) over metadata.name and
 * metadata.namespace plus any extra fields given; a missing field reads as "".
 * Unsupported field → errors.badRequest('field label not supported: ...').
 */
export function parseFieldSelector(
  text: string,
  extraFields?: Record<string, (obj: KubeObject) => string | undefined>,
): FieldSelector {
  const fields = { ...META_FIELDS, ...extraFields };
  const parts = splitTerms(text).sort();
  const terms: FieldTerm[] = [];
  for (const part of parts) {
    if (part === '') continue;
    const split = splitTerm(part);
    if (!split) throw errors.badRequest(`invalid selector: '${text}'; can't understand '${part}'`);
    const [field, op, raw] = split;
    terms.push({ field, value: unescapeValue(raw), negate: op === '!=' });
  }
  // Field names are checked after the whole selector parsed, as kube's Transform does.
  const getters = terms.map((t) => {
    if (!Object.prototype.hasOwnProperty.call(fields, t.field)) {
      throw errors.badRequest(`field label not supported: ${t.field}`);
    }
    return fields[t.field]!;
  });
  return (obj) =>
    terms.every((t, i) => {
      const actual = getters[i]!(obj) ?? '';
      return t.negate ? actual !== t.value : actual === t.value;
    });
}

// ---- the extra selectable fields of built-in kinds -------------------------

type Getter = (obj: KubeObject) => string | undefined;

function at(...path: string[]): Getter {
  return (obj) => {
    let node: unknown = obj;
    for (const key of path) {
      if (node === null || typeof node !== 'object') return undefined;
      node = (node as Record<string, unknown>)[key];
    }
    if (typeof node === 'string') return node;
    if (typeof node === 'number' || typeof node === 'boolean') return String(node);
    return undefined;
  };
}

const EVENT_FIELDS: Record<string, Getter> = {
  'involvedObject.kind': at('involvedObject', 'kind'),
  'involvedObject.namespace': at('involvedObject', 'namespace'),
  'involvedObject.name': at('involvedObject', 'name'),
  'involvedObject.uid': at('involvedObject', 'uid'),
  'involvedObject.apiVersion': at('involvedObject', 'apiVersion'),
  'involvedObject.resourceVersion': at('involvedObject', 'resourceVersion'),
  'involvedObject.fieldPath': at('involvedObject', 'fieldPath'),
  reason: at('reason'),
  reportingComponent: at('reportingComponent'),
  source: at('source', 'component'),
  type: at('type'),
};

const BUILTIN_FIELDS: Record<string, Record<string, Getter>> = {
  '/Namespace': { 'status.phase': at('status', 'phase') },
  '/Secret': { type: at('type') },
  '/Event': EVENT_FIELDS,
  '/Pod': {
    'spec.nodeName': at('spec', 'nodeName'),
    'spec.restartPolicy': at('spec', 'restartPolicy'),
    'spec.schedulerName': at('spec', 'schedulerName'),
    'spec.serviceAccountName': at('spec', 'serviceAccountName'),
    'spec.hostNetwork': (obj) => String(at('spec', 'hostNetwork')(obj) === 'true'),
    'status.phase': at('status', 'phase'),
    'status.podIP': at('status', 'podIP'),
    'status.nominatedNodeName': at('status', 'nominatedNodeName'),
  },
};

/** Extra field-selector fields kube-apiserver supports for a built-in kind (none for the rest). */
export function builtinSelectableFields(
  type: Pick<ResourceType, 'group' | 'kind' | 'builtin'>,
): Record<string, Getter> {
  if (!type.builtin) return {};
  return BUILTIN_FIELDS[`${type.group}/${type.kind}`] ?? {};
}
