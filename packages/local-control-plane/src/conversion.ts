// The decoder's wording when a request body's kind has no conversion to the
// endpoint's type.

/**
 * The Go package of a group's internal types, as conversion errors name them:
 * `core` for the core group and for events.k8s.io (whose Event is core's),
 * else the group's first label (`apps`, `networking`, `autoscaling`, …).
 */
function internalPackage(group: string): string {
  if (group === '' || group === 'events.k8s.io') return 'core';
  return group.split('.')[0]!;
}

/**
 * The decoder's error when a body's kind is not the endpoint's: the object is
 * decoded as its own versioned type, which has no conversion to the endpoint's
 * internal type (conversion.Converter: `converting (v1.Secret) to
 * (core.Namespace): unknown conversion`).
 */
export function unknownConversion(
  apiVersion: string,
  kind: string,
  intoGroup: string,
  intoKind: string,
): string {
  const version = apiVersion.slice(apiVersion.lastIndexOf('/') + 1);
  return `converting (${version}.${kind}) to (${internalPackage(intoGroup)}.${intoKind}): unknown conversion`;
}
