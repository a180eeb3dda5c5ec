// REST paths and query strings for a ResourceRef, as kube-apiserver serves
// them: core `/api/v1`, groups `/apis/<group>/<version>`, then an optional
// `namespaces/<ns>`, the plural, the name and the `status` subresource.
import type {
  ListOptions,
  ResourceRef,
  WatchOptions,
  WriteOptions,
} from '@mcp-operator/kube-core/port';

export function resourcePath(
  resource: ResourceRef,
  namespace: string | undefined,
  name?: string,
  subresource?: 'status',
): string {
  const base = resource.group
    ? `/apis/${resource.group}/${resource.version}`
    : `/api/${resource.version}`;
  const parts = [base];
  // A namespace given for a cluster-scoped resource is ignored, as client-go does.
  if (resource.namespaced && namespace) parts.push('namespaces', encodeURIComponent(namespace));
  parts.push(resource.plural);
  if (name !== undefined) parts.push(encodeURIComponent(name));
  if (subresource) parts.push(subresource);
  return parts.join('/');
}

/** `path?query`, leaving the `?` out when there is no query. */
export function withQuery(path: string, query: URLSearchParams): string {
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

function setIf(query: URLSearchParams, key: string, value: string | number | undefined): void {
  if (value !== undefined && value !== '') query.set(key, String(value));
}

export function writeQuery(
  options: Pick<WriteOptions, 'fieldManager' | 'dryRun'> & { force?: boolean },
): URLSearchParams {
  const query = new URLSearchParams();
  setIf(query, 'fieldManager', options.fieldManager);
  if (options.dryRun) query.set('dryRun', 'All');
  // The server rejects `force` on anything but an apply patch; callers pass it only then.
  if (options.force) query.set('force', 'true');
  return query;
}

export function listQuery(options: ListOptions): URLSearchParams {
  const query = new URLSearchParams();
  setIf(query, 'labelSelector', options.labelSelector);
  setIf(query, 'fieldSelector', options.fieldSelector);
  if (options.limit !== undefined && options.limit > 0) query.set('limit', String(options.limit));
  setIf(query, 'continue', options.continue);
  setIf(query, 'resourceVersion', options.resourceVersion);
  return query;
}

export function watchQuery(options: WatchOptions): URLSearchParams {
  const query = new URLSearchParams({ watch: 'true' });
  setIf(query, 'labelSelector', options.labelSelector);
  setIf(query, 'fieldSelector', options.fieldSelector);
  setIf(query, 'resourceVersion', options.resourceVersion);
  if (options.allowBookmarks) query.set('allowWatchBookmarks', 'true');
  if (options.timeoutSeconds !== undefined && options.timeoutSeconds > 0) {
    query.set('timeoutSeconds', String(Math.ceil(options.timeoutSeconds)));
  }
  return query;
}
