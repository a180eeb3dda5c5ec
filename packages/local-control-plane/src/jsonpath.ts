// The JSONPath subset that CRD printer columns use (kube's client-go jsonpath
// without the braces and range/template parts): .a.b, .*, [n], [a:b:c], [*],
// ['key'], ["key.with.dots"], escaped dots in names, and [?(@.x op literal)]
// filters. Missing keys yield no result instead of an error, as the apiextensions
// table convertor asks for (AllowMissingKeys).
import { isObject } from '@mcp-operator/kube-core/json';

type Literal = string | number | boolean | null;

type Step =
  | { kind: 'field'; name: string }
  | { kind: 'wildcard' }
  | { kind: 'index'; index: number }
  | { kind: 'slice'; start?: number; end?: number; step?: number }
  | { kind: 'filter'; path: Step[]; op?: string; value?: Literal };

class PathError extends Error {}

const FILTER_OPS = ['==', '!=', '<=', '>=', '<', '>'];

class Parser {
  private pos = 0;
  constructor(private readonly text: string) {}

  parse(): Step[] {
    const steps = this.steps(false);
    if (this.pos !== this.text.length) this.fail('unexpected character');
    if (!steps.length) this.fail('empty path');
    return steps;
  }

  private fail(why: string): never {
    throw new PathError(`${why} at ${this.pos} in ${this.text}`);
  }

  /** Steps until the end, or (inside a filter) until an operator or ')'. */
  private steps(inFilter: boolean): Step[] {
    const steps: Step[] = [];
    while (this.pos < this.text.length) {
      const c = this.text[this.pos];
      if (c === '.') {
        this.pos++;
        if (this.text[this.pos] === '.') this.fail('recursive descent is not supported');
        steps.push(this.field());
      } else if (c === '[') {
        this.pos++;
        steps.push(this.bracket());
      } else if (inFilter) {
        break;
      } else {
        this.fail('expected . or [');
      }
    }
    return steps;
  }

  private field(): Step {
    let name = '';
    while (this.pos < this.text.length) {
      const c = this.text[this.pos]!;
      if (c === '\\' && this.text[this.pos + 1] === '.') {
        name += '.';
        this.pos += 2;
      } else if (/[A-Za-z0-9_\-/$:@]/.test(c) || c.charCodeAt(0) > 127) {
        name += c;
        this.pos++;
      } else if (c === '*' && name === '') {
        this.pos++;
        return { kind: 'wildcard' };
      } else break;
    }
    if (!name) this.fail('expected a field name');
    return { kind: 'field', name };
  }

  private bracket(): Step {
    this.skipSpaces();
    const c = this.text[this.pos];
    let step: Step;
    if (c === '*') {
      this.pos++;
      step = { kind: 'wildcard' };
    } else if (c === "'" || c === '"') {
      step = { kind: 'field', name: this.quoted() };
    } else if (c === '?') {
      step = this.filter();
    } else {
      step = this.indexOrSlice();
    }
    this.skipSpaces();
    if (this.text[this.pos] !== ']') this.fail('expected ]');
    this.pos++;
    return step;
  }

  private quoted(): string {
    const quote = this.text[this.pos++];
    let out = '';
    while (this.pos < this.text.length && this.text[this.pos] !== quote) {
      if (this.text[this.pos] === '\\' && this.pos + 1 < this.text.length) this.pos++;
      out += this.text[this.pos++];
    }
    if (this.text[this.pos] !== quote) this.fail('unterminated quote');
    this.pos++;
    return out;
  }

  private integer(): number | undefined {
    const m = /^-?\d+/.exec(this.text.slice(this.pos));
    if (!m) return undefined;
    this.pos += m[0].length;
    return Number(m[0]);
  }

  private indexOrSlice(): Step {
    const start = this.integer();
    if (this.text[this.pos] !== ':') {
      if (start === undefined) this.fail('expected an index');
      return { kind: 'index', index: start };
    }
    this.pos++;
    const end = this.integer();
    let step: number | undefined;
    if (this.text[this.pos] === ':') {
      this.pos++;
      step = this.integer();
      if (step === 0) this.fail('step must not be 0');
    }
    return { kind: 'slice', start, end, step };
  }

  private filter(): Step {
    this.pos++; // ?
    if (this.text[this.pos] !== '(') this.fail('expected ( after ?');
    this.pos++;
    this.skipSpaces();
    if (this.text[this.pos] !== '@') this.fail('expected @ in filter');
    this.pos++;
    const path = this.steps(true);
    this.skipSpaces();
    let op: string | undefined;
    let value: Literal | undefined;
    if (this.text[this.pos] !== ')') {
      op = FILTER_OPS.find((o) => this.text.startsWith(o, this.pos));
      if (!op) this.fail('expected a comparison');
      this.pos += op.length;
      this.skipSpaces();
      value = this.literal();
      this.skipSpaces();
    }
    if (this.text[this.pos] !== ')') this.fail('expected )');
    this.pos++;
    return { kind: 'filter', path, op, value };
  }

  private literal(): Literal {
    const c = this.text[this.pos];
    if (c === "'" || c === '"') return this.quoted();
    const rest = this.text.slice(this.pos);
    const word = /^(true|false|null)\b/.exec(rest);
    if (word) {
      this.pos += word[0].length;
      return word[0] === 'null' ? null : word[0] === 'true';
    }
    const num = /^-?\d+(\.\d+)?([eE][-+]?\d+)?/.exec(rest);
    if (!num) this.fail('expected a literal');
    this.pos += num[0].length;
    return Number(num[0]);
  }

  private skipSpaces(): void {
    while (this.text[this.pos] === ' ') this.pos++;
  }
}

function sliceOf(list: unknown[], step: Extract<Step, { kind: 'slice' }>): unknown[] {
  const len = list.length;
  const by = step.step ?? 1;
  const norm = (i: number) => (i < 0 ? Math.max(0, len + i) : Math.min(i, len));
  const out: unknown[] = [];
  if (by > 0) {
    for (let i = norm(step.start ?? 0); i < norm(step.end ?? len); i += by) out.push(list[i]);
  } else {
    const from = step.start === undefined ? len - 1 : Math.min(norm(step.start), len - 1);
    const to = step.end === undefined ? -1 : norm(step.end);
    for (let i = from; i > to; i += by) out.push(list[i]);
  }
  return out;
}

function compare(left: unknown, op: string | undefined, right: Literal | undefined): boolean {
  if (op === undefined) return true; // existence was already checked
  if (op === '==') return left === right;
  if (op === '!=') return left !== right;
  let a: number | string;
  let b: number | string;
  if (typeof left === 'number' && typeof right === 'number') [a, b] = [left, right];
  else if (typeof left === 'string' && typeof right === 'string') [a, b] = [left, right];
  else return false;
  switch (op) {
    case '<':
      return a < b;
    case '>':
      return a > b;
    case '<=':
      return a <= b;
    default:
      return a >= b;
  }
}

function apply(values: unknown[], step: Step): unknown[] {
  const out: unknown[] = [];
  for (const value of values) {
    switch (step.kind) {
      case 'field':
        if (isObject(value) && Object.prototype.hasOwnProperty.call(value, step.name)) {
          out.push(value[step.name]);
        }
        break;
      case 'wildcard':
        if (Array.isArray(value)) out.push(...(value as unknown[]));
        else if (isObject(value)) {
          // Go's jsonpath walks map keys in sorted order.
          for (const key of Object.keys(value).sort()) out.push(value[key]);
        }
        break;
      case 'index':
        if (Array.isArray(value)) {
          const i = step.index < 0 ? value.length + step.index : step.index;
          if (i >= 0 && i < value.length) out.push(value[i]);
        }
        break;
      case 'slice':
        if (Array.isArray(value)) out.push(...sliceOf(value, step));
        break;
      case 'filter': {
        const items: unknown[] = Array.isArray(value) ? value : [];
        for (const item of items) {
          const found = step.path.reduce<unknown[]>((acc, s) => apply(acc, s), [item]);
          if (found.length && compare(found[0], step.op, step.value)) out.push(item);
        }
        break;
      }
    }
  }
  return out;
}

const cache = new Map<string, Step[]>();

function compile(path: string): Step[] {
  let steps = cache.get(path);
  if (!steps) {
    steps = new Parser(path).parse();
    cache.set(path, steps);
  }
  return steps;
}

/** Every value the path selects in `obj`, in document order; none when a key is missing. */
export function evaluateJsonPath(obj: unknown, path: string): unknown[] {
  return compile(path).reduce<unknown[]>((acc, step) => apply(acc, step), [obj]);
}

/** Whether `path` is in the supported subset (starts with . or [, parses to the end). */
export function isValidJsonPath(path: string): boolean {
  if (!path.startsWith('.') && !path.startsWith('[')) return false;
  try {
    compile(path);
    return true;
  } catch (e) {
    if (e instanceof PathError) return false;
    throw e;
  }
}
