// core/v1 Service (pkg/registry/core/service): DNS-1035 names, a cluster IP
// allocated on create and kept for good, ports keyed by port and protocol.
import { isObject, type JsonObject } from '@mcp-operator/kube-core/json';
import type { FieldError } from '../errors.ts';
import { atomic, byProtocolPort, conditions } from '../patch/merge-rules.ts';
import { badValue } from '../schema/field.ts';
import type { KubeObject } from '../types.ts';
import { at, NAME_AND_NAMESPACE, only } from './field-labels.ts';
import { obj, setDefault } from './defaulting.ts';
import {
  ageColumn,
  column,
  formatLabels,
  get,
  int,
  list,
  loadBalancerAddresses,
  nameColumn,
  since,
  str,
} from './print.ts';
import { kindStrategy, type WriteContext } from './strategy.ts';

function defaultService(o: JsonObject) {
  const spec = obj(o, 'spec');
  setDefault(spec, 'type', 'ClusterIP');
  setDefault(spec, 'sessionAffinity', 'None');
  if (spec.type !== 'ExternalName') {
    setDefault(spec, 'ipFamilyPolicy', 'SingleStack');
    setDefault(spec, 'ipFamilies', ['IPv4']);
    setDefault(spec, 'internalTrafficPolicy', 'Cluster');
  }
  for (const port of Array.isArray(spec.ports) ? spec.ports : []) {
    if (!isObject(port)) continue;
    setDefault(port, 'protocol', 'TCP');
    setDefault(port, 'targetPort', port.port);
  }
}

function validateService(object: KubeObject, old: KubeObject | undefined): FieldError[] {
  const errors: FieldError[] = [];
  const spec = isObject(object.spec) ? object.spec : {};
  const oldSpec = old && isObject(old.spec) ? old.spec : undefined;
  if (
    oldSpec?.clusterIP &&
    spec.clusterIP !== undefined &&
    spec.clusterIP !== '' &&
    spec.clusterIP !== oldSpec.clusterIP
  ) {
    errors.push({
      type: 'FieldValueInvalid',
      field: 'spec.clusterIPs[0]',
      message: `Invalid value: ${badValue(spec.clusterIP)}: may not change once set`,
    });
  }
  return errors;
}

/** The cluster IP allocator's part of a create: an IP unless headless or ExternalName. */
function allocateClusterIP(object: KubeObject, context: WriteContext) {
  if (!context.allocateClusterIP) return;
  const spec = (object.spec ??= {}) as JsonObject;
  if (spec.type === 'ExternalName' || spec.clusterIP === 'None') return;
  if (!spec.clusterIP) spec.clusterIP = context.allocateClusterIP();
  spec.clusterIPs = [spec.clusterIP];
}

/** An update that leaves the cluster IP out keeps the live one. */
function keepClusterIP(next: KubeObject, live: KubeObject) {
  const spec = next.spec as JsonObject | undefined;
  const liveSpec = live.spec as JsonObject | undefined;
  if (spec && liveSpec?.clusterIP && !spec.clusterIP) {
    spec.clusterIP = liveSpec.clusterIP;
    spec.clusterIPs = liveSpec.clusterIPs;
  }
}

function serviceExternalIP(obj: KubeObject): string {
  const spec = obj.spec;
  const externalIPs = list(get(spec, 'externalIPs')).map((v) => str(v));
  switch (str(get(spec, 'type'), 'ClusterIP')) {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancerAddresses(obj.status);
      if (externalIPs.length) return [...(lb ? lb.split(',') : []), ...externalIPs].join(',');
      return lb || '<pending>';
    }
    case 'ExternalName':
      return str(get(spec, 'externalName'));
    default:
      return '<unknown>';
  }
}

function servicePorts(spec: unknown): string {
  const pieces = list(get(spec, 'ports')).map((p) => {
    const protocol = str(get(p, 'protocol'), 'TCP');
    const nodePort = int(get(p, 'nodePort'));
    const port = int(get(p, 'port'));
    return nodePort > 0 ? `${port}:${nodePort}/${protocol}` : `${port}/${protocol}`;
  });
  return pieces.length ? pieces.join(',') : '<none>';
}

export const service = kindStrategy(
  '',
  'v1',
  'Service',
  'services',
  { openapi: 'io.k8s.api.core.v1.Service', protobuf: 'k8s.io.api.core.v1.Service' },
  {
    shortNames: ['svc'],
    categories: ['all'],
    statusSubresource: true,
    tracksGeneration: true,
    nameRule: 'dns1035',
    returnsDeletedObject: true,
    defaults: defaultService,
    validate: validateService,
    beforeCreate: allocateClusterIP,
    beforeUpdate: keepClusterIP,
    mergeRules: {
      'spec.ports': byProtocolPort('port'),
      'spec.selector': { map: 'atomic' },
      'spec.externalIPs': atomic,
      'spec.clusterIPs': atomic,
      'spec.ipFamilies': atomic,
      'spec.loadBalancerSourceRanges': atomic,
      ...conditions,
    },
    printer: {
      columns: [
        nameColumn(),
        column('Type', 'How the service is exposed.'),
        column('Cluster-IP', 'The IP address of the service inside the cluster.'),
        column('External-IP', 'IP addresses on which nodes also accept traffic for the service.'),
        column('Port(s)', 'The ports the service exposes.'),
        ageColumn(),
        column('Selector', 'Pods with labels matching this selector receive the traffic.', 1),
      ],
      row: (obj, now) => ({
        cells: [
          obj.metadata.name ?? '',
          str(get(obj.spec, 'type'), 'ClusterIP'),
          str(get(obj.spec, 'clusterIPs', 0)) || str(get(obj.spec, 'clusterIP')) || '<none>',
          serviceExternalIP(obj),
          servicePorts(obj.spec),
          since(obj.metadata.creationTimestamp, now),
          formatLabels(get(obj.spec, 'selector')),
        ],
      }),
    },
    selectableFields: only({
      ...NAME_AND_NAMESPACE,
      'spec.clusterIP': at('spec', 'clusterIP'),
      'spec.type': at('spec', 'type'),
    }),
  },
);
