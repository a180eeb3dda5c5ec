// Names shared by the install manifests.
export const OPERATOR_NAME = 'mcp-operator';

/** The image the manager Deployment runs; kustomize's `images:` overrides it. */
export const OPERATOR_IMAGE = 'ghcr.io/mcp-runtime/mcp-operator:0.1.0';

/** Labels on every installed object (the Deployment's pods are selected by the name label). */
export const INSTALL_LABELS = {
  'app.kubernetes.io/name': OPERATOR_NAME,
  'app.kubernetes.io/part-of': 'mcp-runtime',
} as const;
