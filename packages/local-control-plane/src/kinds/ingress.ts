// networking.k8s.io/v1 Ingress and IngressClass (pkg/registry/networking).
import { isObject } from '@mcp-operator/kube-core/json';
import type { FieldError } from '../errors.ts';
import { badValue } from '../schema/field.ts';
import type { KubeObject } from '../types.ts';
import {
  ageColumn,
  column,
  get,
  list,
  loadBalancerAddresses,
  nameColumn,
  since,
  str,
} from './print.ts';
import { kindStrategy } from './strategy.ts';

function validateIngress(object: KubeObject): FieldError[] {
  const errors: FieldError[] = [];
  const spec = isObject(object.spec) ? object.spec : {};
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
  return errors;
}

function ingressHosts(spec: unknown): string {
  const rules = list(get(spec, 'rules'));
  const max = 3;
  const hosts: string[] = [];
  let more = false;
  for (const rule of rules) {
    if (hosts.length === max) more = true;
    const host = str(get(rule, 'host'));
    if (!more && host) hosts.push(host);
  }
  if (!hosts.length) return '*';
  return more ? `${hosts.join(',')} + ${rules.length - max} more...` : hosts.join(',');
}

export const ingress = kindStrategy(
  'networking.k8s.io',
  'v1',
  'Ingress',
  'ingresses',
  { openapi: 'io.k8s.api.networking.v1.Ingress', protobuf: 'k8s.io.api.networking.v1.Ingress' },
  {
    shortNames: ['ing'],
    statusSubresource: true,
    tracksGeneration: true,
    validate: validateIngress,
    printer: {
      columns: [
        nameColumn(),
        column(
          'Class',
          'The name of the IngressClass resource that should be used for additional configuration',
        ),
        column('Hosts', 'Hosts that incoming requests are matched against before the ingress rule'),
        column('Address', 'Address is a list containing ingress points for the load-balancer'),
        column('Ports', 'Ports of TLS configurations that open'),
        ageColumn(),
      ],
      row: (obj, now) => ({
        cells: [
          obj.metadata.name ?? '',
          str(get(obj.spec, 'ingressClassName'), '<none>'),
          ingressHosts(obj.spec),
          loadBalancerAddresses(obj.status),
          list(get(obj.spec, 'tls')).length ? '80, 443' : '80',
          since(obj.metadata.creationTimestamp, now),
        ],
      }),
    },
  },
);

export const ingressClass = kindStrategy(
  'networking.k8s.io',
  'v1',
  'IngressClass',
  'ingressclasses',
  {
    openapi: 'io.k8s.api.networking.v1.IngressClass',
    protobuf: 'k8s.io.api.networking.v1.IngressClass',
  },
  {
    namespaced: false,
    tracksGeneration: true,
    printer: {
      columns: [
        nameColumn(),
        column('Controller', 'Controller that is responsible for handling this class'),
        column('Parameters', 'A reference to a resource with additional parameters'),
        ageColumn(),
      ],
      row: (obj, now) => {
        const params = get(obj.spec, 'parameters');
        let parameters = '<none>';
        if (isObject(params)) {
          const group = get(params, 'apiGroup');
          parameters = `${str(get(params, 'kind'))}${typeof group === 'string' ? `.${group}` : ''}/${str(get(params, 'name'))}`;
        }
        return {
          cells: [
            obj.metadata.name ?? '',
            str(get(obj.spec, 'controller')),
            parameters,
            since(obj.metadata.creationTimestamp, now),
          ],
        };
      },
    },
  },
);
