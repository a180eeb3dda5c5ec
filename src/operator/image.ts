// Image resolution (reconcile.md "Image resolution"): the server image with its
// tag defaulted and its registry rewritten, the pull secrets the pod uses, and
// the provisioned registry's pull Secret. Pure and table-tested; the gateway
// sidecar's image never passes through here, it is used as written.
import { DEFAULTS, LABELS, MANAGED_BY } from '../api/v1alpha1/defaults.ts';
import type { MCPServerSpec } from '../api/v1alpha1/schema.ts';
import type { KubeObject } from '@mcp-operator/kube-core/port';
import type { OperatorConfig } from './config.ts';

type ImageSpec = Pick<
  MCPServerSpec,
  'image' | 'imageTag' | 'registryOverride' | 'useProvisionedRegistry'
>;
type RegistryConfig = Pick<OperatorConfig, 'provisionedRegistryURL' | 'registryPullHost'>;
type PullSecretConfig = Pick<
  OperatorConfig,
  | 'provisionedRegistryURL'
  | 'provisionedRegistryUsername'
  | 'provisionedRegistryPassword'
  | 'provisionedRegistrySecretName'
>;

/** A tag is a ':' after the last '/', so a registry port (`host:5000/img`) is not one. */
function hasTagOrDigest(image: string): boolean {
  if (image.includes('@')) return true;
  return image.slice(image.lastIndexOf('/') + 1).includes(':');
}

/** Docker's rule: a first segment names a registry when it has a '.' or ':' or is localhost. */
function namesRegistry(segment: string): boolean {
  return segment.includes('.') || segment.includes(':') || segment === 'localhost';
}

/** The registry the image is pulled from, or '' to keep the image's own. */
function chosenRegistry(spec: ImageSpec, config: RegistryConfig): string {
  const override = spec.registryOverride?.trim() ?? '';
  if (!spec.useProvisionedRegistry) return override;
  return config.provisionedRegistryURL || override || config.registryPullHost;
}

/** The server image to run: tag defaulted, registry rewritten (steps 1–3). */
export function resolveImage(spec: ImageSpec, config: RegistryConfig): string {
  let image = spec.image.trim();
  if (!hasTagOrDigest(image)) image = `${image}:${spec.imageTag?.trim() || DEFAULTS.imageTag}`;

  const registry = chosenRegistry(spec, config).replace(/\/+$/, '');
  if (!registry) return image;
  const segments = image.split('/');
  if (segments.length > 1 && namesRegistry(segments[0] ?? '')) segments.shift();
  return `${registry}/${segments.join('/')}`;
}

function provisionedCredentialsConfigured(config: PullSecretConfig): boolean {
  return Boolean(
    config.provisionedRegistryURL &&
    config.provisionedRegistryUsername &&
    config.provisionedRegistryPassword,
  );
}

/**
 * The pod's image pull secrets (step 4): the spec's non-blank names (first
 * occurrence kept, so a repeated name is not listed twice); else the
 * provisioned registry's Secret when its credentials are configured; else none.
 */
export function resolvePullSecrets(
  spec: Pick<MCPServerSpec, 'imagePullSecrets'>,
  config: PullSecretConfig,
): string[] {
  const named = [
    ...new Set((spec.imagePullSecrets ?? []).map((s) => s.trim()).filter((s) => s !== '')),
  ];
  if (named.length > 0) return named;
  if (provisionedCredentialsConfigured(config)) return [config.provisionedRegistrySecretName];
  return [];
}

/**
 * The provisioned registry's pull Secret for one namespace, or undefined when
 * the URL, username and password are not all configured. It has no owner
 * reference: it is shared by every server in the namespace.
 */
export function buildPullSecret(
  namespace: string,
  config: PullSecretConfig,
): KubeObject | undefined {
  if (!provisionedCredentialsConfigured(config)) return undefined;
  // Docker config auths are keyed by host[:port]; a path in the URL is not part of it.
  const host = config.provisionedRegistryURL.split('/')[0] ?? config.provisionedRegistryURL;
  const username = config.provisionedRegistryUsername;
  const password = config.provisionedRegistryPassword;
  const dockerConfig = {
    auths: {
      [host]: { username, password, auth: base64(`${username}:${password}`) },
    },
  };
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: config.provisionedRegistrySecretName,
      namespace,
      labels: { [LABELS.managedBy]: MANAGED_BY },
    },
    type: 'kubernetes.io/dockerconfigjson',
    data: { '.dockerconfigjson': base64(JSON.stringify(dockerConfig)) },
  };
}

function base64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}
