// CEL types as the rule checker tracks them (cel-go's type names in its
// messages: `list(string)`, `map(string, int)`, `google.protobuf.Timestamp`),
// with the size bounds (kube's DeclType.MaxElements) the cost estimator
// reads from the schema.

export type CelT =
  | { k: 'dyn'; maxSize?: number }
  | { k: 'scalar'; name: string; maxSize?: number }
  | { k: 'object'; fields: Map<string, CelT>; name?: string }
  | { k: 'map'; value: CelT; maxSize?: number }
  | { k: 'list'; elem: CelT; maxSize?: number }
  /** A type parameter of a library overload (list(A).indexOf(A)). */
  | { k: 'param'; name: string };

export const DYN: CelT = { k: 'dyn' };
export const scalar = (name: string): CelT => ({ k: 'scalar', name });
export const listOf = (elem: CelT): CelT => ({ k: 'list', elem });
export const mapOf = (value: CelT): CelT => ({ k: 'map', value });
export const param = (name: string): CelT => ({ k: 'param', name });

export const BOOL = scalar('bool');
export const INT = scalar('int');
export const UINT = scalar('uint');
export const DOUBLE = scalar('double');
export const STRING = scalar('string');
export const BYTES = scalar('bytes');
export const NULL = scalar('null_type');
export const TYPE = scalar('type');
export const TIMESTAMP = scalar('google.protobuf.Timestamp');
export const DURATION = scalar('google.protobuf.Duration');
export const URL_TYPE = scalar('kubernetes.URL');
export const QUANTITY_TYPE = scalar('kubernetes.Quantity');

/** cel-go's FormatCELType. */
export function typeName(t: CelT): string {
  switch (t.k) {
    case 'dyn':
      return 'dyn';
    case 'scalar':
      return t.name;
    case 'object':
      return t.name ?? 'object';
    case 'map':
      return `map(string, ${typeName(t.value)})`;
    case 'list':
      return `list(${typeName(t.elem)})`;
    case 'param':
      return t.name;
  }
}

export const isDyn = (t: CelT): boolean => t.k === 'dyn';
export const isScalar = (t: CelT, ...names: string[]): boolean =>
  t.k === 'scalar' && names.includes(t.name);

/** Same type, as far as definite types go (dyn matches anything). */
export function sameType(a: CelT, b: CelT): boolean {
  if (isDyn(a) || isDyn(b)) return true;
  if (a.k !== b.k) return false;
  if (a.k === 'scalar' && b.k === 'scalar') return a.name === b.name;
  if (a.k === 'list' && b.k === 'list') return sameType(a.elem, b.elem);
  if (a.k === 'map' && b.k === 'map') return sameType(a.value, b.value);
  return true;
}

/** One signature of a function: the receiver first for a member overload. */
export interface Overload {
  member: boolean;
  params: CelT[];
  result: CelT;
}

/** Whether an argument of type `arg` fits `p`, binding type parameters on the way. */
export function assignable(p: CelT, arg: CelT, bindings: Map<string, CelT>): boolean {
  if (p.k === 'param') {
    const bound = bindings.get(p.name);
    if (!bound || isDyn(bound)) {
      bindings.set(p.name, arg);
      return true;
    }
    return assignable(bound, arg, bindings);
  }
  if (isDyn(p) || isDyn(arg)) return true;
  if (p.k === 'scalar') return arg.k === 'scalar' && arg.name === p.name;
  if (p.k === 'list') return arg.k === 'list' && assignable(p.elem, arg.elem, bindings);
  if (p.k === 'map') return arg.k === 'map' && assignable(p.value, arg.value, bindings);
  if (p.k === 'object') return arg.k === 'object';
  return false;
}

/** A result type with the bound type parameters filled in (unbound ones are dyn). */
export function substitute(t: CelT, bindings: Map<string, CelT>): CelT {
  switch (t.k) {
    case 'param':
      return bindings.get(t.name) ?? DYN;
    case 'list':
      return listOf(substitute(t.elem, bindings));
    case 'map':
      return mapOf(substitute(t.value, bindings));
    default:
      return t;
  }
}
