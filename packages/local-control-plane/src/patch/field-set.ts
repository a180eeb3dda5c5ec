// Sets of field paths as structured-merge-diff keeps them, and their FieldsV1
// encoding. A path is a list of path elements, each already in its FieldsV1
// spelling: `f:<field>`, `k:<json of the key fields>` for an item of a
// list-map, `v:<json>` for an item of a set.
import { goJson } from '@mcp-operator/kube-core/go-format';
import { isObject, type JsonObject } from '@mcp-operator/kube-core/json';

export type PathElement = string;
export type FieldPath = readonly PathElement[];

/** A node of the set: `member` when the path leading here is itself in the set. */
export class FieldSet {
  member = false;
  readonly children = new Map<PathElement, FieldSet>();

  child(pe: PathElement): FieldSet {
    let node = this.children.get(pe);
    if (!node) {
      node = new FieldSet();
      this.children.set(pe, node);
    }
    return node;
  }

  insert(path: FieldPath): void {
    path.reduce((node: FieldSet, pe) => node.child(pe), this).member = true;
  }

  has(path: FieldPath): boolean {
    return this.at(path)?.member ?? false;
  }

  /** The node at `path`, if any path of the set goes through it. */
  at(path: FieldPath): FieldSet | undefined {
    return path.reduce<FieldSet | undefined>((node, pe) => node?.children.get(pe), this);
  }

  isEmpty(): boolean {
    if (this.member) return false;
    for (const node of this.children.values()) if (!node.isEmpty()) return false;
    return true;
  }

  /** Every member path, in structured-merge-diff's order: a node's members before its subtrees, each sorted. */
  paths(prefix: PathElement[] = []): PathElement[][] {
    const out: PathElement[][] = [];
    const keys = [...this.children.keys()].sort(comparePathElements);
    for (const pe of keys) if (this.children.get(pe)!.member) out.push([...prefix, pe]);
    for (const pe of keys) out.push(...this.children.get(pe)!.paths([...prefix, pe]));
    return out;
  }

  static fromPaths(paths: Iterable<FieldPath>): FieldSet {
    const set = new FieldSet();
    for (const path of paths) set.insert(path);
    return set;
  }
}

export function union(a: FieldSet, b: FieldSet): FieldSet {
  const out = new FieldSet();
  out.member = a.member || b.member;
  const keep = (pe: PathElement, node: FieldSet) => {
    if (nonEmpty(node)) out.children.set(pe, node);
  };
  for (const [pe, left] of a.children) keep(pe, union(left, b.children.get(pe) ?? EMPTY));
  for (const [pe, right] of b.children) {
    if (!a.children.has(pe)) keep(pe, union(EMPTY, right));
  }
  return out;
}

/** Members of `a` that are not members of `b`; membership of a prefix in `b` does not remove descendants. */
export function difference(a: FieldSet, b: FieldSet | undefined): FieldSet {
  const out = new FieldSet();
  out.member = a.member && !b?.member;
  for (const [pe, node] of a.children) {
    const rest = difference(node, b?.children.get(pe));
    if (nonEmpty(rest)) out.children.set(pe, rest);
  }
  return out;
}

export function intersection(a: FieldSet, b: FieldSet): FieldSet {
  const out = new FieldSet();
  out.member = a.member && b.member;
  for (const [pe, node] of a.children) {
    const other = b.children.get(pe);
    if (!other) continue;
    const both = intersection(node, other);
    if (nonEmpty(both)) out.children.set(pe, both);
  }
  return out;
}

/**
 * Whether a set built by union, difference or intersection has a member: they
 * keep only children with members, so a look at the node itself is enough
 * (isEmpty walks the whole subtree, at every level of the recursion).
 */
function nonEmpty(built: FieldSet): boolean {
  return built.member || built.children.size > 0;
}

/** Whether two sets have the same members (empty subtrees are no members). */
export function sameSet(a: FieldSet, b: FieldSet): boolean {
  if (a === b) return true;
  if (a.member !== b.member) return false;
  for (const [pe, node] of a.children) {
    const other = b.children.get(pe);
    if (other ? !sameSet(node, other) : !node.isEmpty()) return false;
  }
  for (const [pe, node] of b.children) {
    if (!a.children.has(pe) && !node.isEmpty()) return false;
  }
  return true;
}

/** The empty set, read and never written: what union pairs a one-sided subtree with. */
const EMPTY = new FieldSet();

/** Only the subtree under the top-level element `pe`. */
export function onlyTop(set: FieldSet, pe: PathElement): FieldSet {
  const out = new FieldSet();
  const node = set.children.get(pe);
  if (node && !node.isEmpty()) out.children.set(pe, union(node, new FieldSet()));
  return out;
}

// --- path elements -----------------------------------------------------------

export function fieldElement(name: string): PathElement {
  return `f:${name}`;
}

/** A list-map item's element: key fields sorted by name, as structured-merge-diff sorts them. */
export function keyElement(fields: Record<string, unknown>): PathElement {
  return `k:${goJson(fields)}`;
}

export function valueElement(value: unknown): PathElement {
  return `v:${goJson(value)}`;
}

const typeRank: Record<string, number> = { f: 0, k: 1, v: 2, i: 3 };

/** structured-merge-diff's Value ordering: numbers, strings, booleans, lists, maps, null. */
function compareValues(a: unknown, b: unknown): number {
  const rank = (v: unknown) =>
    typeof v === 'number'
      ? 0
      : typeof v === 'string'
        ? 1
        : typeof v === 'boolean'
          ? 2
          : Array.isArray(v)
            ? 3
            : isObject(v)
              ? 4
              : 5;
  const diff = rank(a) - rank(b);
  if (diff !== 0) return Math.sign(diff);
  if (typeof a === 'number' && typeof b === 'number') return Math.sign(a - b);
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  const ja = goJson(a);
  const jb = goJson(b);
  return ja < jb ? -1 : ja > jb ? 1 : 0;
}

function comparePathElements(a: PathElement, b: PathElement): number {
  // Two fields (most elements): the same prefix, so their order is their names'.
  if (a[0] === 'f' && b[0] === 'f') return a < b ? -1 : a > b ? 1 : 0;
  const rank = (typeRank[a[0]!] ?? 4) - (typeRank[b[0]!] ?? 4);
  if (rank !== 0) return Math.sign(rank);
  const kind = a[0];
  const restA = a.slice(2);
  const restB = b.slice(2);
  if (kind === 'k') {
    // Field lists compare field by field: name, then value; a shorter list first.
    const fa = Object.entries(JSON.parse(restA) as JsonObject);
    const fb = Object.entries(JSON.parse(restB) as JsonObject);
    for (let i = 0; i < Math.min(fa.length, fb.length); i++) {
      const [na, va] = fa[i]!;
      const [nb, vb] = fb[i]!;
      if (na !== nb) return na < nb ? -1 : 1;
      const byValue = compareValues(va, vb);
      if (byValue !== 0) return byValue;
    }
    return Math.sign(fa.length - fb.length);
  }
  if (kind === 'v') return compareValues(JSON.parse(restA), JSON.parse(restB));
  if (kind === 'i') return Math.sign(Number(restA) - Number(restB));
  return restA < restB ? -1 : restA > restB ? 1 : 0;
}

/** structured-merge-diff's string form of a value inside a path: strings quoted, the rest as JSON. */
function valueString(value: unknown): string {
  if (isObject(value)) {
    return Object.entries(value)
      .map(([key, item]) => `${key}=${valueString(item)}`)
      .join('');
  }
  if (Array.isArray(value)) return `[${value.map(valueString).join(',')}]`;
  return JSON.stringify(value);
}

/** `.spec.template.spec.containers[name="nginx"].image`, as conflict messages print paths. */
export function pathString(path: FieldPath): string {
  return path
    .map((pe) => {
      const rest = pe.slice(2);
      switch (pe[0]) {
        case 'f':
          return `.${rest}`;
        case 'k': {
          const fields = Object.entries(JSON.parse(rest) as JsonObject);
          return `[${fields.map(([name, value]) => `${name}=${valueString(value)}`).join(',')}]`;
        }
        case 'v':
          return `[=${valueString(JSON.parse(rest))}]`;
        default:
          return `[${rest}]`;
      }
    })
    .join('');
}

// --- FieldsV1 ----------------------------------------------------------------

/** The FieldsV1 JSON of a set: `.` for membership of a node with children, `{}` for a leaf. */
export function toFieldsV1(set: FieldSet): Record<string, unknown> {
  return encodeNode(set) ?? {};
}

/**
 * A node's FieldsV1, or undefined when nothing below it is a member: `.` first
 * when the node itself is one and has members below (a leaf member is `{}`).
 */
function encodeNode(set: FieldSet, withDot = false): Record<string, unknown> | undefined {
  const size = set.children.size;
  if (size === 0) return undefined;
  let keys: PathElement[];
  if (size === 1) keys = [set.children.keys().next().value!];
  else {
    keys = Array.from(set.children.keys());
    keys.sort(comparePathElements);
  }
  let out: Record<string, unknown> | undefined;
  for (const pe of keys) {
    const node = set.children.get(pe)!;
    const inner = encodeNode(node, node.member);
    // A subtree without members is left out (what isEmpty says, found on the way up).
    if (!node.member && !inner) continue;
    out ??= withDot ? { '.': {} } : {};
    out[pe] = inner ?? {};
  }
  return out;
}

/** Decodes FieldsV1 JSON; anything that is not an object decodes as the empty set. */
export function fromFieldsV1(fields: unknown): FieldSet {
  const set = new FieldSet();
  const walk = (node: FieldSet, value: unknown) => {
    if (!isObject(value)) return;
    for (const [key, inner] of Object.entries(value)) {
      if (key === '.') {
        node.member = true;
        continue;
      }
      const child = node.child(key);
      // A leaf (`{}`) is a member; a node with content is a member only if it says `.`.
      if (isObject(inner) && Object.keys(inner).length === 0) child.member = true;
      else walk(child, inner);
    }
  };
  walk(set, fields);
  return set;
}
