// What a request asks, read from its method, path and query before any
// routing, as k8s.io/apiserver's RequestInfoFactory (endpoints/request/
// requestinfo.go) reads it for authorization: a resource request under /api
// or /apis/{group} (verb from the method: get, list or watch for GET,
// create, update, patch, delete or deletecollection; `watch` also from the
// legacy /watch/ prefix), with namespace, resource, name and subresource; or a
// non-resource request (discovery, /version, OpenAPI), whose verb is the
// lower-cased HTTP method. GET /api/v1/namespaces/NAME is in namespace NAME,
// and a list or watch with the field selector `metadata.name=X` names X.
import { isValidPathSegmentName } from '@mcp-operator/kube-core/names';
import type { Attributes } from '../rbac/rules.ts';

export type RequestInfo = Omit<Attributes, 'user'>;

/** Path segments after the version that are verbs, not resources. */
const SPECIAL_VERBS = new Set(['proxy', 'watch']);
/** Subresources of a namespace (not namespaced resources named after them). */
const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

const METHOD_VERBS: Record<string, string> = {
  POST: 'create',
  GET: 'get',
  HEAD: 'get',
  PUT: 'update',
  PATCH: 'patch',
  DELETE: 'delete',
};

/**
 * fields.Selector.RequiresExactMatch("metadata.name"): the value a field
 * selector pins the name to (`metadata.name=x` or `==x` among its terms).
 */
function exactName(fieldSelector: string): string | undefined {
  for (const term of fieldSelector.split(',')) {
    const match = /^\s*metadata\.name\s*==?\s*(.*?)\s*$/.exec(term);
    if (match) return match[1];
  }
  return undefined;
}

/** A path segment unescaped, kept as is when its escapes are malformed. */
function unescapeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export function requestInfo(method: string, path: string, query: URLSearchParams): RequestInfo {
  const nonResource: RequestInfo = { resourceRequest: false, path, verb: method.toLowerCase() };
  let parts = path.split('/').filter(Boolean);
  if (parts.length < 3 || (parts[0] !== 'api' && parts[0] !== 'apis')) return nonResource;
  const prefix = parts[0];
  parts = parts.slice(1);
  let apiGroup = '';
  if (prefix === 'apis') {
    if (parts.length < 3) return nonResource;
    apiGroup = parts[0]!;
    parts = parts.slice(1);
  }
  const apiVersion = parts[0]!;
  parts = parts.slice(1).map(unescapeSegment);
  let verb: string;
  if (SPECIAL_VERBS.has(parts[0]!)) {
    verb = parts[0]!;
    parts = parts.slice(1);
  } else {
    verb = METHOD_VERBS[method.toUpperCase()] ?? '';
  }
  let namespace = '';
  if (parts[0] === 'namespaces' && parts.length > 1) {
    namespace = parts[1]!;
    if (parts.length > 2 && !NAMESPACE_SUBRESOURCES.has(parts[2]!)) parts = parts.slice(2);
  }
  const info: RequestInfo = {
    resourceRequest: true,
    path,
    verb,
    apiGroup,
    apiVersion,
    namespace,
    resource: parts[0] ?? '',
    subresource: parts.length >= 3 && verb !== 'proxy' ? parts[2]! : '',
    name: parts.length >= 2 ? parts[1]! : '',
  };
  if (!info.name && info.verb === 'get') {
    // Any value of `watch` but false and 0 asks for a watch.
    const watch = query.get('watch');
    info.verb = watch !== null && !['false', '0'].includes(watch.toLowerCase()) ? 'watch' : 'list';
    const name = exactName(query.get('fieldSelector') ?? '');
    if (name !== undefined && isValidPathSegmentName(name).length === 0) info.name = name;
  }
  if (!info.name && info.verb === 'delete') info.verb = 'deletecollection';
  return info;
}
