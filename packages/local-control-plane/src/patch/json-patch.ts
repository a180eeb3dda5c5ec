// RFC 6902 JSON patch, with the error wording and status codes kube-apiserver
// produces (it applies patches with evanphx/json-patch): a body that does not
// decode as a patch is 400 BadRequest; an operation that fails is 422 Invalid
// with the generic "rejected our request" message and the library's error as
// an UnexpectedServerResponse cause.
import { errors } from '../errors.ts';
import { clone, deepEqual, isObject, type JsonObject } from '@mcp-operator/kube-core/json';
import { jsonKind } from '@mcp-operator/kube-core/go-format';
import { rejected } from './patch-errors.ts';

/** Thrown inside this module; turned into the 422 at the top. */
class OpError extends Error {}

type Container = JsonObject | unknown[];

/** RFC 6901 unescaping: `~1` before `~0`, so `~01` stays `~1`. */
function unescapeToken(token: string): string {
  return token.replaceAll('~1', '/').replaceAll('~0', '~');
}

/** Go's strconv.Atoi, which is what the library uses for array indices. */
function parseIndex(token: string): number | undefined {
  return /^[+-]?\d+$/.test(token) ? Number(token) : undefined;
}

function atoiError(token: string): string {
  return `strconv.Atoi: parsing ${JSON.stringify(token)}: invalid syntax`;
}

function invalidIndex(index: number): string {
  return `Unable to access invalid index: ${index}: invalid index referenced`;
}

/** The container holding the last token of `path`, and that token; undefined when the path does not lead anywhere. */
function findParent(doc: Container, path: string): { parent: Container; key: string } | undefined {
  if (!path.startsWith('/')) return undefined;
  const tokens = path.slice(1).split('/').map(unescapeToken);
  const key = tokens.pop()!;
  let node: unknown = doc;
  for (const token of tokens) {
    if (Array.isArray(node)) {
      const index = parseIndex(token);
      if (index === undefined || index < 0 || index >= node.length) return undefined;
      node = node[index];
    } else if (isObject(node)) {
      node = node[token];
    } else {
      return undefined;
    }
  }
  if (Array.isArray(node) || isObject(node)) return { parent: node, key };
  return undefined;
}

function getChild(parent: Container, key: string): unknown {
  if (!Array.isArray(parent)) return parent[key];
  const index = parseIndex(key);
  if (index === undefined) throw new OpError(atoiError(key));
  if (index < 0 || index >= parent.length) throw new OpError(invalidIndex(index));
  return parent[index];
}

function addChild(parent: Container, key: string, value: unknown): void {
  if (!Array.isArray(parent)) {
    parent[key] = value;
    return;
  }
  if (key === '-') {
    parent.push(value);
    return;
  }
  const parsed = parseIndex(key);
  if (parsed === undefined)
    throw new OpError(`value was not a proper array index: '${key}': ${atoiError(key)}`);
  // The library accepts negative indices counted from the end of the grown array.
  const size = parent.length + 1;
  if (parsed >= size || parsed < -size) throw new OpError(invalidIndex(parsed));
  parent.splice(parsed < 0 ? parsed + size : parsed, 0, value);
}

function removeChild(parent: Container, key: string): void {
  if (!Array.isArray(parent)) {
    if (!(key in parent))
      throw new OpError(`Unable to remove nonexistent key: ${key}: missing value`);
    delete parent[key];
    return;
  }
  const parsed = parseIndex(key);
  if (parsed === undefined) throw new OpError(atoiError(key));
  if (parsed >= parent.length || parsed < -parent.length) throw new OpError(invalidIndex(parsed));
  parent.splice(parsed < 0 ? parsed + parent.length : parsed, 1);
}

function hasChild(parent: Container, key: string): boolean {
  if (!Array.isArray(parent)) return key in parent;
  const index = parseIndex(key);
  return index !== undefined && index >= 0 && index < parent.length;
}

function stringField(op: JsonObject, field: 'path' | 'from'): string | undefined {
  return typeof op[field] === 'string' ? op[field] : undefined;
}

function wrap(message: string, run: () => void): void {
  try {
    run();
  } catch (error) {
    if (error instanceof OpError) throw new OpError(`${message}: ${error.message}`);
    throw error;
  }
}

const missing = 'missing value';

function applyOp(doc: Container, op: JsonObject): void {
  const kind = typeof op.op === 'string' ? op.op : 'unknown';
  const path = stringField(op, 'path');
  const from = stringField(op, 'from');
  const value = clone(op.value ?? null);
  switch (kind) {
    case 'add': {
      if (path === undefined) throw new OpError(`add operation failed to decode path: ${missing}`);
      const target = findParent(doc, path);
      if (!target)
        throw new OpError(
          `add operation does not apply: doc is missing path: "${path}": ${missing}`,
        );
      wrap(`error in add for path: '${path}'`, () => addChild(target.parent, target.key, value));
      return;
    }
    case 'remove': {
      if (path === undefined)
        throw new OpError(`remove operation failed to decode path: ${missing}`);
      const target = findParent(doc, path);
      if (!target)
        throw new OpError(
          `remove operation does not apply: doc is missing path: "${path}": ${missing}`,
        );
      wrap(`error in remove for path: '${path}'`, () => removeChild(target.parent, target.key));
      return;
    }
    case 'replace': {
      if (path === undefined) {
        throw new OpError(
          `replace operation failed to decode path: operation missing path field: ${missing}`,
        );
      }
      const target = findParent(doc, path);
      if (!target)
        throw new OpError(
          `replace operation does not apply: doc is missing path: ${path}: ${missing}`,
        );
      // RFC 6902 4.3: the target location must exist.
      if (!hasChild(target.parent, target.key)) {
        throw new OpError(
          `replace operation does not apply: doc is missing key: ${path}: ${missing}`,
        );
      }
      if (Array.isArray(target.parent)) target.parent[Number(target.key)] = value;
      else target.parent[target.key] = value;
      return;
    }
    case 'test': {
      if (path === undefined) {
        throw new OpError(
          `test operation failed to decode path: operation missing path field: ${missing}`,
        );
      }
      const target = findParent(doc, path);
      if (!target)
        throw new OpError(`test operation does not apply: is missing path: ${path}: ${missing}`);
      let actual: unknown;
      wrap(`error in test for path: '${path}'`, () => {
        actual = getChild(target.parent, target.key);
      });
      if (!deepEqual(actual ?? null, value))
        throw new OpError(`testing value ${path} failed: test failed`);
      return;
    }
    case 'move':
    case 'copy': {
      if (from === undefined) {
        throw new OpError(
          `${kind} operation failed to decode from: operation, missing from field: ${missing}`,
        );
      }
      const source = findParent(doc, from);
      if (!source)
        throw new OpError(
          `${kind} operation does not apply: doc is missing from path: ${from}: ${missing}`,
        );
      let moved: unknown;
      if (kind === 'move') {
        // The library reads then removes the source, and names the last token in the error.
        wrap(`error in move for path: '${source.key}'`, () => {
          moved = getChild(source.parent, source.key);
          removeChild(source.parent, source.key);
        });
      } else {
        wrap(`error in copy for from: '${from}'`, () => {
          moved = clone(getChild(source.parent, source.key));
        });
        if (moved === undefined) {
          throw new OpError(
            `copy operation does not apply: doc is missing from path: ${from}: ${missing}`,
          );
        }
      }
      if (path === undefined) {
        throw new OpError(
          kind === 'move'
            ? `move operation failed to decode path: operation missing path field: ${missing}`
            : `copy operation failed to decode path: ${missing}`,
        );
      }
      const target = findParent(doc, path);
      if (!target) {
        throw new OpError(
          `${kind} operation does not apply: doc is missing destination path: ${path}: ${missing}`,
        );
      }
      const prefix =
        kind === 'move'
          ? `error in move for path: '${path}'`
          : 'error while adding value during copy';
      wrap(prefix, () => addChild(target.parent, target.key, moved));
      return;
    }
    default:
      throw new OpError(`Unexpected kind: ${kind}`);
  }
}

/**
 * Applies an RFC 6902 patch (already parsed from JSON) to a copy of `doc`.
 * Throws 400 when `patch` is not a list of operations, 422 when an operation fails.
 */
export function applyJsonPatch(doc: unknown, patch: unknown): unknown {
  // A JSON `null` body decodes to an empty patch in Go.
  if (patch === null) return clone(doc);
  if (!Array.isArray(patch)) {
    throw errors.badRequest(
      `json: cannot unmarshal ${jsonKind(patch)} into Go value of type jsonpatch.Patch`,
    );
  }
  for (const op of patch) {
    if (op !== null && !isObject(op)) {
      throw errors.badRequest(
        `json: cannot unmarshal ${jsonKind(op)} into Go value of type jsonpatch.Operation`,
      );
    }
  }
  const root = clone(doc);
  if (!Array.isArray(root) && !isObject(root)) throw rejected('invalid JSON document');
  try {
    for (const op of patch as (JsonObject | null)[]) applyOp(root, op ?? {});
  } catch (error) {
    if (error instanceof OpError) throw rejected(error.message);
    throw error;
  }
  return root;
}
