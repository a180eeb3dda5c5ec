import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '@mcp-operator/kube-core/port';
import {
  deploymentReadiness,
  gatewayReadiness,
  ingressReadiness,
  loadBalancerAddress,
  serviceReadiness,
} from '../../src/operator/readiness.ts';
import type { Observed, Readiness } from '../../src/operator/readiness.ts';

const owned = (object: KubeObject): Observed => ({ state: 'owned', object });
const missing: Observed = { state: 'missing' };

interface Expect {
  ready: boolean;
  reason: string;
  /** substrings the message must contain */
  says?: string[];
}

function check(got: Readiness, want: Expect) {
  assert.equal(got.reason, want.reason, got.message);
  assert.equal(got.ready, want.ready, got.message);
  for (const part of want.says ?? []) {
    assert.ok(got.message.includes(part), `message "${got.message}" lacks "${part}"`);
  }
  // One human sentence: no line breaks, no trailing period, something to read.
  assert.ok(got.message.length > 0 && !got.message.includes('\n'), got.message);
  assert.ok(!got.message.endsWith('.'), got.message);
}

function deployment(
  status: Record<string, unknown> | undefined,
  generation: number | undefined = 2,
): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'weather', namespace: 'tools', generation },
    spec: { replicas: 2 },
    ...(status ? { status } : {}),
  };
}

const rolledOut = {
  observedGeneration: 2,
  replicas: 2,
  updatedReplicas: 2,
  readyReplicas: 2,
  availableReplicas: 2,
};

describe('deploymentReadiness', () => {
  const cases: { name: string; observed: Observed; desired?: number; want: Expect }[] = [
    {
      name: 'rolled out',
      observed: owned(deployment(rolledOut)),
      want: { ready: true, reason: 'RolloutComplete', says: ['weather', '2 replicas'] },
    },
    {
      name: 'observed generation ahead counts as observed',
      observed: owned(deployment({ ...rolledOut, observedGeneration: 3 })),
      want: { ready: true, reason: 'RolloutComplete' },
    },
    {
      name: 'missing',
      observed: missing,
      want: { ready: false, reason: 'DeploymentNotFound', says: ['does not exist'] },
    },
    {
      name: 'foreign',
      observed: { state: 'foreign', kind: 'Deployment', name: 'weather' },
      want: {
        ready: false,
        reason: 'ForeignObject',
        says: [
          'a Deployment named weather exists and is not controlled by this MCPServer; rename the MCPServer or delete the other Deployment',
        ],
      },
    },
    {
      name: 'foreign wins over scaled to zero',
      observed: { state: 'foreign', kind: 'Deployment', name: 'weather' },
      desired: 0,
      want: { ready: false, reason: 'ForeignObject' },
    },
    {
      name: 'scaled to zero is never ready, even when the status agrees',
      observed: owned(
        deployment({
          observedGeneration: 2,
          replicas: 0,
          updatedReplicas: 0,
          readyReplicas: 0,
          availableReplicas: 0,
        }),
      ),
      desired: 0,
      want: { ready: false, reason: 'ScaledToZero', says: ['spec.replicas'] },
    },
    {
      name: 'generation not observed yet',
      observed: owned(deployment({ ...rolledOut, observedGeneration: 1 })),
      want: {
        ready: false,
        reason: 'RolloutInProgress',
        says: ['generation 2', 'observed 1', 'kubectl rollout status deployment/weather -n tools'],
      },
    },
    {
      name: 'no status at all (just created)',
      observed: owned(deployment(undefined)),
      want: { ready: false, reason: 'RolloutInProgress' },
    },
    {
      name: 'not all replicas updated',
      observed: owned(deployment({ ...rolledOut, updatedReplicas: 1 })),
      want: { ready: false, reason: 'RolloutInProgress', says: ['1 of 2 replicas updated'] },
    },
    {
      name: 'old replicas left although all desired are updated',
      observed: owned(deployment({ ...rolledOut, replicas: 3 })),
      want: { ready: false, reason: 'RolloutInProgress', says: ['1 old replica left'] },
    },
    {
      name: 'scaling down',
      observed: owned(
        deployment({
          observedGeneration: 2,
          replicas: 3,
          updatedReplicas: 3,
          readyReplicas: 3,
          availableReplicas: 3,
        }),
      ),
      want: { ready: false, reason: 'RolloutInProgress', says: ['scaling down from 3'] },
    },
    {
      name: 'updated but not ready',
      observed: owned(deployment({ ...rolledOut, readyReplicas: 1, availableReplicas: 1 })),
      want: {
        ready: false,
        reason: 'ReplicasUnavailable',
        says: ['1 of 2 replicas ready', 'kubectl describe pods -l app=weather -n tools'],
      },
    },
    {
      name: 'ready but not yet available (minReadySeconds)',
      observed: owned(deployment({ ...rolledOut, availableReplicas: 1 })),
      want: { ready: false, reason: 'ReplicasUnavailable', says: ['1 available'] },
    },
    {
      name: 'failure cause from a ReplicaFailure condition',
      observed: owned(
        deployment({
          ...rolledOut,
          readyReplicas: 0,
          availableReplicas: 0,
          conditions: [
            { type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable' },
            {
              type: 'ReplicaFailure',
              status: 'True',
              reason: 'FailedCreate',
              message: 'pods "weather-abc" is forbidden: exceeded quota: compute.',
            },
          ],
        }),
      ),
      want: {
        ready: false,
        reason: 'ReplicasUnavailable',
        says: [
          'ReplicaFailure FailedCreate: pods "weather-abc" is forbidden: exceeded quota: compute)',
          'kubectl describe pods -l app=weather',
        ],
      },
    },
    {
      name: 'failure cause from Progressing False ProgressDeadlineExceeded',
      observed: owned(
        deployment({
          ...rolledOut,
          readyReplicas: 1,
          availableReplicas: 1,
          conditions: [
            {
              type: 'Progressing',
              status: 'False',
              reason: 'ProgressDeadlineExceeded',
              message: 'ReplicaSet "weather-abc" has timed out progressing.',
            },
          ],
        }),
      ),
      want: {
        ready: false,
        reason: 'ReplicasUnavailable',
        says: ['Progressing ProgressDeadlineExceeded: ReplicaSet "weather-abc" has timed out'],
      },
    },
    {
      name: 'stuck rollout names its cause too',
      observed: owned(
        deployment({
          ...rolledOut,
          replicas: 3,
          updatedReplicas: 1,
          conditions: [
            {
              type: 'Progressing',
              status: 'False',
              reason: 'ProgressDeadlineExceeded',
              message: 'x',
            },
          ],
        }),
      ),
      want: { ready: false, reason: 'RolloutInProgress', says: ['ProgressDeadlineExceeded'] },
    },
    {
      name: 'Progressing True is not a failure cause',
      observed: owned(
        deployment({
          ...rolledOut,
          readyReplicas: 1,
          conditions: [{ type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' }],
        }),
      ),
      want: { ready: false, reason: 'ReplicasUnavailable' },
    },
    {
      name: 'odd fields do not throw',
      observed: owned({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'weather', generation: 'x' as unknown as number },
        status: { replicas: 'two', conditions: 'none', readyReplicas: null },
      }),
      want: { ready: false, reason: 'RolloutInProgress' },
    },
    {
      name: 'non-object status does not throw',
      observed: owned({ ...deployment(undefined), status: 'broken' }),
      want: { ready: false, reason: 'RolloutInProgress' },
    },
  ];
  for (const c of cases) {
    it(c.name, () => check(deploymentReadiness(c.observed, c.desired ?? 2), c.want));
  }
});

function service(spec: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'weather', namespace: 'tools' },
    spec,
  };
}

const desiredService = service({
  type: 'ClusterIP',
  selector: { app: 'weather' },
  ports: [
    { name: 'http', port: 80, targetPort: 8091 },
    { name: 'metrics', port: 9103, targetPort: 9103 },
  ],
});

const liveSpec = {
  type: 'ClusterIP',
  clusterIP: '10.96.0.12',
  clusterIPs: ['10.96.0.12'],
  selector: { app: 'weather' },
  ports: [
    { name: 'http', port: 80, targetPort: 8091, protocol: 'TCP' },
    { name: 'metrics', port: 9103, targetPort: 9103, protocol: 'TCP' },
  ],
};

describe('serviceReadiness', () => {
  const cases: { name: string; observed: Observed; desired?: KubeObject; want: Expect }[] = [
    {
      name: 'cluster IP, ports and selector as desired',
      observed: owned(service(liveSpec)),
      want: { ready: true, reason: 'ClusterIPAssigned', says: ['10.96.0.12'] },
    },
    {
      name: 'ports in another order',
      observed: owned(service({ ...liveSpec, ports: [...liveSpec.ports].reverse() })),
      want: { ready: true, reason: 'ClusterIPAssigned' },
    },
    {
      name: 'absent targetPort means the port',
      observed: owned(
        service({
          ...liveSpec,
          ports: [liveSpec.ports[0], { name: 'metrics', port: 9103, protocol: 'TCP' }],
        }),
      ),
      want: { ready: true, reason: 'ClusterIPAssigned' },
    },
    {
      name: 'missing',
      observed: missing,
      want: { ready: false, reason: 'ServiceNotFound', says: ['Service weather'] },
    },
    {
      name: 'foreign',
      observed: { state: 'foreign', kind: 'Service', name: 'weather' },
      want: {
        ready: false,
        reason: 'ForeignObject',
        says: ['a Service named weather exists and is not controlled by this MCPServer'],
      },
    },
    {
      name: 'no cluster IP yet',
      observed: owned(service({ ...liveSpec, clusterIP: undefined })),
      want: { ready: false, reason: 'ClusterIPPending', says: ['no cluster IP'] },
    },
    {
      name: 'headless',
      observed: owned(service({ ...liveSpec, clusterIP: 'None' })),
      want: { ready: false, reason: 'ClusterIPPending', says: ['headless', 'delete it'] },
    },
    {
      name: 'target port not yet as desired (sidecar just added)',
      observed: owned(
        service({ ...liveSpec, ports: [{ name: 'http', port: 80, targetPort: 8088 }] }),
      ),
      want: {
        ready: false,
        reason: 'ServiceOutOfDate',
        says: ['ports http 80→8088 instead of http 80→8091, metrics 9103→9103'],
      },
    },
    {
      name: 'named target port differs from a numeric one',
      observed: owned(
        service({
          ...liveSpec,
          ports: [{ name: 'http', port: 80, targetPort: 'http' }, liveSpec.ports[1]],
        }),
      ),
      want: { ready: false, reason: 'ServiceOutOfDate' },
    },
    {
      name: 'extra port',
      observed: owned(
        service({
          ...liveSpec,
          ports: [...liveSpec.ports, { name: 'debug', port: 81, targetPort: 81 }],
        }),
      ),
      want: { ready: false, reason: 'ServiceOutOfDate' },
    },
    {
      name: 'selector differs',
      observed: owned(service({ ...liveSpec, selector: { app: 'weather', extra: 'x' } })),
      want: {
        ready: false,
        reason: 'ServiceOutOfDate',
        says: ['selector app=weather,extra=x instead of app=weather'],
      },
    },
    {
      name: 'no selector',
      observed: owned(service({ ...liveSpec, selector: undefined })),
      want: { ready: false, reason: 'ServiceOutOfDate', says: ['selector (none)'] },
    },
    {
      name: 'no spec at all does not throw',
      observed: owned({ apiVersion: 'v1', kind: 'Service', metadata: {} }),
      want: { ready: false, reason: 'ClusterIPPending' },
    },
    {
      name: 'odd ports do not throw',
      observed: owned(service({ ...liveSpec, ports: [null, 'x', { port: '80' }] })),
      want: { ready: false, reason: 'ServiceOutOfDate' },
    },
  ];
  for (const c of cases) {
    it(c.name, () => check(serviceReadiness(c.observed, c.desired ?? desiredService), c.want));
  }
});

function ingress(status?: unknown, rules: unknown = defaultRules): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'weather', namespace: 'tools' },
    spec: { ingressClassName: 'traefik', rules },
    ...(status === undefined ? {} : { status }),
  };
}

const defaultRules = [
  {
    host: 'mcp.example.com',
    http: {
      paths: [
        {
          path: '/weather/mcp',
          pathType: 'Prefix',
          backend: { service: { name: 'weather', port: { number: 80 } } },
        },
      ],
    },
  },
];

const withIP = { loadBalancer: { ingress: [{ ip: '192.0.2.10' }] } };
const withHostname = {
  loadBalancer: { ingress: [{ hostname: 'lb.example.net', ip: '192.0.2.9' }] },
};
const noAddress = { loadBalancer: {} };

describe('ingressReadiness', () => {
  const modes = ['strict', 'permissive'] as const;
  const cases: {
    name: string;
    observed: Observed;
    classExists?: boolean;
    /** expected result per mode */
    strict: Expect;
    permissive: Expect;
  }[] = [
    {
      name: 'address assigned (ip)',
      observed: owned(ingress(withIP)),
      strict: { ready: true, reason: 'AddressAssigned', says: ['192.0.2.10'] },
      permissive: { ready: true, reason: 'AddressAssigned', says: ['192.0.2.10'] },
    },
    {
      name: 'address assigned (hostname preferred)',
      observed: owned(ingress(withHostname)),
      strict: { ready: true, reason: 'AddressAssigned', says: ['lb.example.net'] },
      permissive: { ready: true, reason: 'AddressAssigned' },
    },
    {
      name: 'no address',
      observed: owned(ingress(noAddress)),
      strict: {
        ready: false,
        reason: 'NoLoadBalancerAddress',
        says: [
          'MCP_INGRESS_READINESS_MODE is strict',
          'set MCP_INGRESS_READINESS_MODE=permissive on the operator',
          'port-forward or NodePort',
        ],
      },
      permissive: {
        ready: true,
        reason: 'RulesConfigured',
        says: ['MCP_INGRESS_READINESS_MODE is permissive'],
      },
    },
    {
      name: 'no status at all',
      observed: owned(ingress()),
      strict: { ready: false, reason: 'NoLoadBalancerAddress' },
      permissive: { ready: true, reason: 'RulesConfigured' },
    },
    {
      name: 'an empty load-balancer entry is no address',
      observed: owned(ingress({ loadBalancer: { ingress: [{}] } })),
      strict: { ready: false, reason: 'NoLoadBalancerAddress' },
      permissive: { ready: true, reason: 'RulesConfigured' },
    },
    {
      name: 'no rules and no address',
      observed: owned(ingress(noAddress, [])),
      strict: { ready: false, reason: 'NoLoadBalancerAddress' },
      permissive: { ready: false, reason: 'RulesNotConfigured' },
    },
    {
      name: 'missing',
      observed: missing,
      strict: { ready: false, reason: 'IngressNotFound' },
      permissive: { ready: false, reason: 'IngressNotFound' },
    },
    {
      name: 'foreign',
      observed: { state: 'foreign', kind: 'Ingress', name: 'weather' },
      strict: {
        ready: false,
        reason: 'ForeignObject',
        says: [
          'an Ingress named weather exists and is not controlled by this MCPServer; rename the MCPServer or delete the other Ingress',
        ],
      },
      permissive: { ready: false, reason: 'ForeignObject' },
    },
    {
      name: 'class missing: not ready even with an address',
      observed: owned(ingress(withIP)),
      classExists: false,
      strict: {
        ready: false,
        reason: 'IngressClassNotFound',
        says: ['IngressClass traefik', 'spec.ingressClass'],
      },
      permissive: { ready: false, reason: 'IngressClassNotFound' },
    },
    {
      name: 'class missing and no address',
      observed: owned(ingress(noAddress)),
      classExists: false,
      strict: { ready: false, reason: 'IngressClassNotFound' },
      permissive: { ready: false, reason: 'IngressClassNotFound' },
    },
    {
      name: 'odd status does not throw',
      observed: owned(ingress({ loadBalancer: { ingress: 'x' } }, 'rules')),
      strict: { ready: false, reason: 'NoLoadBalancerAddress' },
      permissive: { ready: false, reason: 'RulesNotConfigured' },
    },
  ];
  for (const c of cases) {
    for (const mode of modes) {
      it(`${c.name} (${mode})`, () =>
        check(
          ingressReadiness(c.observed, {
            mode,
            className: 'traefik',
            classExists: c.classExists ?? true,
          }),
          c[mode],
        ));
    }
  }
});

describe('loadBalancerAddress', () => {
  const cases: { name: string; ingress: KubeObject | undefined; address: string | undefined }[] = [
    { name: 'no ingress', ingress: undefined, address: undefined },
    { name: 'no status', ingress: ingress(), address: undefined },
    { name: 'ip', ingress: ingress(withIP), address: '192.0.2.10' },
    { name: 'hostname over ip', ingress: ingress(withHostname), address: 'lb.example.net' },
    {
      name: 'first entry with an address',
      ingress: ingress({ loadBalancer: { ingress: [{}, { ip: '' }, { ip: '192.0.2.1' }] } }),
      address: '192.0.2.1',
    },
    {
      name: 'odd shape',
      ingress: ingress({ loadBalancer: { ingress: [null, 3] } }),
      address: undefined,
    },
  ];
  for (const c of cases) {
    it(c.name, () => assert.equal(loadBalancerAddress(c.ingress), c.address));
  }
});

describe('gatewayReadiness', () => {
  it('ready when the Deployment is', () => {
    const rolled = deploymentReadiness(owned(deployment(rolledOut)), 2);
    check(gatewayReadiness({ deployment: rolled }), { ready: true, reason: 'GatewayRunning' });
  });
  const notReady: { name: string; deployment: Readiness }[] = [
    {
      name: 'rollout in progress',
      deployment: deploymentReadiness(owned(deployment({ ...rolledOut, updatedReplicas: 1 })), 2),
    },
    { name: 'scaled to zero', deployment: deploymentReadiness(owned(deployment(rolledOut)), 0) },
    { name: 'missing', deployment: deploymentReadiness(missing, 2) },
  ];
  for (const c of notReady) {
    it(`not ready when the Deployment is not: ${c.name}`, () =>
      check(gatewayReadiness({ deployment: c.deployment }), {
        ready: false,
        reason: 'DeploymentNotReady',
        says: [c.deployment.message],
      }));
  }
});
