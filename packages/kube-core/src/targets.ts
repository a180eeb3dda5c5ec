// Checks both ports make before a call leaves the process, so a missing
// namespace or name fails the same way over HTTP and in memory (the URL
// could not even be built), and the shared fix-ups of objects.
import { BadRequestError } from './errors.ts';
import { apiVersionOf } from './port.ts';
import type { KubeObject, ResourceRef } from './port.ts';

function badRequest(message: string): BadRequestError {
  return new BadRequestError({ code: 400, reason: 'BadRequest', message });
}

/**
 * The namespace a call on one object goes to: required for namespaced
 * resources, dropped for cluster-scoped ones.
 */
export function objectNamespace(
  resource: ResourceRef,
  namespace: string | undefined,
): string | undefined {
  if (!resource.namespaced) return undefined;
  if (!namespace) {
    throw badRequest(`a namespace is required for ${resource.plural}, a namespaced resource`);
  }
  return namespace;
}

/** The namespace of a list or watch: undefined means all namespaces. */
export function collectionNamespace(
  resource: ResourceRef,
  namespace: string | undefined,
): string | undefined {
  return resource.namespaced && namespace ? namespace : undefined;
}

export function requireName(resource: ResourceRef, name: string | undefined): string {
  if (!name) throw badRequest(`a name is required to address one of ${resource.plural}`);
  return name;
}

/** Fills apiVersion and kind when missing (the caller knows the resource; the server needs them). */
export function withTypeMeta<T extends KubeObject>(resource: ResourceRef, object: T): T {
  if (object.apiVersion && object.kind) return object;
  return {
    ...object,
    apiVersion: object.apiVersion || apiVersionOf(resource),
    kind: object.kind || resource.kind,
  };
}
