// The defaults and checks kube-apiserver applies to the built-in kinds the
// operator writes. They matter: an operator that compares its desired object
// with the live one must not mistake these server-filled fields for drift.
import { deepEqual, isObject } from '../kube/json.ts';
import type { FieldError } from './errors.ts';
import { badValue } from './schema/field.ts';
import type { KubeObject } from './types.ts';

type Json = Record<string, unknown>;
const obj = (parent: Json, key: string): Json => {
  if (!isObject(parent[key])) parent[key] = {};
  return parent[key] as Json;
};
const setDefault = (target: Json, key: string, value: unknown) => {
  if (target[key] === undefined || target[key] === null) target[key] = value;
};

/** Always for `:latest` or untagged images, else IfNotPresent (as the kubelet's defaulting). */
export function defaultPullPolicy(image: string): string {
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

export function defaultPodSpec(spec: Json) {
  setDefault(spec, 'restartPolicy', 'Always');
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  setDefault(spec, 'dnsPolicy', 'ClusterFirst');
  setDefault(spec, 'schedulerName', 'default-scheduler');
  setDefault(spec, 'securityContext', {});
  for (const list of ['containers', 'initContainers']) {
    for (const c of Array.isArray(spec[list]) ? spec[list] : []) defaultContainer(c);
  }
}

function defaultDeployment(o: Json) {
  const spec = obj(o, 'spec');
  setDefault(spec, 'replicas', 1);
  const strategy = obj(spec, 'strategy');
  setDefault(strategy, 'type', 'RollingUpdate');
  if (strategy.type === 'RollingUpdate') {
    const rolling = obj(strategy, 'rollingUpdate');
    setDefault(rolling, 'maxUnavailable', '25%');
    setDefault(rolling, 'maxSurge', '25%');
  }
  setDefault(spec, 'revisionHistoryLimit', 10);
  setDefault(spec, 'progressDeadlineSeconds', 600);
  const template = obj(spec, 'template');
  defaultPodSpec(obj(template, 'spec'));
}

function defaultService(o: Json) {
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

/** Fills the server-side defaults of a built-in object, in place. */
export function applyBuiltinDefaults(object: KubeObject): void {
  const o = object as unknown as Json;
  switch (`${object.apiVersion}/${object.kind}`) {
    case 'apps/v1/Deployment':
      defaultDeployment(o);
      break;
    case 'v1/Service':
      defaultService(o);
      break;
    case 'v1/Pod':
      defaultPodSpec(obj(o, 'spec'));
      break;
    case 'v1/Secret':
      setDefault(o, 'type', 'Opaque');
      break;
    case 'v1/Namespace':
      setDefault(obj(o, 'spec'), 'finalizers', ['kubernetes']);
      setDefault(obj(o, 'status'), 'phase', 'Active');
      object.metadata.labels = {
        ...object.metadata.labels,
        'kubernetes.io/metadata.name': object.metadata.name ?? '',
      };
      break;
  }
}

const MICRO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}(Z|[+-]\d{2}:\d{2})$/;

function labelsMatch(selector: unknown, labels: unknown): boolean {
  if (!isObject(selector)) return false;
  const want = isObject(selector.matchLabels) ? selector.matchLabels : {};
  const have = isObject(labels) ? labels : {};
  return Object.entries(want).every(([k, v]) => have[k] === v);
}

/** The validation kube-apiserver does on the built-ins that matters to clients (immutable fields, formats). */
export function validateBuiltin(object: KubeObject, old: KubeObject | undefined): FieldError[] {
  const errors: FieldError[] = [];
  const o = object as unknown as Json;
  const spec = isObject(o.spec) ? o.spec : {};
  const oldSpec =
    old && isObject((old as unknown as Json).spec)
      ? ((old as unknown as Json).spec as Json)
      : undefined;
  switch (`${object.apiVersion}/${object.kind}`) {
    case 'coordination.k8s.io/v1/Lease':
      for (const field of ['acquireTime', 'renewTime']) {
        const value = spec[field];
        if (
          value !== undefined &&
          value !== null &&
          (typeof value !== 'string' || !MICRO_TIME.test(value))
        ) {
          errors.push({
            type: 'FieldValueInvalid',
            field: `spec.${field}`,
            message: `Invalid value: ${badValue(value)}: must be a MicroTime in RFC 3339 format with microseconds (2006-01-02T15:04:05.000000Z07:00)`,
          });
        }
      }
      break;
    case 'apps/v1/Deployment': {
      if (!isObject(spec.selector)) {
        errors.push({
          type: 'FieldValueRequired',
          field: 'spec.selector',
          message: 'Required value',
        });
        break;
      }
      const template = isObject(spec.template) ? spec.template : {};
      const labels = isObject(template.metadata) ? template.metadata.labels : undefined;
      if (!labelsMatch(spec.selector, labels)) {
        errors.push({
          type: 'FieldValueInvalid',
          field: 'spec.template.metadata.labels',
          message: `Invalid value: ${JSON.stringify(labels ?? {})}: \`selector\` does not match template \`labels\``,
        });
      }
      // ValidateImmutableField compares values (apiequality.Semantic.DeepEqual): the order
      // of matchLabels keys is no change.
      if (oldSpec && !deepEqual(oldSpec.selector, spec.selector)) {
        errors.push({
          type: 'FieldValueInvalid',
          field: 'spec.selector',
          message: `Invalid value: ${JSON.stringify(spec.selector)}: field is immutable`,
        });
      }
      break;
    }
    case 'v1/Service':
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
      break;
    case 'networking.k8s.io/v1/Ingress': {
      const rules = Array.isArray(spec.rules) ? spec.rules : [];
      rules.forEach((rule, i) => {
        const paths =
          isObject(rule) && isObject(rule.http) && Array.isArray(rule.http.paths)
            ? rule.http.paths
            : [];
        paths.forEach((path, j) => {
          const field = `spec.rules[${i}].http.paths[${j}]`;
          if (!isObject(path)) return;
          if (!['Exact', 'Prefix', 'ImplementationSpecific'].includes(String(path.pathType))) {
            errors.push(
              path.pathType === undefined
                ? {
                    type: 'FieldValueRequired',
                    field: `${field}.pathType`,
                    message: 'Required value: pathType must be specified',
                  }
                : {
                    type: 'FieldValueNotSupported',
                    field: `${field}.pathType`,
                    message: `Unsupported value: ${badValue(path.pathType)}: supported values: "Exact", "ImplementationSpecific", "Prefix"`,
                  },
            );
          }
          if (typeof path.path === 'string' && !path.path.startsWith('/')) {
            errors.push({
              type: 'FieldValueInvalid',
              field: `${field}.path`,
              message: `Invalid value: ${badValue(path.path)}: must be an absolute path`,
            });
          }
        });
      });
      break;
    }
  }
  return errors;
}
