// core/v1 Secret (pkg/registry/core/secret): `stringData` folded into `data`
// on decode, type Opaque by default.
import { isObject, type JsonObject } from '@mcp-operator/kube-core/json';
import { at, NAME_AND_NAMESPACE, only } from './field-labels.ts';
import { setDefault } from './defaulting.ts';
import { ageColumn, column, keys, nameColumn, since, str } from './print.ts';
import { kindStrategy } from './strategy.ts';
import type { KubeObject } from '../types.ts';

/**
 * What decoding a v1 request body into the internal type does before anything
 * is stored (pkg/apis/core/v1/conversion.go): a Secret's `stringData` overwrites
 * the same keys of `data` (as base64 of its UTF-8 bytes) and is never kept, so
 * it is never stored or returned. In place.
 */
function foldStringData(object: KubeObject): void {
  const o = object as unknown as JsonObject;
  const stringData = o.stringData;
  delete o.stringData;
  if (!isObject(stringData)) return;
  const entries = Object.entries(stringData).filter(
    (e): e is [string, string] => typeof e[1] === 'string',
  );
  if (entries.length === 0) return;
  const data: JsonObject = isObject(o.data) ? { ...o.data } : {};
  for (const [key, value] of entries) data[key] = Buffer.from(value, 'utf8').toString('base64');
  o.data = data;
}

export const secret = kindStrategy(
  '',
  'v1',
  'Secret',
  'secrets',
  { openapi: 'io.k8s.api.core.v1.Secret', protobuf: 'k8s.io.api.core.v1.Secret' },
  {
    decode: foldStringData,
    defaults: (object) => setDefault(object, 'type', 'Opaque'),
    printer: {
      columns: [
        nameColumn(),
        column('Type', 'Used to facilitate programmatic handling of secret data.'),
        column('Data', 'The number of data keys.'),
        ageColumn(),
      ],
      row: (obj, now) => ({
        cells: [
          obj.metadata.name ?? '',
          str(obj.type, 'Opaque'),
          // stringData is merged into data on write; count both in case it was not.
          new Set([...keys(obj.data), ...keys(obj.stringData)]).size,
          since(obj.metadata.creationTimestamp, now),
        ],
      }),
    },
    selectableFields: only({ ...NAME_AND_NAMESPACE, type: at('type') }),
  },
);
