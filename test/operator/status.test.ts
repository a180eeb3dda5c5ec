import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MCPServerStatusSchema } from '../../src/api/v1alpha1/schema.ts';
import type { Condition, MCPServerStatus, Phase } from '../../src/api/v1alpha1/schema.ts';
import type { KubeObject } from '@mcp-operator/kube-core/port';
import {
  deploymentReadiness,
  gatewayReadiness,
  ingressReadiness,
  serviceReadiness,
} from '../../src/operator/readiness.ts';
import type { Observed, Readiness } from '../../src/operator/readiness.ts';
import { boundedMessage, computeStatus } from '../../src/operator/status.ts';
import type { Outcome, Surfaces } from '../../src/operator/status.ts';

// ---------------------------------------------------------------------------
// Fixtures: real readiness values from the readiness functions.

const T1 = '2025-03-01T10:00:00Z';
const T2 = '2025-03-01T10:00:05Z';
const T3 = '2025-03-01T10:00:10Z';
const T4 = '2025-03-01T10:05:00Z';
const T5 = '2025-03-01T10:05:30Z';
const T6 = '2025-03-01T11:00:00Z';
const T7 = '2025-03-01T12:00:00Z';
const LATER = '2025-03-02T00:00:00Z';

const URL = 'https://mcp.example.com/weather/mcp';
const PATH = '/weather/mcp';
const IMAGE_1 = 'ghcr.io/acme/weather:1.0.0';
const IMAGE_2 = 'ghcr.io/acme/weather:1.1.0';

const owned = (object: KubeObject): Observed => ({ state: 'owned', object });
const missing: Observed = { state: 'missing' };

function deploymentObject(generation: number, status: Record<string, number>): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'weather', namespace: 'tools', generation },
    spec: { replicas: 2 },
    status,
  };
}

const rolledOut = (generation: number) => ({
  observedGeneration: generation,
  replicas: 2,
  updatedReplicas: 2,
  readyReplicas: 2,
  availableReplicas: 2,
});

function serviceObject(clusterIP: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'weather', namespace: 'tools' },
    spec: {
      ...(clusterIP ? { clusterIP } : {}),
      selector: { app: 'weather' },
      ports: [{ name: 'http', port: 80, targetPort: 8088 }],
    },
  };
}
const desiredService = serviceObject('');

function ingressObject(address: string | undefined): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'weather', namespace: 'tools' },
    spec: {
      ingressClassName: 'traefik',
      rules: [{ http: { paths: [{ path: PATH, pathType: 'Prefix' }] } }],
    },
    status: { loadBalancer: { ingress: address ? [{ ip: address }] : [] } },
  };
}
const strict = { mode: 'strict', className: 'traefik', classExists: true } as const;

const deploy = {
  ready: deploymentReadiness(owned(deploymentObject(1, rolledOut(1))), 2),
  readyGen2: deploymentReadiness(owned(deploymentObject(2, rolledOut(2))), 2),
  missing: deploymentReadiness(missing, 2),
  rolling: deploymentReadiness(
    owned(deploymentObject(1, { ...rolledOut(1), updatedReplicas: 1, replicas: 3 })),
    2,
  ),
  // a new template (generation 2) the Deployment controller has not observed yet
  newTemplate: deploymentReadiness(owned(deploymentObject(2, rolledOut(1))), 2),
  unavailable: deploymentReadiness(
    owned(deploymentObject(1, { ...rolledOut(1), readyReplicas: 1, availableReplicas: 1 })),
    2,
  ),
  scaledToZero: deploymentReadiness(
    owned(
      deploymentObject(1, {
        observedGeneration: 1,
        replicas: 0,
        updatedReplicas: 0,
        readyReplicas: 0,
        availableReplicas: 0,
      }),
    ),
    0,
  ),
};

const svc = {
  ready: serviceReadiness(owned(serviceObject('10.96.0.7')), desiredService),
  pending: serviceReadiness(owned(serviceObject('')), desiredService),
  missing: serviceReadiness(missing, desiredService),
};

const ing = {
  ready: ingressReadiness(owned(ingressObject('203.0.113.10')), strict),
  rulesOnly: ingressReadiness(owned(ingressObject(undefined)), { ...strict, mode: 'permissive' }),
  noAddress: ingressReadiness(owned(ingressObject(undefined)), strict),
  missing: ingressReadiness(missing, strict),
  classMissing: ingressReadiness(missing, { ...strict, classExists: false }),
  routeConflict: {
    ready: false,
    reason: 'RouteConflict',
    message:
      'the route mcp.example.com/weather/mcp is held by MCPServer tools/other; change spec.publicPathPrefix or spec.ingressHost',
  } satisfies Readiness,
};

const gw = {
  running: gatewayReadiness({ deployment: deploy.ready }),
  waitingMissing: gatewayReadiness({ deployment: deploy.missing }),
  waitingRolling: gatewayReadiness({ deployment: deploy.rolling }),
  waitingNewTemplate: gatewayReadiness({ deployment: deploy.newTemplate }),
  imageMissing: {
    ready: false,
    reason: 'GatewayImageMissing',
    message:
      'spec.gateway.enabled is true but no gateway image is set; set spec.gateway.image or the operator env MCP_GATEWAY_IMAGE',
  } satisfies Readiness,
};

function observed(surfaces: Surfaces, url = URL, image = IMAGE_1): Outcome {
  return { kind: 'observed', surfaces, url, image, path: PATH };
}

const allReady: Surfaces = { deployment: deploy.ready, service: svc.ready, ingress: ing.ready };
const allReadyGateway: Surfaces = { ...allReady, gateway: gw.running };

// ---------------------------------------------------------------------------
// Helpers

type SurfaceKey = keyof Surfaces;
type ConditionType = 'Ready' | 'DeploymentReady' | 'ServiceReady' | 'IngressReady' | 'GatewayReady';
type Flags = Record<SurfaceKey, boolean>;

const TYPE_OF: Record<SurfaceKey, ConditionType> = {
  deployment: 'DeploymentReady',
  service: 'ServiceReady',
  ingress: 'IngressReady',
  gateway: 'GatewayReady',
};

/** As the status comes back from the API server: JSON, no undefined fields. */
function stored(status: MCPServerStatus): MCPServerStatus {
  return JSON.parse(JSON.stringify(status)) as MCPServerStatus;
}

function cond(status: MCPServerStatus, type: ConditionType): Condition {
  const found = (status.conditions ?? []).find((c) => c.type === type);
  assert.ok(found, `no ${type} condition in ${JSON.stringify(status.conditions)}`);
  return found;
}

function types(status: MCPServerStatus): string[] {
  return (status.conditions ?? []).map((c) => c.type);
}

function flags(status: MCPServerStatus): Flags {
  return {
    deployment: status.deploymentReady ?? false,
    service: status.serviceReady ?? false,
    ingress: status.ingressReady ?? false,
    gateway: status.gatewayReady ?? false,
  };
}

/** What holds for every status a user can read. */
function checkShape(status: MCPServerStatus) {
  // a valid status subresource as the CRD schema has it, and nothing lost in JSON
  assert.deepEqual(MCPServerStatusSchema.parse(status), status);
  assert.deepEqual(stored(status), status);
  const list = status.conditions ?? [];
  assert.equal(list[0]?.type, 'Ready', 'Ready is listed first');
  assert.equal(
    new Set(types(status)).size,
    list.length,
    `duplicate types: ${types(status).join(', ')}`,
  );
  for (const c of list) {
    assert.match(c.reason, /^[A-Z][A-Za-z0-9]*$/, `${c.type} reason is CamelCase`);
    assert.ok(c.message.length > 0 && !c.message.includes('\n'), `${c.type}: "${c.message}"`);
  }
  const ready = cond(status, 'Ready');
  assert.equal(status.message, ready.message, 'status.message is the Ready message');
  assert.equal(ready.status === 'True', status.phase === 'Ready', 'Ready True iff phase Ready');
  assert.ok(ready.status !== 'True' || ready.reason === 'Ready');
}

/** A surface's condition says what its readiness says. */
function checkSurface(status: MCPServerStatus, type: ConditionType, r: Readiness) {
  const c = cond(status, type);
  assert.deepEqual(
    { status: c.status, reason: c.reason, message: c.message },
    { status: r.ready ? 'True' : 'False', reason: r.reason, message: r.message },
    type,
  );
}

/**
 * Each not-ready message is in the summary and ends its clause: it is followed
 * by punctuation or ends the message, not run into the next one.
 */
function checkNames(message: string, parts: readonly string[]) {
  for (const part of parts) {
    const at = message.indexOf(part);
    assert.ok(at >= 0, `message "${message}" lacks "${part}"`);
    const next = message.slice(at + part.length);
    assert.ok(/^($|[;.,:])/.test(next), `"${part}" runs into "${next.slice(0, 30)}"`);
  }
}

// ---------------------------------------------------------------------------

describe('computeStatus fixtures', () => {
  it('are the readiness they claim to be', () => {
    const want: [Readiness, boolean, string][] = [
      [deploy.ready, true, 'RolloutComplete'],
      [deploy.readyGen2, true, 'RolloutComplete'],
      [deploy.missing, false, 'DeploymentNotFound'],
      [deploy.rolling, false, 'RolloutInProgress'],
      [deploy.newTemplate, false, 'RolloutInProgress'],
      [deploy.unavailable, false, 'ReplicasUnavailable'],
      [deploy.scaledToZero, false, 'ScaledToZero'],
      [svc.ready, true, 'ClusterIPAssigned'],
      [svc.pending, false, 'ClusterIPPending'],
      [svc.missing, false, 'ServiceNotFound'],
      [ing.ready, true, 'AddressAssigned'],
      [ing.rulesOnly, true, 'RulesConfigured'],
      [ing.noAddress, false, 'NoLoadBalancerAddress'],
      [ing.missing, false, 'IngressNotFound'],
      [ing.classMissing, false, 'IngressClassNotFound'],
      [gw.running, true, 'GatewayRunning'],
      [gw.waitingRolling, false, 'DeploymentNotReady'],
    ];
    for (const [r, ready, reason] of want) {
      assert.deepEqual([r.ready, r.reason], [ready, reason], r.message);
    }
  });
});

describe('computeStatus phases', () => {
  const cases: {
    name: string;
    surfaces: Surfaces;
    url?: string;
    phase: Phase;
    reason: 'Ready' | 'NotReady' | 'ScaledToZero';
    /** substrings of the message */
    says: string[];
    /** not-ready messages the summary must name, each ending its clause */
    names?: string[];
    /** messages of ready surfaces, which a not-ready summary leaves out */
    lacks?: string[];
    flags: Flags;
  }[] = [
    {
      name: 'all ready: Ready, serving at the url',
      surfaces: allReady,
      phase: 'Ready',
      reason: 'Ready',
      says: [URL],
      flags: { deployment: true, service: true, ingress: true, gateway: false },
    },
    {
      name: 'all ready without a url: the message gives the path',
      surfaces: allReady,
      url: '',
      phase: 'Ready',
      reason: 'Ready',
      says: [PATH],
      flags: { deployment: true, service: true, ingress: true, gateway: false },
    },
    {
      name: 'permissive ingress with rules counts as ready',
      surfaces: { ...allReady, ingress: ing.rulesOnly },
      phase: 'Ready',
      reason: 'Ready',
      says: [URL],
      flags: { deployment: true, service: true, ingress: true, gateway: false },
    },
    {
      name: 'all ready with a running gateway: Ready',
      surfaces: allReadyGateway,
      phase: 'Ready',
      reason: 'Ready',
      says: [URL],
      flags: { deployment: true, service: true, ingress: true, gateway: true },
    },
    {
      name: 'the gateway counts when present: three ready, gateway not → PartiallyReady',
      surfaces: { ...allReady, gateway: gw.imageMissing },
      phase: 'PartiallyReady',
      reason: 'NotReady',
      says: [],
      names: [gw.imageMissing.message],
      lacks: [deploy.ready.message, svc.ready.message, ing.ready.message],
      flags: { deployment: true, service: true, ingress: true, gateway: false },
    },
    {
      name: 'deployment rolling out, the rest ready → PartiallyReady naming the Deployment',
      surfaces: { ...allReady, deployment: deploy.rolling },
      phase: 'PartiallyReady',
      reason: 'NotReady',
      says: ['the Deployment weather'],
      names: [deploy.rolling.message],
      lacks: [svc.ready.message, ing.ready.message],
      flags: { deployment: false, service: true, ingress: true, gateway: false },
    },
    {
      name: 'only the ingress waits for an address → PartiallyReady naming the Ingress',
      surfaces: { ...allReady, ingress: ing.noAddress },
      phase: 'PartiallyReady',
      reason: 'NotReady',
      says: ['MCP_INGRESS_READINESS_MODE'],
      names: [ing.noAddress.message],
      lacks: [deploy.ready.message, svc.ready.message],
      flags: { deployment: true, service: true, ingress: false, gateway: false },
    },
    {
      name: 'deployment and ingress not ready, gateway waiting → PartiallyReady (service ready)',
      surfaces: {
        deployment: deploy.unavailable,
        service: svc.ready,
        ingress: ing.noAddress,
        gateway: gatewayReadiness({ deployment: deploy.unavailable }),
      },
      phase: 'PartiallyReady',
      reason: 'NotReady',
      says: [],
      names: [deploy.unavailable.message, ing.noAddress.message],
      lacks: [svc.ready.message],
      flags: { deployment: false, service: true, ingress: false, gateway: false },
    },
    {
      name: 'none ready → Pending naming each surface',
      surfaces: { deployment: deploy.rolling, service: svc.pending, ingress: ing.noAddress },
      phase: 'Pending',
      reason: 'NotReady',
      says: [],
      names: [deploy.rolling.message, svc.pending.message, ing.noAddress.message],
      flags: { deployment: false, service: false, ingress: false, gateway: false },
    },
    {
      name: 'nothing exists yet, gateway waiting → Pending',
      surfaces: {
        deployment: deploy.missing,
        service: svc.missing,
        ingress: ing.classMissing,
        gateway: gw.waitingMissing,
      },
      phase: 'Pending',
      reason: 'NotReady',
      says: [],
      names: [svc.missing.message, ing.classMissing.message, gw.waitingMissing.message],
      flags: { deployment: false, service: false, ingress: false, gateway: false },
    },
    {
      name: 'scaled to zero, service and ingress ready → reason ScaledToZero',
      surfaces: { ...allReady, deployment: deploy.scaledToZero },
      phase: 'PartiallyReady',
      reason: 'ScaledToZero',
      says: ['scaled to zero', 'spec.replicas'],
      names: [deploy.scaledToZero.message],
      lacks: [svc.ready.message, ing.ready.message],
      flags: { deployment: false, service: true, ingress: true, gateway: false },
    },
    {
      name: 'scaled to zero and nothing else ready → Pending, reason ScaledToZero',
      surfaces: { deployment: deploy.scaledToZero, service: svc.pending, ingress: ing.missing },
      phase: 'Pending',
      reason: 'ScaledToZero',
      says: [],
      names: [deploy.scaledToZero.message, svc.pending.message, ing.missing.message],
      flags: { deployment: false, service: false, ingress: false, gateway: false },
    },
  ];

  for (const c of cases) {
    it(c.name, () => {
      const status = computeStatus(undefined, observed(c.surfaces, c.url ?? URL), 1, T1);
      checkShape(status);
      assert.equal(status.phase, c.phase);
      const ready = cond(status, 'Ready');
      assert.equal(ready.status, c.phase === 'Ready' ? 'True' : 'False');
      assert.equal(ready.reason, c.reason);
      for (const part of c.says) {
        assert.ok(status.message?.includes(part), `message "${status.message}" lacks "${part}"`);
      }
      if (c.phase === 'Ready') {
        assert.match(status.message ?? '', /^Serving at /);
      }
      checkNames(status.message ?? '', c.names ?? []);
      for (const part of c.lacks ?? []) {
        assert.ok(!status.message?.includes(part), `message "${status.message}" names "${part}"`);
      }
      assert.deepEqual(flags(status), c.flags);
      // one condition per surface given, in a fixed order after Ready
      const given = (['deployment', 'service', 'ingress', 'gateway'] as const).filter(
        (k) => c.surfaces[k],
      );
      assert.deepEqual(types(status), ['Ready', ...given.map((k) => TYPE_OF[k])]);
      for (const k of given) checkSurface(status, TYPE_OF[k], c.surfaces[k]!);
      for (const x of status.conditions ?? []) {
        assert.equal(x.observedGeneration, 1);
        assert.equal(x.lastTransitionTime, T1);
      }
      assert.equal(status.observedGeneration, 1);
      assert.equal(status.image, IMAGE_1);
      if (c.url === '') assert.equal('url' in status, false, 'no url when none is known');
      else assert.equal(status.url, URL);
    });
  }
});

describe('computeStatus failures', () => {
  const readyBefore = stored(computeStatus(undefined, observed(allReadyGateway), 1, T1));
  const readyNoGateway = stored(computeStatus(undefined, observed(allReady), 1, T1));
  const partialBefore = stored(
    computeStatus(
      undefined,
      observed({ deployment: deploy.rolling, service: svc.ready, ingress: ing.noAddress }),
      1,
      T1,
    ),
  );
  const errorBefore = stored(
    computeStatus(
      readyBefore,
      { kind: 'failed', reason: 'InvalidSpec', message: 'invalid spec: spec.port: must be > 0' },
      2,
      T2,
    ),
  );

  const cases: {
    name: string;
    previous: MCPServerStatus | undefined;
    outcome: Extract<Outcome, { kind: 'failed' }>;
    /** conditions carried over unchanged from previous */
    kept: ConditionType[];
    /** conditions this pass wrote: status, reason and lastTransitionTime */
    fresh: Partial<Record<ConditionType, [Condition['status'], string, string]>>;
    order: ConditionType[];
    flags: Flags;
    url?: string;
    image?: string;
  }[] = [
    {
      name: 'InvalidSpec after Ready: every surface keeps its condition and boolean',
      previous: readyBefore,
      outcome: {
        kind: 'failed',
        reason: 'InvalidSpec',
        message: 'invalid spec: spec.envVars[1].name: duplicate name PORT',
      },
      kept: ['DeploymentReady', 'ServiceReady', 'IngressReady', 'GatewayReady'],
      fresh: { Ready: ['False', 'InvalidSpec', T2] },
      order: ['Ready', 'DeploymentReady', 'ServiceReady', 'IngressReady', 'GatewayReady'],
      flags: { deployment: true, service: true, ingress: true, gateway: true },
      url: URL,
      image: IMAGE_1,
    },
    {
      name: 'InvalidSpec with a GatewayImageMissing gateway: GatewayReady False, the rest kept',
      previous: readyBefore,
      outcome: {
        kind: 'failed',
        reason: 'InvalidSpec',
        message: 'invalid spec: spec.gateway.image: no gateway image is set',
        surfaces: { gateway: gw.imageMissing },
      },
      kept: ['DeploymentReady', 'ServiceReady', 'IngressReady'],
      fresh: {
        Ready: ['False', 'InvalidSpec', T2],
        GatewayReady: ['False', 'GatewayImageMissing', T2],
      },
      order: ['Ready', 'DeploymentReady', 'ServiceReady', 'IngressReady', 'GatewayReady'],
      flags: { deployment: true, service: true, ingress: true, gateway: false },
      url: URL,
      image: IMAGE_1,
    },
    {
      name: 'GatewayImageMissing when there was no sidecar before: GatewayReady appears',
      previous: readyNoGateway,
      outcome: {
        kind: 'failed',
        reason: 'InvalidSpec',
        message: 'invalid spec: spec.gateway.image: no gateway image is set',
        surfaces: { gateway: gw.imageMissing },
      },
      kept: ['DeploymentReady', 'ServiceReady', 'IngressReady'],
      fresh: {
        Ready: ['False', 'InvalidSpec', T2],
        GatewayReady: ['False', 'GatewayImageMissing', T2],
      },
      order: ['Ready', 'DeploymentReady', 'ServiceReady', 'IngressReady', 'GatewayReady'],
      flags: { deployment: true, service: true, ingress: true, gateway: false },
      url: URL,
      image: IMAGE_1,
    },
    {
      name: 'RouteConflict: IngressReady False RouteConflict, the new image, the rest kept',
      previous: partialBefore,
      outcome: {
        kind: 'failed',
        reason: 'RouteConflict',
        message: ing.routeConflict.message,
        surfaces: { ingress: ing.routeConflict },
        image: IMAGE_2,
      },
      kept: ['DeploymentReady', 'ServiceReady'],
      // IngressReady was False (NoLoadBalancerAddress) already: no flip, time kept
      fresh: {
        Ready: ['False', 'RouteConflict', T1],
        IngressReady: ['False', 'RouteConflict', T1],
      },
      order: ['Ready', 'DeploymentReady', 'ServiceReady', 'IngressReady'],
      flags: { deployment: false, service: true, ingress: false, gateway: false },
      url: URL,
      image: IMAGE_2,
    },
    {
      name: 'RouteConflict after Ready: IngressReady flips, the others kept',
      previous: readyNoGateway,
      outcome: {
        kind: 'failed',
        reason: 'RouteConflict',
        message: ing.routeConflict.message,
        surfaces: { ingress: ing.routeConflict },
        image: IMAGE_1,
      },
      kept: ['DeploymentReady', 'ServiceReady'],
      fresh: {
        Ready: ['False', 'RouteConflict', T2],
        IngressReady: ['False', 'RouteConflict', T2],
      },
      order: ['Ready', 'DeploymentReady', 'ServiceReady', 'IngressReady'],
      flags: { deployment: true, service: true, ingress: false, gateway: false },
      url: URL,
      image: IMAGE_1,
    },
    {
      name: 'ReconcileError with the surfaces observed before it: those rewritten, the others kept',
      previous: readyBefore,
      outcome: {
        kind: 'failed',
        reason: 'ReconcileError',
        message: 'failed to reconcile Ingress: admission webhook denied the request',
        surfaces: { deployment: deploy.unavailable, service: svc.ready },
        image: IMAGE_1,
      },
      kept: ['IngressReady', 'GatewayReady'],
      fresh: {
        Ready: ['False', 'ReconcileError', T2],
        DeploymentReady: ['False', 'ReplicasUnavailable', T2],
        ServiceReady: ['True', 'ClusterIPAssigned', T1],
      },
      order: ['Ready', 'DeploymentReady', 'ServiceReady', 'IngressReady', 'GatewayReady'],
      flags: { deployment: false, service: true, ingress: true, gateway: true },
      url: URL,
      image: IMAGE_1,
    },
    {
      name: 'ReconcileError on the first pass: only Ready, everything false, no url or image',
      previous: undefined,
      outcome: {
        kind: 'failed',
        reason: 'ReconcileError',
        message: 'failed to reconcile Secret: secrets "weather-pull" is forbidden',
      },
      kept: [],
      fresh: { Ready: ['False', 'ReconcileError', T2] },
      order: ['Ready'],
      flags: { deployment: false, service: false, ingress: false, gateway: false },
    },
    {
      name: 'one failure after another: Ready stays False, its time kept, reason and message new',
      previous: errorBefore,
      outcome: {
        kind: 'failed',
        reason: 'RouteConflict',
        message: ing.routeConflict.message,
        surfaces: { ingress: ing.routeConflict },
      },
      kept: ['DeploymentReady', 'ServiceReady', 'GatewayReady'],
      fresh: {
        Ready: ['False', 'RouteConflict', T2],
        IngressReady: ['False', 'RouteConflict', T3],
      },
      order: ['Ready', 'DeploymentReady', 'ServiceReady', 'IngressReady', 'GatewayReady'],
      flags: { deployment: true, service: true, ingress: false, gateway: true },
      url: URL,
      image: IMAGE_1,
    },
  ];

  for (const c of cases) {
    it(c.name, () => {
      const now = c.previous === errorBefore ? T3 : T2;
      const generation = c.previous === errorBefore ? 3 : 2;
      const status = computeStatus(c.previous, c.outcome, generation, now);
      checkShape(status);
      assert.equal(status.phase, 'Error');
      assert.equal(status.message, c.outcome.message);
      const ready = cond(status, 'Ready');
      assert.equal(ready.status, 'False');
      assert.equal(ready.reason, c.outcome.reason);
      assert.equal(ready.message, c.outcome.message);
      assert.deepEqual(types(status), c.order);
      for (const type of c.kept) {
        assert.deepEqual(cond(status, type), cond(c.previous!, type), `${type} kept unchanged`);
      }
      for (const [type, [s, reason, time]] of Object.entries(c.fresh)) {
        const x = cond(status, type as ConditionType);
        assert.deepEqual(
          [x.status, x.reason, x.lastTransitionTime, x.observedGeneration],
          [s, reason, time, generation],
          type,
        );
      }
      for (const [key, r] of Object.entries(c.outcome.surfaces ?? {})) {
        checkSurface(status, TYPE_OF[key as SurfaceKey], r);
      }
      assert.deepEqual(flags(status), c.flags);
      assert.equal(status.observedGeneration, generation);
      assert.equal(status.url, c.url);
      assert.equal(status.image, c.image);
    });
  }
});

describe('computeStatus transitions', () => {
  const steps: {
    name: string;
    now: string;
    generation: number;
    surfaces: Surfaces;
    image: string;
    phase: Phase;
    /** conditions in order, each with the lastTransitionTime it must carry */
    conditions: [ConditionType, string][];
  }[] = [
    {
      name: 'created: nothing exists yet → Pending',
      now: T1,
      generation: 1,
      surfaces: {
        deployment: deploy.missing,
        service: svc.pending,
        ingress: ing.missing,
        gateway: gw.waitingMissing,
      },
      image: IMAGE_1,
      phase: 'Pending',
      conditions: [
        ['Ready', T1],
        ['DeploymentReady', T1],
        ['ServiceReady', T1],
        ['IngressReady', T1],
        ['GatewayReady', T1],
      ],
    },
    {
      name: 'service gets its IP, deployment rolling (reason changes, no flip) → PartiallyReady',
      now: T2,
      generation: 1,
      surfaces: {
        deployment: deploy.rolling,
        service: svc.ready,
        ingress: ing.noAddress,
        gateway: gw.waitingRolling,
      },
      image: IMAGE_1,
      phase: 'PartiallyReady',
      conditions: [
        ['Ready', T1],
        ['DeploymentReady', T1],
        ['ServiceReady', T2],
        ['IngressReady', T1],
        ['GatewayReady', T1],
      ],
    },
    {
      name: 'rolled out and the address published → Ready',
      now: T3,
      generation: 1,
      surfaces: allReadyGateway,
      image: IMAGE_1,
      phase: 'Ready',
      conditions: [
        ['Ready', T3],
        ['DeploymentReady', T3],
        ['ServiceReady', T2],
        ['IngressReady', T3],
        ['GatewayReady', T3],
      ],
    },
    {
      name: 'image changed (generation 2), new template not rolled out → not ready',
      now: T4,
      generation: 2,
      surfaces: {
        deployment: deploy.newTemplate,
        service: svc.ready,
        ingress: ing.ready,
        gateway: gw.waitingNewTemplate,
      },
      image: IMAGE_2,
      phase: 'PartiallyReady',
      conditions: [
        ['Ready', T4],
        ['DeploymentReady', T4],
        ['ServiceReady', T2],
        ['IngressReady', T3],
        ['GatewayReady', T4],
      ],
    },
    {
      name: 'new template rolled out → Ready again',
      now: T5,
      generation: 2,
      surfaces: { ...allReadyGateway, deployment: deploy.readyGen2 },
      image: IMAGE_2,
      phase: 'Ready',
      conditions: [
        ['Ready', T5],
        ['DeploymentReady', T5],
        ['ServiceReady', T2],
        ['IngressReady', T3],
        ['GatewayReady', T5],
      ],
    },
    {
      name: 'sidecar removed (generation 3): GatewayReady dropped, nothing flips',
      now: T6,
      generation: 3,
      surfaces: { ...allReady, deployment: deploy.readyGen2 },
      image: IMAGE_2,
      phase: 'Ready',
      conditions: [
        ['Ready', T5],
        ['DeploymentReady', T5],
        ['ServiceReady', T2],
        ['IngressReady', T3],
      ],
    },
    {
      name: 'sidecar added back (generation 4): GatewayReady new',
      now: T7,
      generation: 4,
      surfaces: { ...allReadyGateway, deployment: deploy.readyGen2 },
      image: IMAGE_2,
      phase: 'Ready',
      conditions: [
        ['Ready', T5],
        ['DeploymentReady', T5],
        ['ServiceReady', T2],
        ['IngressReady', T3],
        ['GatewayReady', T7],
      ],
    },
  ];

  it('Pending → PartiallyReady → Ready → new image → Ready; sidecar goes and comes back', () => {
    let previous: MCPServerStatus | undefined;
    for (const step of steps) {
      const status = computeStatus(
        previous,
        observed(step.surfaces, URL, step.image),
        step.generation,
        step.now,
      );
      const at = `step "${step.name}"`;
      checkShape(status);
      assert.equal(status.phase, step.phase, at);
      assert.deepEqual(
        (status.conditions ?? []).map((c) => [c.type, c.lastTransitionTime]),
        step.conditions,
        at,
      );
      for (const c of status.conditions ?? []) {
        assert.equal(c.observedGeneration, step.generation, `${at}: ${c.type}`);
      }
      assert.equal(status.observedGeneration, step.generation, at);
      for (const key of ['deployment', 'service', 'ingress', 'gateway'] as const) {
        const r = step.surfaces[key];
        if (r) checkSurface(status, TYPE_OF[key], r);
      }
      assert.equal(status.gatewayReady, step.surfaces.gateway?.ready ?? false, at);
      assert.equal(status.image, step.image, at);
      assert.equal(status.url, URL, at);
      previous = stored(status);
    }
  });
});

describe('computeStatus idempotence', () => {
  const readyBefore = stored(computeStatus(undefined, observed(allReadyGateway), 1, T1));
  const scenarios: {
    name: string;
    previous: MCPServerStatus | undefined;
    outcome: Outcome;
  }[] = [
    { name: 'Ready', previous: undefined, outcome: observed(allReadyGateway) },
    { name: 'Ready without a url', previous: undefined, outcome: observed(allReady, '') },
    {
      name: 'PartiallyReady',
      previous: readyBefore,
      outcome: observed({ ...allReady, ingress: ing.noAddress }),
    },
    {
      name: 'Pending',
      previous: undefined,
      outcome: observed({ deployment: deploy.missing, service: svc.missing, ingress: ing.missing }),
    },
    {
      name: 'ScaledToZero',
      previous: readyBefore,
      outcome: observed({ ...allReady, deployment: deploy.scaledToZero }),
    },
    {
      name: 'InvalidSpec keeping every surface',
      previous: readyBefore,
      outcome: { kind: 'failed', reason: 'InvalidSpec', message: 'invalid spec: spec.port: bad' },
    },
    {
      name: 'RouteConflict',
      previous: readyBefore,
      outcome: {
        kind: 'failed',
        reason: 'RouteConflict',
        message: ing.routeConflict.message,
        surfaces: { ingress: ing.routeConflict },
        image: IMAGE_2,
      },
    },
    {
      name: 'ReconcileError without previous status',
      previous: undefined,
      outcome: { kind: 'failed', reason: 'ReconcileError', message: 'failed to reconcile Service' },
    },
  ];

  for (const s of scenarios) {
    it(`${s.name}: the same pass later gives the same status (no write)`, () => {
      const first = stored(computeStatus(s.previous, s.outcome, 2, T2));
      const again = computeStatus(first, s.outcome, 2, LATER);
      assert.deepEqual(again, first);
      assert.deepEqual(stored(computeStatus(stored(again), s.outcome, 2, LATER)), first);
    });
  }
});

describe('computeStatus url and image', () => {
  const previous = stored(computeStatus(undefined, observed(allReady, URL, IMAGE_1), 1, T1));
  const cases: {
    name: string;
    previous: MCPServerStatus | undefined;
    outcome: Outcome;
    url: string | undefined;
    image: string | undefined;
  }[] = [
    {
      name: 'observed: url and image published',
      previous: undefined,
      outcome: observed(allReady, URL, IMAGE_1),
      url: URL,
      image: IMAGE_1,
    },
    {
      name: 'observed: a new url and image replace the old ones',
      previous,
      outcome: observed(allReady, 'http://203.0.113.10/weather/mcp', IMAGE_2),
      url: 'http://203.0.113.10/weather/mcp',
      image: IMAGE_2,
    },
    {
      name: 'observed: no url known any more → url cleared',
      previous,
      outcome: observed({ ...allReady, ingress: ing.noAddress }, '', IMAGE_1),
      url: undefined,
      image: IMAGE_1,
    },
    {
      name: 'failure without url or image keeps both',
      previous,
      outcome: { kind: 'failed', reason: 'InvalidSpec', message: 'invalid spec: spec.port: bad' },
      url: URL,
      image: IMAGE_1,
    },
    {
      name: 'failure with an image publishes it and keeps the url',
      previous,
      outcome: {
        kind: 'failed',
        reason: 'ReconcileError',
        message: 'failed to reconcile Deployment: the server is currently unable to handle it',
        image: IMAGE_2,
      },
      url: URL,
      image: IMAGE_2,
    },
    {
      name: 'failure with a url publishes it',
      previous,
      outcome: {
        kind: 'failed',
        reason: 'ReconcileError',
        message: 'failed to reconcile Service',
        url: 'https://other.example.com/mcp',
      },
      url: 'https://other.example.com/mcp',
      image: IMAGE_1,
    },
    {
      name: 'failure on the first pass: neither',
      previous: undefined,
      outcome: { kind: 'failed', reason: 'InvalidSpec', message: 'invalid spec: spec.port: bad' },
      url: undefined,
      image: undefined,
    },
  ];

  for (const c of cases) {
    it(c.name, () => {
      const status = computeStatus(c.previous, c.outcome, 2, T2);
      checkShape(status);
      assert.equal(status.url, c.url);
      assert.equal(status.image, c.image);
      // empty values are left out rather than written as ""
      assert.equal('url' in status, c.url !== undefined);
      assert.equal('image' in status, c.image !== undefined);
    });
  }
});

describe("status messages within the CRD's bound", () => {
  // Found by fuzzing (test/fuzz/api-malformed.test.ts): a violation path holds a map key
  // as written, so a 1 MiB key made a 1 MiB message the status write was refused for.
  it('cuts a failure message to 32768 characters, code points as kube counts them', () => {
    const message = `invalid spec: spec.ingressAnnotations.${'ü'.repeat(40_000)}: must be a string, not a number`;
    const status = computeStatus(
      undefined,
      { kind: 'failed', reason: 'InvalidSpec', message },
      1,
      T1,
    );
    assert.equal([...status.message!].length, 32768);
    assert.ok(status.message!.startsWith('invalid spec: spec.ingressAnnotations.üüü'));
    assert.ok(status.message!.endsWith('…'));
    assert.equal(status.conditions?.[0]?.message, status.message);
    assert.equal(MCPServerStatusSchema.safeParse(status).success, true);
  });

  it('leaves a message within the bound alone, and counts code points, not UTF-16 units', () => {
    assert.equal(boundedMessage('short'), 'short');
    const emoji = '😀'.repeat(32768); // 65536 UTF-16 units, 32768 characters
    assert.equal(boundedMessage(emoji), emoji);
    assert.equal([...boundedMessage(`${emoji}x`)].length, 32768);
  });
});
