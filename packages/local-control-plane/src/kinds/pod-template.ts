// The PodSpec, shared by Pods and the templates of workloads (Deployments): its
// defaults (pkg/apis/core/v1/defaults.go), its merge rules and its printer cells.
import { isObject, type JsonObject } from '@mcp-operator/kube-core/json';
import { atomic, byKey, byProtocolPort, mount, type MergeTable } from '../patch/merge-rules.ts';
import { setDefault } from './defaulting.ts';
import { get, list, str } from './print.ts';

/** Always for `:latest` or untagged images, else IfNotPresent (as the kubelet's defaulting). */
function defaultPullPolicy(image: string): string {
  if (image.includes('@')) return 'IfNotPresent';
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const tag = lastSegment.includes(':') ? lastSegment.slice(lastSegment.indexOf(':') + 1) : '';
  return tag === '' || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultProbe(probe: unknown) {
  if (!isObject(probe)) return;
  setDefault(probe, 'timeoutSeconds', 1);
  setDefault(probe, 'periodSeconds', 10);
  setDefault(probe, 'successThreshold', 1);
  setDefault(probe, 'failureThreshold', 3);
  if (isObject(probe.httpGet)) setDefault(probe.httpGet, 'scheme', 'HTTP');
}

function defaultContainer(container: unknown) {
  if (!isObject(container)) return;
  setDefault(container, 'terminationMessagePath', '/dev/termination-log');
  setDefault(container, 'terminationMessagePolicy', 'File');
  if (typeof container.image === 'string') {
    setDefault(container, 'imagePullPolicy', defaultPullPolicy(container.image));
  }
  for (const port of Array.isArray(container.ports) ? container.ports : []) {
    if (isObject(port)) setDefault(port, 'protocol', 'TCP');
  }
  for (const name of ['livenessProbe', 'readinessProbe', 'startupProbe'])
    defaultProbe(container[name]);
}

/** PodSpec defaults, in place (SetDefaults_PodSpec and its containers'). */
export function defaultPodSpec(spec: JsonObject) {
  setDefault(spec, 'restartPolicy', 'Always');
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  setDefault(spec, 'dnsPolicy', 'ClusterFirst');
  setDefault(spec, 'schedulerName', 'default-scheduler');
  setDefault(spec, 'securityContext', {});
  for (const field of ['containers', 'initContainers']) {
    for (const c of Array.isArray(spec[field]) ? spec[field] : []) defaultContainer(c);
  }
}

const container: MergeTable = {
  command: atomic,
  args: atomic,
  ports: byProtocolPort('containerPort'),
  envFrom: atomic,
  env: byKey('name'),
  volumeMounts: byKey('mountPath'),
  volumeDevices: byKey('devicePath'),
  resizePolicy: atomic,
  'resources.claims': { list: { type: 'map', keys: ['name'] } },
  'securityContext.capabilities.add': atomic,
  'securityContext.capabilities.drop': atomic,
};

export const podSpec: MergeTable = {
  volumes: byKey('name'),
  ...mount('initContainers', container, byKey('name')),
  ...mount('containers', container, byKey('name')),
  ...mount('ephemeralContainers', container, byKey('name')),
  imagePullSecrets: byKey('name'),
  tolerations: atomic,
  hostAliases: byKey('ip'),
  'hostAliases.hostnames': atomic,
  topologySpreadConstraints: {
    list: { type: 'map', keys: ['topologyKey', 'whenUnsatisfiable'] },
    smp: { strategy: 'merge', mergeKey: 'topologyKey' },
  },
  'topologySpreadConstraints.labelSelector': { map: 'atomic' },
  readinessGates: atomic,
  resourceClaims: byKey('name'),
  schedulingGates: byKey('name'),
  'securityContext.supplementalGroups': atomic,
  'securityContext.sysctls': atomic,
};

export const podStatus: MergeTable = {
  conditions: byKey('type'),
  podIPs: byKey('ip'),
  hostIPs: { list: { type: 'atomic' }, smp: { strategy: 'merge', mergeKey: 'ip' } },
  containerStatuses: atomic,
  initContainerStatuses: atomic,
  ephemeralContainerStatuses: atomic,
  resourceClaimStatuses: byKey('name'),
};

/** The Containers and Images cells: the containers' names and images, comma-separated. */
export function containerCells(spec: unknown): [string, string] {
  const containers = list(get(spec, 'containers'));
  return [
    containers.map((c) => str(get(c, 'name'))).join(','),
    containers.map((c) => str(get(c, 'image'))).join(','),
  ];
}
