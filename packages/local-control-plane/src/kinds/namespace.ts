// core/v1 Namespace (pkg/registry/core/namespace): cluster-scoped, DNS-label
// names, the `kubernetes` finalizer and the metadata.name label by default.
import type { JsonObject } from '@mcp-operator/kube-core/json';
import { atomic, conditions } from '../patch/merge-rules.ts';
import { at, NAME, only } from './field-labels.ts';
import { obj, setDefault } from './defaulting.ts';
import { ageColumn, column, get, nameColumn, since, str } from './print.ts';
import { kindStrategy } from './strategy.ts';

export const namespace = kindStrategy(
  '',
  'v1',
  'Namespace',
  'namespaces',
  { openapi: 'io.k8s.api.core.v1.Namespace', protobuf: 'k8s.io.api.core.v1.Namespace' },
  {
    namespaced: false,
    shortNames: ['ns'],
    statusSubresource: true,
    nameRule: 'label',
    returnsDeletedObject: true,
    defaults: (object) => {
      const o = object as unknown as JsonObject;
      setDefault(obj(o, 'spec'), 'finalizers', ['kubernetes']);
      setDefault(obj(o, 'status'), 'phase', 'Active');
      object.metadata.labels = {
        ...object.metadata.labels,
        'kubernetes.io/metadata.name': object.metadata.name ?? '',
      };
    },
    mergeRules: { 'spec.finalizers': atomic, ...conditions },
    printer: {
      columns: [nameColumn(), column('Status', 'The status of the namespace'), ageColumn()],
      row: (obj, now) => ({
        cells: [
          obj.metadata.name ?? '',
          str(get(obj.status, 'phase'), 'Active'),
          since(obj.metadata.creationTimestamp, now),
        ],
      }),
    },
    // Namespaces refuse metadata.namespace: their conversion function lists only these two.
    selectableFields: only({ ...NAME, 'status.phase': at('status', 'phase') }),
  },
);
