// core/v1 ServiceAccount (pkg/registry/core/serviceaccount): stored as given;
// kubectl prints how many Secrets it lists. Tokens for one are minted by the
// control plane (LocalControlPlane.serviceAccountToken), not through its
// `token` subresource, which is not served.
import { byKey } from '../patch/merge-rules.ts';
import { ageColumn, column, list, nameColumn, since } from './print.ts';
import { kindStrategy } from './strategy.ts';

export const serviceAccount = kindStrategy(
  '',
  'v1',
  'ServiceAccount',
  'serviceaccounts',
  { openapi: 'io.k8s.api.core.v1.ServiceAccount', protobuf: 'k8s.io.api.core.v1.ServiceAccount' },
  {
    shortNames: ['sa'],
    // +listType=map +listMapKey=name, patchStrategy merge on name.
    mergeRules: { secrets: byKey('name') },
    printer: {
      columns: [
        nameColumn(),
        column('Secrets', 'The number of Secrets the service account lists.', 0, 'string'),
        ageColumn(),
      ],
      row: (obj, now) => ({
        cells: [
          obj.metadata.name ?? '',
          list(obj.secrets).length,
          since(obj.metadata.creationTimestamp, now),
        ],
      }),
    },
  },
);
