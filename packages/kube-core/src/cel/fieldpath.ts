// The `fieldPath` of a validation rule: a JSON path of field and map
// accessors (`.spec.port`, `.labels['a.b']`) relative to the rule's node.
// ValidFieldPath's checks and error texts, and its field.Path rendering.
import { mapValueSchema, type StructuralSchema } from '../structural.ts';

const ESCAPES: Record<string, string> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  "'": "'",
  '\\': '\\',
};

function unescapeSingleQuote(s: string): string {
  return s.replace(/\\./g, (m) => {
    const out = ESCAPES[m[1]!];
    if (out === undefined) throw new Error(`invalid string literal: invalid escape char ${m}`);
    return out;
  });
}

/** Splits into '.', '[', ']' and the text between (quoted strings kept whole). */
function tokens(path: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < path.length) {
    const c = path[i]!;
    if (c === '.' || c === '[' || c === ']') {
      out.push(c);
      i++;
    } else if (c === "'") {
      let j = i + 1;
      while (j < path.length && !(path[j] === "'" && path[j - 1] !== '\\')) j++;
      out.push(path.slice(i, j + 1));
      i = j + 1;
    } else {
      let j = i;
      while (j < path.length && !'.[]'.includes(path[j]!)) j++;
      out.push(path.slice(i, j));
      i = j;
    }
  }
  return out;
}

/**
 * Validates a rule's fieldPath against the node's schema. Returns the path as
 * field.Path prints it (`spec.port`, `labels[a.b]`), or throws with kube's reason.
 */
export function validFieldPath(path: string, schema: StructuralSchema): string {
  let s: StructuralSchema | undefined = schema;
  let out = '';
  const append = (name: string) => {
    if (s?.properties) {
      const next: StructuralSchema | undefined = s.properties[name];
      out = out ? `${out}.${name}` : name;
      if (!next) throw new Error('does not refer to a valid field');
      s = next;
    } else if (s && s.additionalProperties !== undefined) {
      out = `${out}[${name}]`;
      s = mapValueSchema(s);
    } else {
      throw new Error('does not refer to a valid field');
    }
  };
  const ts = tokens(path);
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i]!;
    if (t === '[') {
      const quoted = ts[++i];
      if (quoted === undefined) throw new Error('unexpected end of JSON path');
      if (quoted.length < 2 || !quoted.startsWith("'") || !quoted.endsWith("'")) {
        throw new Error(`expected single quoted string but got ${quoted}`);
      }
      append(unescapeSingleQuote(quoted.slice(1, -1)));
      const close = ts[++i];
      if (close === undefined) throw new Error('unexpected end of JSON path');
      if (close !== ']') throw new Error(`expected ] but got ${close}`);
    } else if (t === '.') {
      const name = ts[++i];
      if (name === undefined) throw new Error('unexpected end of JSON path');
      append(name);
    } else {
      throw new Error(`expected [ or . but got: ${t}`);
    }
  }
  return out;
}

/** The fieldPath as the error path suffix, or undefined when it does not resolve. */
export function normalizeFieldPath(path: string, schema: StructuralSchema): string | undefined {
  try {
    return validFieldPath(path, schema) || undefined;
  } catch {
    return undefined;
  }
}
