// `mcp-operator local`: the local control plane with the CRD (and samples)
// installed and a kubeconfig written, until Ctrl-C.
import { createWriteStream, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { mcpServerCRD } from '../api/v1alpha1/crd.ts';
import { FIELD_MANAGER, GROUP, PLURAL } from '../api/v1alpha1/defaults.ts';
import { realClock } from '../controller/clock.ts';
import { createLogger } from '../controller/logging.ts';
import { Manager } from '../controller/manager.ts';
import { createKubeClient, restConfigFromYaml } from '../kube/client.ts';
import { LocalControlPlane } from '@mcp-operator/local-control-plane/control-plane';
import type { OperatorConfig } from '../operator/config.ts';
import { mcpServerController } from '../operator/controller.ts';
import type { KubeObject } from '@mcp-operator/local-control-plane/types';
import { LiveTable } from './live-table.ts';
import type { Display } from './live-table.ts';
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

export interface RunningLocal {
  plane: LocalControlPlane;
  /** Stops the operator (when running), then the control plane. */
  stop(): Promise<void>;
}

/**
 * The operator in this process, against the control plane through the real
 * client over HTTPS (as it runs against a cluster), logging to `logFile`.
 */
function startOperator(plane: LocalControlPlane, config: OperatorConfig, logFile: string) {
  const port = createKubeClient(restConfigFromYaml(plane.kubeconfig(), 'the local control plane'), {
    userAgent: FIELD_MANAGER,
  });
  const destination = createWriteStream(logFile, { flags: 'a', mode: 0o600 });
  const log = createLogger({ destination });
  const manager = new Manager({ port, logger: log, fieldManager: FIELD_MANAGER });
  manager.addController(
    mcpServerController({ manager, port, config, clock: realClock, log, instance: 'local' }),
  );
  const stopping = new AbortController();
  const done = manager.run(stopping.signal).catch((err: unknown) => {
    log.error({ err: (err as Error).message }, 'manager failed');
  });
  return async () => {
    stopping.abort();
    await done;
    await new Promise<void>((resolve) => destination.end(resolve));
  };
}

/** Starts the control plane (and the operator) and installs what `local` promises. */
export async function startLocal(
  flags: LocalFlags,
  print: (line: string) => void,
  config: OperatorConfig,
  display: Display = { write: (text) => print(text.replace(/\n$/, '')), tty: false },
): Promise<RunningLocal> {
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
  print(`installed the MCPServer CRD${samples ? ` and ${samples} sample MCPServer(s)` : ''}`);
  print(
    flags.simulation
      ? 'simulated: pod readiness and ingress load-balancer addresses (IngressClasses traefik and nginx); no pod really runs'
      : 'simulation is off: Deployments stay unready and Ingresses get no address',
  );
  print(`kubeconfig written to ${kubeconfig}; in another terminal, try:`);
  for (const command of [
    `export KUBECONFIG=${kubeconfig}`,
    'kubectl get mcpservers -A',
    // The samples' names only when they are installed.
    ...(samples ? ['kubectl describe mcpserver weather'] : []),
    'kubectl apply -f config/samples/mcpserver-minimal.yaml',
  ]) {
    print(`  ${command}`);
  }
  let stopOperator: (() => Promise<void>) | undefined;
  if (flags.operator) {
    const logFile = join(dirname(kubeconfig), 'operator.log');
    stopOperator = startOperator(plane, config, logFile);
    print(`the operator runs in this process; its log: ${logFile}`);
  } else {
    print(
      'the operator is not running (--no-operator); start one with: mcp-operator run --kubeconfig ' +
        kubeconfig,
    );
  }
  print('press Ctrl-C to stop');
  const table = new LiveTable(display);
  const servers = plane.type(GROUP, PLURAL);
  const unsubscribe = plane.store.onChange((storage, change) => {
    if (storage.group === GROUP && storage.plural === PLURAL) {
      table.update(change.object, change.type === 'DELETED');
    }
  });
  table.start(plane.store.list(servers, undefined).items);
  return {
    plane,
    async stop() {
      unsubscribe();
      table.stop();
      await stopOperator?.();
      await plane.stop();
    },
  };
}
