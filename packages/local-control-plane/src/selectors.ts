// Label and field selectors as kube-apiserver parses them for list and watch:
// the same grammar, the same matching rules and the same error messages
// (apimachinery's labels.Parse and fields.ParseSelector).
import { goQuote } from '@mcp-operator/kube-core/go-format';
import { isQualifiedName, isValidLabelValue } from '@mcp-operator/kube-core/names';
import { errors } from './errors.ts';
import {
  at,
  DEFAULT_SELECTABLE_FIELDS,
  NAME,
  NAME_AND_NAMESPACE,
  only,
  type Getter,
  type SelectableFields,
} from './kinds/field-labels.ts';
import { strategyFor } from './kinds/index.ts';
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
    const keyErrors = isQualifiedName(key);
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
    const errs = isValidLabelValue(v);
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

// ---- which fields a kind can be selected by --------------------------------

export { DEFAULT_SELECTABLE_FIELDS, type SelectableFields } from './kinds/field-labels.ts';

/**
 * The field selectors a served resource supports. Built-ins as kube-apiserver
 * registers them; custom resources as apiextensions' crConverter: metadata.name,
 * metadata.namespace when namespaced, and the CRD version's `selectableFields`
 * (JSON paths such as `.spec.color`; strings, integers and booleans select).
 */
export function selectableFieldsFor(
  type: Pick<ResourceType, 'group' | 'kind' | 'builtin' | 'namespaced'>,
  crdSelectableFields: readonly string[] = [],
): SelectableFields {
  if (type.builtin) return strategyFor(type)?.selectableFields ?? DEFAULT_SELECTABLE_FIELDS;
  const fields: Record<string, Getter> = type.namespaced ? { ...NAME_AND_NAMESPACE } : { ...NAME };
  for (const jsonPath of crdSelectableFields) {
    const path = jsonPath.replace(/^\./, '').split('.');
    fields[path.join('.')] = at(...path);
  }
  return only(fields);
}

/**
 * Parses `fieldSelector` (=, ==, != ; comma = AND) against the fields a
 * resource supports (by default metadata.name and metadata.namespace); a
 * missing field reads as "". A label the resource does not support is a 400
 * with kube-apiserver's wording for that kind.
 */
export function parseFieldSelector(
  text: string,
  fields: SelectableFields = DEFAULT_SELECTABLE_FIELDS,
): FieldSelector {
  const parts = splitTerms(text).sort();
  const terms: FieldTerm[] = [];
  for (const part of parts) {
    if (part === '') continue;
    const split = splitTerm(part);
    if (!split) throw errors.badRequest(`invalid selector: '${text}'; can't understand '${part}'`);
    const [field, op, raw] = split;
    terms.push({ field, value: unescapeValue(raw), negate: op === '!=' });
  }
  // Labels are checked after the whole selector parsed, in sorted order, as kube's Transform does.
  const getters = terms.map((t) => {
    const getter = fields.resolve(t.field);
    if (!getter) throw errors.badRequest(fields.unsupported(t.field));
    return getter;
  });
  return (obj) =>
    terms.every((t, i) => {
      const actual = getters[i]!(obj) ?? '';
      return t.negate ? actual !== t.value : actual === t.value;
    });
}
