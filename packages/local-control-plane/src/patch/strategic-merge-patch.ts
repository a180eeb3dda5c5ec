// Strategic merge patch as apimachinery's strategicpatch applies it on the
// server (MergeParallelList and IgnoreUnmatchedNulls on): maps merge, lists
// with a merge key merge by key, primitive merge lists are unions, others are
// replaced; $patch, $retainKeys, $setElementOrder/ and $deleteFromPrimitiveList/
// directives; the resulting list order follows the patch where it says
// something and the live object elsewhere. Error wording and status codes
// follow the apiserver (400 for malformed directives, 422 for lists of lists,
// a plain 500 for the rest).
import { errors } from '../errors.ts';
import { clone, isObject, type JsonObject } from '@mcp-operator/kube-core/json';
import { goFormat, goTypeName, jsonKind } from '@mcp-operator/kube-core/go-format';
import type { MergeInfo } from './merge-info.ts';
import { rejected, unknownError } from './patch-errors.ts';

type Path = readonly string[];

const DIRECTIVE = '$patch';
const RETAIN_KEYS = '$retainKeys';
const SET_ORDER = '$setElementOrder';
const DELETE_FROM = '$deleteFromPrimitiveList';

const badRetainKeys = () => errors.badRequest('invalid patch format of retainKeys');
const badPrimitiveList = () => errors.badRequest('invalid patch format of primitive list');
const badSetOrder = () => errors.badRequest('invalid patch format of setElementOrder list');
const noMergeKey = (item: unknown, key: string) =>
  unknownError(`map: ${goFormat(item)} does not contain declared merge key: ${key}`);
const badArgType = (actual: unknown) =>
  unknownError(`expected a []interface {}, but received a ${goTypeName(actual)}`);

function isDirectiveKey(key: string): boolean {
  return (
    key === DIRECTIVE ||
    key === RETAIN_KEYS ||
    key.startsWith(SET_ORDER) ||
    key.startsWith(DELETE_FROM)
  );
}

/** `$setElementOrder/containers` → `containers`. */
function extractKey(key: string, prefix: string): string {
  const slash = key.indexOf('/');
  if (slash < 0 || key.slice(0, slash) !== prefix) {
    throw prefix === DELETE_FROM ? badPrimitiveList() : badSetOrder();
  }
  return key.slice(slash + 1);
}

/** Go's reflect type, as far as it decides between merging and replacing. */
function goType(value: unknown): string {
  return jsonKind(value) === 'number' && !Number.isInteger(value) ? 'float' : jsonKind(value);
}

/**
 * A patch value that lands where nothing is merged: maps carrying `$patch` are
 * dropped, other directive keys and null values go (the server's removeDirectives
 * plus the decoder, which would not keep them either).
 */
function clean(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(clean).filter((item) => item !== undefined);
  }
  if (!isObject(value)) return value;
  if (DIRECTIVE in value) return undefined;
  const out: JsonObject = {};
  for (const [key, item] of Object.entries(value)) {
    if (item === null || isDirectiveKey(key)) continue;
    const cleaned = clean(item);
    if (cleaned !== undefined) out[key] = cleaned;
  }
  return out;
}

function mergeKeyOf(info: MergeInfo, path: Path): string {
  const strategy = info.patchStrategy(path);
  return strategy.strategy === 'merge' ? strategy.mergeKey : '';
}

/** The element kind shared by every item of the lists ('object' or a scalar kind). */
function elementKind(...lists: unknown[][]): string | undefined {
  let kind: string | undefined;
  for (const item of lists.flat()) {
    const current = goType(item);
    if (kind === undefined) {
      if (current === 'array') throw rejected('lists of lists are not supported');
      kind = current;
    } else if (kind !== current) {
      throw unknownError(`list element types are not identical: ${goFormat(lists)}`);
    }
  }
  return kind;
}

/** Position of `item` in `list`: by merge key value for maps, by value for primitives. */
function indexIn(list: unknown[], item: unknown, mergeKey: string): number {
  const keyOf = (value: unknown) =>
    mergeKey ? (isObject(value) ? value[mergeKey] : undefined) : value;
  const wanted = keyOf(item);
  return list.findIndex((value) => keyOf(value) === wanted);
}

function sortByOrder(items: unknown[], order: unknown[], mergeKey: string): unknown[] {
  const rank = (item: unknown) => {
    const index = indexIn(order, item, mergeKey);
    return index < 0 ? Number.POSITIVE_INFINITY : index;
  };
  return items
    .map((item, position) => ({ item, position, rank: rank(item) }))
    .sort((a, b) => a.rank - b.rank || a.position - b.position)
    .map(({ item }) => item);
}

/**
 * Interleaves server-only items into the patch items: a server-only item goes
 * first when the live list had it before the next patch item; patch items the
 * live list did not have come as soon as they are reached.
 */
function interleave(
  serverOnly: unknown[],
  patchItems: unknown[],
  serverOrder: unknown[],
  mergeKey: string,
) {
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < serverOnly.length || j < patchItems.length) {
    if (i >= serverOnly.length) out.push(patchItems[j++]);
    else if (j >= patchItems.length) out.push(serverOnly[i++]);
    else {
      const left = indexIn(serverOrder, serverOnly[i], mergeKey);
      const right = indexIn(serverOrder, patchItems[j], mergeKey);
      out.push(left >= 0 && right >= 0 && left < right ? serverOnly[i++] : patchItems[j++]);
    }
  }
  return out;
}

function requireMergeKeys(mergeKey: string, ...lists: unknown[][]): void {
  for (const item of lists.flat()) {
    if (!isObject(item))
      throw unknownError(`expected a map[string]interface {}, but received a ${goTypeName(item)}`);
    if (!(mergeKey in item)) throw noMergeKey(item, mergeKey);
  }
}

/** Orders a merged list: patch items by `patchOrder`, server-only items by the live order, interleaved. */
function normalizeOrder(
  merged: unknown[],
  patchOrder: unknown[],
  serverOrder: unknown[],
  mergeKey: string,
): unknown[] {
  if (mergeKey) requireMergeKeys(mergeKey, merged, patchOrder);
  const inPatch = merged.filter((item) => indexIn(patchOrder, item, mergeKey) >= 0);
  const serverOnly = merged.filter((item) => indexIn(patchOrder, item, mergeKey) < 0);
  return interleave(
    sortByOrder(serverOnly, serverOrder, mergeKey),
    sortByOrder(inPatch, patchOrder, mergeKey),
    serverOrder,
    mergeKey,
  );
}

function isDeleteItem(item: unknown): boolean {
  return isObject(item) && item[DIRECTIVE] === 'delete';
}

/** The $setElementOrder list must name the patch's items in the same relative order. */
function validateOrder(patchList: unknown[], order: unknown[], mergeKey: string): void {
  if (order.length === 0 || patchList.length === 0) return;
  const items = mergeKey ? patchList.filter((item) => !isDeleteItem(item)) : patchList;
  const same = (a: unknown, b: unknown) => {
    if (!mergeKey) return a === b;
    requireMergeKeys(mergeKey, [a, b]);
    return (a as JsonObject)[mergeKey] === (b as JsonObject)[mergeKey];
  };
  let p = 0;
  let o = 0;
  while (p < items.length && o < order.length) {
    if (isObject(items[p]) && DIRECTIVE in (items[p] as JsonObject)) {
      p++;
      continue;
    }
    if (same(items[p], order[o])) p++;
    o++;
  }
  if (p < items.length) {
    throw unknownError(
      `the order in patch list:\n${goFormat(patchList)}\n doesn't match ${SET_ORDER} list:\n${goFormat(order)}`,
    );
  }
}

class StrategicMerge {
  constructor(private readonly info: MergeInfo) {}

  mergeMap(original: JsonObject, patch: JsonObject, path: Path): JsonObject {
    const rest = { ...patch };
    if (DIRECTIVE in rest) return this.mapDirective(rest);
    this.retainKeys(original, rest);
    this.setElementOrders(original, rest, path);
    for (const [rawKey, value] of Object.entries(rest)) {
      const deleteList = rawKey.startsWith(DELETE_FROM);
      const key = deleteList ? extractKey(rawKey, DELETE_FROM) : rawKey;
      if (value === null) {
        delete original[key];
        continue;
      }
      const current = original[key];
      if (!(key in original) || goType(current) !== goType(value)) {
        // Nothing to merge with: take the patch value, unless it only listed deletions.
        if (!deleteList) this.assign(original, key, clean(value));
        continue;
      }
      const childPath = [...path, key];
      if (isObject(current)) original[key] = this.mergeMap(current, value as JsonObject, childPath);
      else if (Array.isArray(current)) {
        original[key] = this.mergeList(current, value as unknown[], childPath, deleteList);
      } else original[key] = value;
    }
    return original;
  }

  private assign(target: JsonObject, key: string, value: unknown): void {
    if (value === undefined) delete target[key];
    else target[key] = value;
  }

  private mapDirective(patch: JsonObject): JsonObject {
    const directive = patch[DIRECTIVE];
    if (directive === 'replace') {
      const { [DIRECTIVE]: _, ...rest } = patch;
      return clean(rest) as JsonObject;
    }
    if (directive === 'delete') return {};
    throw unknownError(`unknown patch type: ${goFormat(directive)} in map: ${goFormat(patch)}`);
  }

  private retainKeys(original: JsonObject, patch: JsonObject): void {
    if (!(RETAIN_KEYS in patch)) return;
    const keep = patch[RETAIN_KEYS];
    delete patch[RETAIN_KEYS];
    if (!Array.isArray(keep)) throw badRetainKeys();
    for (const [key, value] of Object.entries(patch)) {
      if (value === null || key.startsWith(DELETE_FROM) || key.startsWith(SET_ORDER)) continue;
      if (!keep.includes(key)) throw badRetainKeys();
    }
    for (const key of Object.keys(original)) {
      if (!keep.includes(key)) delete original[key];
    }
  }

  /** Merges each list named by a $setElementOrder/ directive and puts it in the directive's order. */
  private setElementOrders(original: JsonObject, patch: JsonObject, path: Path): void {
    for (const directive of Object.keys(patch).filter((key) => key.startsWith(SET_ORDER))) {
      const order = patch[directive];
      delete patch[directive];
      if (!Array.isArray(order)) throw badArgType(order);
      const key = extractKey(directive, SET_ORDER);
      const hasOriginal = key in original;
      const hasPatch = key in patch;
      const originalList = original[key];
      const patchList = patch[key];
      if (hasOriginal && !Array.isArray(originalList)) throw badArgType(originalList);
      if (hasPatch && !Array.isArray(patchList)) throw badArgType(patchList);
      const listPath = [...path, key];
      const mergeKey = mergeKeyOf(this.info, listPath);
      validateOrder((patchList as unknown[] | undefined) ?? [], order, mergeKey);
      if (!hasOriginal && !hasPatch) continue;
      let merged: unknown[];
      if (!hasPatch) merged = originalList as unknown[];
      else if (!hasOriginal) merged = clean(patchList) as unknown[];
      else
        merged = this.mergeList(originalList as unknown[], patchList as unknown[], listPath, false);
      delete patch[key];
      const serverOrder = (originalList as unknown[] | undefined) ?? [];
      original[key] =
        merged.length === 0 ? merged : normalizeOrder(merged, order, serverOrder, mergeKey);
    }
  }

  private mergeList(
    original: unknown[],
    patch: unknown[],
    path: Path,
    deleteList: boolean,
  ): unknown[] {
    const strategy = this.info.patchStrategy(path).strategy;
    if (strategy === 'replace' && !deleteList) return clean(patch) as unknown[];
    if (original.length === 0 && patch.length === 0) return original;
    const kind = elementKind(original, patch);
    if (kind !== 'object') {
      if (deleteList) return original.filter((item) => !patch.includes(item));
      const merged = [...new Set([...original, ...patch])];
      return normalizeOrder(merged, patch, original, '');
    }
    const mergeKey = mergeKeyOf(this.info, path);
    if (!mergeKey) throw unknownError(`cannot merge lists without merge key for ${path.join('.')}`);
    const [base, items] = this.specialItems(original, patch, mergeKey);
    const merged = [...base];
    for (const item of items) {
      if (!(mergeKey in item)) throw noMergeKey(item, mergeKey);
      const index = merged.findIndex(
        (entry) => isObject(entry) && entry[mergeKey] === item[mergeKey],
      );
      if (index >= 0) merged[index] = this.mergeMap(merged[index] as JsonObject, item, path);
      else {
        const fresh = clean(item);
        if (fresh !== undefined) merged.push(fresh);
      }
    }
    return normalizeOrder(merged, items, base, mergeKey);
  }

  /** Applies `$patch` list items; returns the remaining live items and the ordinary patch items. */
  private specialItems(
    original: unknown[],
    patch: unknown[],
    mergeKey: string,
  ): [unknown[], JsonObject[]] {
    let base = original;
    const items: JsonObject[] = [];
    let replace = false;
    for (const item of patch as JsonObject[]) {
      if (!(DIRECTIVE in item)) {
        items.push(item);
        continue;
      }
      switch (item[DIRECTIVE]) {
        case 'delete':
          if (!(mergeKey in item)) throw noMergeKey(item, mergeKey);
          base = base.filter((entry) => !(isObject(entry) && entry[mergeKey] === item[mergeKey]));
          break;
        case 'replace':
          replace = true;
          break;
        case 'merge':
          throw unknownError('merging lists cannot yet be specified in the patch');
        default:
          throw unknownError(
            `unknown patch type: ${goFormat(item[DIRECTIVE])} in map: ${goFormat(item)}`,
          );
      }
    }
    // `$patch: replace` in a list: the other patch items are the new list.
    if (replace) return [items.map(clean).filter((item) => item !== undefined), []];
    return [base, items];
  }
}

/**
 * Applies a strategic merge patch (already parsed from JSON) to a copy of `doc`,
 * with list semantics from `info`. Bad patches throw the ApiError the apiserver would.
 */
export function applyStrategicMergePatch(doc: unknown, patch: unknown, info: MergeInfo): unknown {
  // A JSON `null` body decodes to an empty map: nothing changes.
  if (patch === null) return clone(doc);
  if (!isObject(patch)) {
    throw errors.badRequest(
      `json: cannot unmarshal ${jsonKind(patch)} into Go value of type map[string]interface {}`,
    );
  }
  const original = isObject(doc) ? clone(doc) : {};
  return new StrategicMerge(info).mergeMap(original, clone(patch), []);
}
