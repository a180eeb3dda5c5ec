// Builders for MCPServer manifests used across the tests.
import type { MCPServerInput } from '../../src/api/v1alpha1/schema.ts';

export type Manifest = Omit<MCPServerInput, 'spec' | 'metadata'> & {
  metadata: Record<string, unknown>;
  spec: Record<string, unknown>;
};

/** A minimal valid MCPServer with `spec` fields merged over it. */
export function server(spec: Record<string, unknown> = {}, name = 'weather'): Manifest {
  return {
    apiVersion: 'mcpruntime.org/v1alpha1',
    kind: 'MCPServer',
    metadata: { name, namespace: 'default' },
    spec: { image: 'ghcr.io/acme/weather:1.0', ...spec },
  };
}
