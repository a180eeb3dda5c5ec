// Request routing: maps a Kubernetes REST path and method onto a resource
// route (verb, type, namespace, name, subresource), as kube-apiserver's
// installer registers them (endpoints/installer.go): /api/v1 and
// /apis/{group}/{version}, optionally under namespaces/{ns}, with the legacy
// /watch/ prefix, `?watch=true`, and the status and scale subresources.
import { errors, ApiError } from '../errors.ts';
import type { Verb } from '../faults.ts';
import { strategyFor } from '../kinds/index.ts';
import type { Store } from '../store.ts';
import type { ResourceType } from '../types.ts';

export interface Route {
  verb: Verb;
  type: ResourceType;
  namespace?: string;
  name?: string;
  subresource?: 'status' | 'scale';
}

/** `plural` or `plural/subresource`, as authorization and request accounting name it. */
export function routeResource(route: Route): string {
  return `${route.type.plural}${route.subresource ? `/${route.subresource}` : ''}`;
}

/** kube-apiserver's answer for a path it does not serve. */
export function noSuchPath(): ApiError {
  return new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});
}

/** Maps a REST path onto a resource route; undefined for discovery and other paths. */
export function routeOf(
  store: Store,
  method: string,
  path: string,
  query: URLSearchParams,
): Route | undefined {
  let parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  let group: string;
  if (parts[0] === 'api' && parts.length >= 3) {
    group = '';
    parts = parts.slice(1);
  } else if (parts[0] === 'apis' && parts.length >= 4) {
    group = parts[1]!;
    parts = parts.slice(2);
  } else return undefined;
  const version = parts[0]!;
  let rest = parts.slice(1);
  let watchPath = false;
  if (rest[0] === 'watch') {
    watchPath = true;
    rest = rest.slice(1);
  }
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [plural, name, subresource, ...extra] = rest;
  if (!plural || extra.length > 0) throw errors.notFound(plural ?? '', group, name ?? '');
  const type = store.typeFor(group, plural, version);
  if (!type) {
    throw noSuchPath();
  }
  if (!type.namespaced && namespace !== undefined) {
    throw noSuchPath();
  }
  const served =
    subresource === undefined ||
    (subresource === 'status' && type.statusSubresource) ||
    (subresource === 'scale' && strategyFor(type)?.scale !== undefined);
  if (!served) throw noSuchPath();
  const watch = watchPath || query.get('watch') === 'true' || query.get('watch') === '1';
  let verb: Verb;
  switch (method) {
    case 'GET':
      verb = watch ? 'watch' : name ? 'get' : 'list';
      break;
    case 'POST':
      if (name) throw errors.methodNotAllowed();
      verb = 'create';
      break;
    case 'PUT':
      if (!name) throw errors.methodNotAllowed();
      verb = 'update';
      break;
    case 'PATCH':
      if (!name) throw errors.methodNotAllowed();
      verb = 'patch';
      break;
    case 'DELETE':
      verb = name ? 'delete' : 'deletecollection';
      break;
    default:
      throw errors.methodNotAllowed();
  }
  // A kind that serves fewer verbs (the create-only reviews) has only the paths it needs:
  // other methods on its collection are 405, any path below it 404.
  const verbs = strategyFor(type)?.verbs;
  if (verbs && !verbs.includes(verb)) {
    if (name !== undefined) throw noSuchPath();
    throw errors.methodNotAllowed();
  }
  // Subresources serve get, update and patch of one object.
  if (subresource !== undefined) {
    if (verb === 'watch') verb = 'get';
    if (verb !== 'get' && verb !== 'update' && verb !== 'patch') throw errors.methodNotAllowed();
  }
  // Namespaced kinds are listed and watched across namespaces; everything else needs one.
  if (type.namespaced && namespace === undefined && verb !== 'list' && verb !== 'watch') {
    if (name === undefined) throw errors.methodNotAllowed();
    throw noSuchPath();
  }
  return {
    verb,
    type,
    ...(namespace !== undefined ? { namespace } : {}),
    ...(name !== undefined ? { name } : {}),
    ...(subresource === 'status' || subresource === 'scale' ? { subresource } : {}),
  };
}
