// discovery.k8s.io/v1 EndpointSlice (stored only: no controller fills them).
import type { KubeObject } from '../types.ts';
import { ageColumn, column, get, list, nameColumn, since, str } from './print.ts';
import { kindStrategy } from './strategy.ts';

/** At most three entries, then " + N more..."; "<unset>" when empty. */
function listWithMore(items: string[], total: number): string {
  const max = 3;
  const shown = items.slice(0, max).join(',');
  if (total > max) return `${shown} + ${total - max} more...`;
  return shown || '<unset>';
}

function endpointSlicePorts(obj: KubeObject): string {
  const ports = list(obj.ports).map((p) => {
    const port = get(p, 'port');
    if (typeof port === 'number') return String(port);
    const name = get(p, 'name');
    return typeof name === 'string' ? name : '<unset>';
  });
  return listWithMore(ports, ports.length);
}

function endpointSliceEndpoints(obj: KubeObject): string {
  const addresses = list(obj.endpoints).flatMap((e) =>
    list(get(e, 'addresses')).map((a) => str(a)),
  );
  return listWithMore(addresses, addresses.length);
}

export const endpointSlice = kindStrategy(
  'discovery.k8s.io',
  'v1',
  'EndpointSlice',
  'endpointslices',
  {
    openapi: 'io.k8s.api.discovery.v1.EndpointSlice',
    protobuf: 'k8s.io.api.discovery.v1.EndpointSlice',
  },
  {
    printer: {
      columns: [
        nameColumn(),
        column('AddressType', 'The type of address carried by this slice.'),
        column('Ports', 'The network ports exposed by each endpoint.'),
        column('Endpoints', 'The addresses of the endpoints in this slice.'),
        ageColumn(),
      ],
      row: (obj, now) => ({
        cells: [
          obj.metadata.name ?? '',
          str(obj.addressType),
          endpointSlicePorts(obj),
          endpointSliceEndpoints(obj),
          since(obj.metadata.creationTimestamp, now),
        ],
      }),
    },
  },
);
