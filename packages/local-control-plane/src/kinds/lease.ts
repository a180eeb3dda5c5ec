// coordination.k8s.io/v1 Lease (leader election): MicroTime acquire and renew times.
import { isObject } from '@mcp-operator/kube-core/json';
import type { FieldError } from '../errors.ts';
import { badValue } from '../schema/field.ts';
import type { KubeObject } from '../types.ts';
import { ageColumn, column, get, nameColumn, since, str } from './print.ts';
import { kindStrategy } from './strategy.ts';

const MICRO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}(Z|[+-]\d{2}:\d{2})$/;

function validateLease(object: KubeObject): FieldError[] {
  const errors: FieldError[] = [];
  const spec = isObject(object.spec) ? object.spec : {};
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
  return errors;
}

export const lease = kindStrategy(
  'coordination.k8s.io',
  'v1',
  'Lease',
  'leases',
  { openapi: 'io.k8s.api.coordination.v1.Lease', protobuf: 'k8s.io.api.coordination.v1.Lease' },
  {
    validate: validateLease,
    printer: {
      columns: [
        nameColumn(),
        column('Holder', 'The identity of the holder of the lease.'),
        ageColumn(),
      ],
      row: (obj, now) => ({
        cells: [
          obj.metadata.name ?? '',
          str(get(obj.spec, 'holderIdentity')),
          since(obj.metadata.creationTimestamp, now),
        ],
      }),
    },
  },
);
