// `mcp-operator local`: the local control plane with the CRD (and samples)
// installed and a kubeconfig written, until Ctrl-C.
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { mcpServerCRD } from '../api/v1alpha1/crd.ts';
import { LocalControlPlane } from '../local/control-plane.ts';
import type { KubeObject } from '../local/types.ts';
import { parseDocuments } from './manifests.ts';

export interface LocalFlags {
  port: number;
  kubeconfigOut: string;
  operator: boolean;
  samples: boolean;
  simulation: boolean;
}

export function parseLocalFlags(args: string[]): LocalFlags {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string', default: '6443' },
      'kubeconfig-out': { type: 'string', default: '.local/kubeconfig' },
      'no-operator': { type: 'boolean', default: false },
      'no-samples': { type: 'boolean', default: false },
      'no-simulation': { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port must be a port number from 0 to 65535, got "${values.port}"`);
  }
  return {
    port,
    kubeconfigOut: values['kubeconfig-out'],
    operator: !values['no-operator'],
    samples: !values['no-samples'],
    simulation: !values['no-simulation'],
  };
}

const SAMPLES_DIR = new URL('../../config/samples/', import.meta.url);

/** Starts the control plane and installs what `local` promises; returns it running. */
export async function startLocal(
  flags: LocalFlags,
  print: (line: string) => void,
): Promise<LocalControlPlane> {
  const plane = new LocalControlPlane({
    port: flags.port,
    simulation: flags.simulation ? {} : { deployments: false, ingresses: false },
  });
  await plane.start();
  plane.applyObject(mcpServerCRD());
  if (flags.simulation) {
    plane.addSimulatedIngressClass('traefik', 'traefik.io/ingress-controller');
    plane.addSimulatedIngressClass('nginx', 'k8s.io/ingress-nginx');
  }
  let samples = 0;
  if (flags.samples) {
    for (const file of readdirSync(SAMPLES_DIR)
      .filter((f) => /\.ya?ml$/.test(f))
      .sort()) {
      const path = new URL(file, SAMPLES_DIR);
      for (const { object } of parseDocuments(readFileSync(path, 'utf8'), file)) {
        plane.applyObject(object as KubeObject);
        samples++;
      }
    }
  }
  const kubeconfig = resolve(flags.kubeconfigOut);
  mkdirSync(dirname(kubeconfig), { recursive: true });
  writeFileSync(kubeconfig, plane.kubeconfig(), { mode: 0o600 });
  print(`local control plane listening on ${plane.url}`);
  print(
    `kubeconfig written to ${kubeconfig}; try: KUBECONFIG=${join(flags.kubeconfigOut)} kubectl get mcpservers -A`,
  );
  print(`installed the MCPServer CRD${samples ? ` and ${samples} sample MCPServer(s)` : ''}`);
  print(
    flags.simulation
      ? 'pod readiness and ingress load-balancer addresses are simulated (IngressClasses traefik and nginx)'
      : 'simulation is off: Deployments stay unready and Ingresses get no address',
  );
  if (flags.operator) {
    print(
      'the operator is not part of this build yet; running the control plane only (same as --no-operator)',
    );
  }
  print('press Ctrl-C to stop');
  return plane;
}
