// core/v1 ConfigMap (pkg/registry/core/configmap).
import { ageColumn, column, keys, nameColumn, since } from './print.ts';
import { kindStrategy } from './strategy.ts';

export const configMap = kindStrategy(
  '',
  'v1',
  'ConfigMap',
  'configmaps',
  { openapi: 'io.k8s.api.core.v1.ConfigMap', protobuf: 'k8s.io.api.core.v1.ConfigMap' },
  {
    shortNames: ['cm'],
    printer: {
      columns: [
        nameColumn(),
        column('Data', 'The number of data and binaryData keys.'),
        ageColumn(),
      ],
      row: (obj, now) => ({
        cells: [
          obj.metadata.name ?? '',
          keys(obj.data).length + keys(obj.binaryData).length,
          since(obj.metadata.creationTimestamp, now),
        ],
      }),
    },
  },
);
