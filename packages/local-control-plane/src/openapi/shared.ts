// What the OpenAPI modules share: the schema type, references, the names kube
// gives group-versions, operations, tags and components, and the texts every
// top-level object repeats.
import { strategyFor } from '../kinds/index.ts';
import type { ResourceType } from '../types.ts';

export type Schema = Record<string, unknown>;

export const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });

export const gvk = (group: string, version: string, kind: string) => ({ group, kind, version });

export const API_VERSION_DOC =
  'APIVersion defines the versioned schema of this representation of an object.';
export const KIND_DOC =
  'Kind is a string value representing the REST resource this object represents.';
export const METADATA_DOC = "Standard object's metadata.";
export const LIST_METADATA_DOC = 'Standard list metadata.';

/** "api/v1" or "apis/<group>/<version>": the index key and the URL prefix. */
export function gvPath(type: Pick<ResourceType, 'group' | 'version'>): string {
  return type.group ? `apis/${type.group}/${type.version}` : `api/${type.version}`;
}

export const capitalize = (s: string) => (s ? s[0]!.toUpperCase() + s.slice(1) : s);

/** Operation-id group names: Core, Apps, Networking (for networking.k8s.io), McpruntimeOrg. */
export function groupName(type: ResourceType): string {
  if (!type.group) return 'Core';
  const short = type.builtin ? type.group.replace(/\.k8s\.io$/, '') : type.group;
  return short.split(/[.-]/).map(capitalize).join('');
}

/** Tags as kube groups operations: core_v1, apps_v1, networking_v1, mcpruntimeOrg_v1alpha1. */
export function tag(type: ResourceType): string {
  const name = groupName(type);
  return `${name[0]!.toLowerCase()}${name.slice(1)}_${type.version}`;
}

/** The component name kube publishes a kind under. */
export function schemaName(
  type: Pick<ResourceType, 'group' | 'version' | 'kind' | 'builtin'>,
): string {
  const known = strategyFor(type);
  if (known?.version === type.version) return known.openapi;
  // Custom resources: the group reversed, e.g. org.mcpruntime.v1alpha1.MCPServer.
  const reversed = type.group.split('.').reverse().join('.');
  return `${reversed}.${type.version}.${type.kind}`;
}

/**
 * The component name of a protobuf message. Both name the Go type by its
 * package path: the proto package writes k8s.io/api/core/v1 as
 * k8s.io.api.core.v1 (and a `-` in a path segment as `_`), the OpenAPI name
 * turns the host around: io.k8s.api.core.v1.Pod,
 * io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON.
 */
export function componentName(messageName: string): string {
  const segments = messageName.split('.');
  const type = segments.pop()!;
  const [host, domain, ...path] = segments;
  const pkg = host === 'k8s' && domain === 'io' ? ['io', 'k8s', ...path] : segments;
  return [...pkg.map((s) => s.replaceAll('_', '-')), type].join('.');
}
