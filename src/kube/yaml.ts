// YAML as kubectl reads and writes it. kubectl turns manifests into JSON with
// sigs.k8s.io/yaml, which decodes with go-yaml v2: YAML 1.1 scalar resolution,
// so an unquoted `off`, `y` or `0x1F` is a boolean or a number, not a string.
//
// parseKubectlYaml reproduces that reading: the `yaml` package parses the
// structure only (failsafe schema, every scalar a string), and each plain
// scalar is resolved by go-yaml v2's resolve() (resolve.go: the resolveMap
// table, then ParseInt/ParseUint with base prefixes and `_` removed, then
// yamlStyleFloat), map keys are turned into strings as sigs.k8s.io/yaml's
// convertToJSONableObject does, and `<<` merges as go-yaml v2's decoder does.
// The `yaml` package's own YAML 1.1 schema is not used: it differs from go-yaml
// v2 (it reads sexagesimal `1:30` as 90, `0o17` as a string, timestamps as
// dates and `1e400` as Infinity; go-yaml v2 reads strings, 15, strings and a
// string).
//
// toYaml writes YAML that reads back unchanged both as YAML 1.2 and with
// go-yaml v2: every string that either would take for something else is quoted.
import {
  Document,
  LineCounter,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  parseAllDocuments,
  visit,
} from 'yaml';
import type { Scalar, YAMLMap } from 'yaml';
import { goFloat32, goQuote } from '@mcp-operator/kube-core/go-format';
import { setKey } from '@mcp-operator/kube-core/json';

const TAG_PREFIX = 'tag:yaml.org,2002:';

/** A scalar as go-yaml v2 resolves it; ints keep their exact value. */
type Resolved =
  | { tag: 'str' | 'timestamp'; value: string }
  | { tag: 'bool'; value: boolean }
  | { tag: 'null'; value: null }
  | { tag: 'int'; value: bigint }
  | { tag: 'float'; value: number };

// resolve.go's resolveMap (`<<` is there too, but its first character has no
// resolveTable hint, so resolve() never reaches it: only the decoder's merge
// check reads `<<`).
const RESOLVE_MAP = new Map<string, Resolved>();
for (const [tag, value, words] of [
  ['bool', true, 'y Y yes Yes YES true True TRUE on On ON'],
  ['bool', false, 'n N no No NO false False FALSE off Off OFF'],
  ['null', null, '~ null Null NULL'],
  ['float', NaN, '.nan .NaN .NAN'],
  ['float', Infinity, '.inf .Inf .INF +.inf +.Inf +.INF'],
  ['float', -Infinity, '-.inf -.Inf -.INF'],
] as const) {
  for (const word of words.split(' ')) RESOLVE_MAP.set(word, { tag, value } as Resolved);
}
RESOLVE_MAP.set('', { tag: 'null', value: null });

const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** The digits of strconv.ParseUint(s, 0, 64), underscores already removed by go-yaml. */
function parseBase0(s: string): bigint | undefined {
  if (s === '') return undefined;
  let base = 10;
  let digits = s;
  if (s[0] === '0') {
    const prefix = s.length >= 3 ? s[1]!.toLowerCase() : '';
    base = prefix === 'b' ? 2 : prefix === 'o' ? 8 : prefix === 'x' ? 16 : 8;
    digits = s.slice(prefix === 'b' || prefix === 'o' || prefix === 'x' ? 2 : 1);
  }
  let n = 0n;
  for (const c of digits) {
    const d = /^[0-9a-zA-Z]$/.test(c) ? parseInt(c, 36) : NaN;
    if (!(d < base)) return undefined;
    n = n * BigInt(base) + BigInt(d);
  }
  return n;
}

/** strconv.ParseUint(s, base, 64): no sign, at most 2^64-1. */
function parseGoUint(s: string, digits = parseBase0): bigint | undefined {
  const n = digits(s);
  return n !== undefined && n <= UINT64_MAX ? n : undefined;
}

/** strconv.ParseInt(s, base, 64): an optional sign, then the digits; within int64. */
function parseGoInt(s: string, digits = parseBase0): bigint | undefined {
  const negative = s[0] === '-';
  const magnitude = digits(s[0] === '+' || s[0] === '-' ? s.slice(1) : s);
  if (magnitude === undefined) return undefined;
  const n = negative ? -magnitude : magnitude;
  return n >= INT64_MIN && n <= INT64_MAX ? n : undefined;
}

function parseBinary(s: string): bigint | undefined {
  return /^[01]+$/.test(s) ? BigInt(`0b${s}`) : undefined;
}

/** strconv.ParseFloat for what reaches it: decimal forms; out of range is an error. */
function parseGoFloat(s: string): number | undefined {
  // Go accepts `_` between digits; resolve() calls it on the raw text only for a leading '.'.
  if (!/^[-+]?(\d(_?\d)*)?(\.(\d(_?\d)*)?)?([eE][-+]?\d(_?\d)*)?$/.test(s)) return undefined;
  if (!/\d/.test(s.replace(/[eE].*/, ''))) return undefined;
  const value = Number(s.replaceAll('_', ''));
  return Number.isFinite(value) ? value : undefined;
}

// go-yaml v2's allowedTimestampFormats (time.Parse layouts: one- or two-digit
// month, day, hour, minute, second; optional fraction; zone Z or ±hh:mm).
const TIMESTAMP =
  /^\d{4}-\d{1,2}-\d{1,2}(?:(?:[Tt]\d{1,2}:\d{1,2}:\d{1,2}(?:\.\d+)?(?:Z|[-+]\d{2}:\d{2}))|(?: \d{1,2}:\d{1,2}:\d{1,2}(?:\.\d+)?))?$/;

/**
 * go-yaml v2's resolve() for a plain or explicitly tagged scalar. Timestamps
 * are looked for only when unquoted or tagged !!timestamp, as there.
 */
function resolveGo(text: string, timestamps = true): Resolved {
  // resolveTable: 'M' for yYnNtTfFoO~, 'D' digits, 'S' signs, '.'; other first
  // characters resolve to a string at once (the empty string is null).
  const mapped = RESOLVE_MAP.get(text);
  if (mapped) return mapped;
  const hint = text[0]!;
  if (!/^[-+0-9yYnNtTfFoO~.]$/.test(hint)) return { tag: 'str', value: text };
  if (hint === '.') {
    const f = parseGoFloat(text);
    return f === undefined ? { tag: 'str', value: text } : { tag: 'float', value: f };
  }
  if (!/^[-+0-9]$/.test(hint)) return { tag: 'str', value: text };
  if (timestamps && TIMESTAMP.test(text)) return { tag: 'timestamp', value: text };
  const plain = text.replaceAll('_', '');
  const int = parseGoInt(plain) ?? parseGoUint(plain);
  if (int !== undefined) return { tag: 'int', value: int };
  if (YAML_STYLE_FLOAT.test(plain)) {
    const f = Number(plain);
    if (Number.isFinite(f)) return { tag: 'float', value: f };
  }
  let binary: bigint | undefined;
  if (plain.startsWith('0b')) {
    binary = parseGoInt(plain.slice(2), parseBinary) ?? parseGoUint(plain.slice(2), parseBinary);
  } else if (plain.startsWith('-0b')) {
    binary = parseGoInt(`-${plain.slice(3)}`, parseBinary);
  }
  if (binary !== undefined) return { tag: 'int', value: binary };
  return { tag: 'str', value: text };
}

/**
 * Whether a string must be quoted so that it reads back as the same string
 * with go-yaml v2 (including `<<`, a merge as a plain key). Also true for
 * timestamps and YAML 1.1 sexagesimal numbers (`1:30`), which go-yaml v2 reads
 * as strings but other YAML 1.1 readers do not.
 */
export function isAmbiguousYaml11String(s: string): boolean {
  if (s === '<<' || resolveGo(s).tag !== 'str') return true;
  return /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/.test(s);
}

class YamlReadError extends Error {}

/** strconv.FormatFloat(v, 'g', -1, 32), with go-yaml's names for Inf and NaN. */
function formatFloatKey(v: number): string {
  if (Number.isNaN(v)) return '.nan';
  if (v === Infinity) return '.inf';
  if (v === -Infinity) return '-.inf';
  return goFloat32(v);
}

/** sigs.k8s.io/yaml's conversion of a decoded map key to a JSON object key. */
function keyString(key: unknown): string {
  switch (typeof key) {
    case 'string':
      return key;
    case 'boolean':
      return key ? 'true' : 'false';
    case 'bigint':
      // go-yaml hands over int64 or, above it, uint64, which has no case there.
      if (key > INT64_MAX) throw new YamlReadError(`unsupported map key of type uint64: ${key}`);
      return String(key);
    case 'number':
      return formatFloatKey(key);
    default:
      throw new YamlReadError(
        key === null ? 'unsupported map key of type <nil>' : 'invalid map key: a map or a list',
      );
  }
}

type Parsed = ReturnType<typeof parseAllDocuments>[number];

/** go-yaml v2's decoding into interface{}, then sigs.k8s.io/yaml's conversion to JSON. */
class Decoder {
  private decoded = 0;
  private readonly expanding = new Set<unknown>();

  constructor(
    private readonly doc: Parsed,
    private readonly lines: LineCounter,
  ) {}

  document(): unknown {
    return this.value(this.doc.contents);
  }

  private fail(node: unknown, message: string): never {
    const offset = (node as { range?: [number, number, number] } | null)?.range?.[0];
    const where = offset === undefined ? '' : `line ${this.lines.linePos(offset).line}: `;
    throw new YamlReadError(`${where}${message}`);
  }

  /** Follows an alias (refusing one inside its own anchor) and runs `read` on its target. */
  private follow<T>(node: unknown, read: (target: unknown) => T): T {
    if (++this.decoded > 1_000_000) this.fail(node, 'document contains excessive aliasing');
    if (!isAlias(node)) return read(node);
    const target = node.resolve(this.doc);
    if (!target) this.fail(node, `unknown anchor '${node.source}' referenced`);
    if (this.expanding.has(target))
      this.fail(node, `anchor '${node.source}' value contains itself`);
    this.expanding.add(target);
    try {
      return read(target);
    } finally {
      this.expanding.delete(target);
    }
  }

  /** A value as it ends up in JSON: ints become numbers; NaN and Inf cannot be encoded. */
  private value(node: unknown): unknown {
    const v = this.decode(node);
    if (typeof v === 'bigint') return Number(v);
    if (typeof v === 'number' && !Number.isFinite(v)) {
      this.fail(
        node,
        `json: unsupported value: ${Number.isNaN(v) ? 'NaN' : v > 0 ? '+Inf' : '-Inf'}`,
      );
    }
    return v;
  }

  /** The value as go-yaml decodes it into interface{} (ints as bigint, so keys keep their type). */
  private decode(node: unknown): unknown {
    return this.follow(node, (n) => {
      if (n === null || n === undefined) return null;
      if (isScalar(n)) return this.scalar(n);
      if (isSeq(n)) return n.items.map((item) => this.value(item));
      if (isMap(n)) {
        const out: Record<string, unknown> = {};
        this.mapping(n, out);
        return out;
      }
      return this.fail(n, 'unsupported YAML node');
    });
  }

  private scalar(node: Scalar): unknown {
    const text = node.source ?? String(node.value);
    const tag = node.tag;
    // Quoted and block scalars without a tag are strings; plain ones are resolved.
    if (!tag) {
      if (node.type !== 'PLAIN') return text;
      const r = resolveGo(text);
      return r.tag === 'timestamp' ? text : r.value;
    }
    const short = tag.startsWith(TAG_PREFIX) ? tag.slice(TAG_PREFIX.length) : '';
    if (short === 'binary') {
      const data = text.replace(/[\r\n]/g, '');
      if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(data)) {
        this.fail(node, '!!binary value contains invalid base64 data');
      }
      return Buffer.from(data, 'base64').toString('utf8');
    }
    // !!str and tags resolve() does not know (`!foo`, `!`) leave the text as it is.
    if (!['bool', 'int', 'float', 'null', 'timestamp'].includes(short)) return text;
    const r = resolveGo(text, short === 'timestamp');
    if (r.tag === short) return r.tag === 'timestamp' ? text : r.value;
    if (short === 'float' && r.tag === 'int') return Number(r.value);
    return this.fail(node, `cannot decode !!${r.tag} \`${text}\` as a !!${short}`);
  }

  /** go-yaml v2's mapping(): pairs in order, a `<<` merge overwriting what came before it. */
  private mapping(node: YAMLMap, out: Record<string, unknown>): void {
    const seen = new Set<string>();
    for (const pair of node.items) {
      if (this.isMerge(pair.key)) {
        this.merge(pair.value, out);
        continue;
      }
      const raw = this.decode(pair.key);
      if (raw !== null && typeof raw === 'object') {
        this.fail(pair.key, 'invalid map key: a map or a list');
      }
      let key: string;
      try {
        key = keyString(raw);
      } catch (err) {
        return this.fail(pair.key, (err as Error).message);
      }
      // go-yaml v2 lets the last one win; a duplicate is almost always a
      // mistake, so it is refused in the words of go-yaml's strict mode.
      if (seen.has(key)) this.fail(pair.key, `key ${goQuote(key)} already set in map`);
      seen.add(key);
      setKey(out, key, this.value(pair.value));
    }
  }

  private isMerge(node: unknown): boolean {
    if (!isScalar(node) || node.source !== '<<') return false;
    return node.tag ? node.tag === `${TAG_PREFIX}merge` : node.type === 'PLAIN';
  }

  /** go-yaml v2's merge(): a map, an alias of one, or a list of them (earlier ones win). */
  private merge(value: unknown, out: Record<string, unknown>): void {
    const sources = isSeq(value) ? [...value.items].reverse() : [value];
    for (const source of sources) {
      this.follow(source, (target) => {
        if (!isMap(target)) {
          this.fail(value, 'map merge requires map or sequence of maps as the value');
        }
        this.mapping(target, out);
      });
    }
  }
}

/**
 * Reads every document of a YAML stream the way kubectl does (see the module
 * header); an empty document reads as null. Throws `SOURCE: not valid YAML: …`.
 */
export function parseKubectlYaml(text: string, source: string): unknown[] {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, {
    schema: 'failsafe',
    version: '1.1',
    uniqueKeys: false,
    prettyErrors: false,
    lineCounter: lines,
  });
  const values: unknown[] = [];
  for (const doc of docs) {
    if (doc.errors.length > 0) {
      throw new Error(`${source}: not valid YAML: ${doc.errors[0]!.message.split('\n')[0]}`);
    }
    try {
      values.push(new Decoder(doc, lines).document());
    } catch (err) {
      if (err instanceof YamlReadError)
        throw new Error(`${source}: not valid YAML: ${err.message}`);
      throw err;
    }
  }
  return values;
}

/**
 * Writes documents as YAML (separated by `---`, keys in the order given,
 * 2-space indent, no line folding) that kubectl reads back unchanged: strings
 * that YAML 1.1 or 1.2 would read as something else are double-quoted.
 */
export function toYaml(documents: unknown[]): string {
  return documents
    .map((value) => {
      const doc = new Document(value, { aliasDuplicateObjects: false });
      visit(doc, {
        Scalar(_, node) {
          if (typeof node.value === 'string' && isAmbiguousYaml11String(node.value)) {
            node.type = 'QUOTE_DOUBLE';
          }
        },
      });
      return doc.toString({ indent: 2, lineWidth: 0 });
    })
    .join('---\n');
}
