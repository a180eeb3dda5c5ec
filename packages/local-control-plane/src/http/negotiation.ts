// Content negotiation of responses: which media type (JSON, YAML or
// Kubernetes protobuf) and whether a Table, from the client's Accept header
// and what the endpoint can serve.
// k8s.io/apiserver/pkg/endpoints/handlers/negotiation (negotiate.go): the
// client's Accept clauses in order (goautoneg sorts them by q, then concrete
// types before wildcards), each tried against the served media types in the
// server's order; the first acceptable pair wins. An empty Accept is JSON.
import { PROTOBUF_CONTENT_TYPE, hasProtobufSchema } from '../protobuf/index.ts';
import { apiVersionOf } from '../types.ts';
import type { ResourceType } from '../types.ts';
import type { Route } from './routes.ts';

export type Media = 'json' | 'yaml' | 'protobuf';

interface ServedMedia {
  type: string;
  subtype: string;
  mediaType: string;
  /** Has a stream serializer (watch). */
  stream: boolean;
}

/** The serializers every endpoint has, in the codec factory's order. */
export const SERVED_MEDIA: Readonly<Record<Media, ServedMedia>> = {
  json: { type: 'application', subtype: 'json', mediaType: 'application/json', stream: true },
  yaml: { type: 'application', subtype: 'yaml', mediaType: 'application/yaml', stream: false },
  protobuf: {
    type: 'application',
    subtype: 'vnd.kubernetes.protobuf',
    mediaType: PROTOBUF_CONTENT_TYPE,
    stream: true,
  },
};
const MEDIA_ORDER: readonly Media[] = ['json', 'yaml', 'protobuf'];

/** What 415 and 406 name (MediaTypesForSerializer). */
export const MEDIA_TYPES = MEDIA_ORDER.map((m) => SERVED_MEDIA[m].mediaType);
export const STREAM_MEDIA_TYPES = MEDIA_ORDER.filter((m) => SERVED_MEDIA[m].stream).map(
  (m) => `${SERVED_MEDIA[m].mediaType};stream=watch`,
);

interface AcceptClause {
  type: string;
  subtype: string;
  q: number;
  params: Map<string, string>;
}

/** goautoneg.ParseAccept: clauses with their parameters, by q, then concrete before wildcard. */
function parseAccept(header: string): AcceptClause[] {
  const clauses: AcceptClause[] = [];
  for (const part of header.split(',')) {
    const [range = '', ...params] = part.trim().split(';');
    const [type = '', subtype, ...extra] = range.split('/').map((x) => x.trim());
    if (extra.length > 0 || (subtype === undefined && type !== '*')) continue;
    const clause: AcceptClause = { type, subtype: subtype ?? '*', q: 1, params: new Map() };
    for (const param of params) {
      const eq = param.indexOf('=');
      if (eq < 0) continue;
      const key = param.slice(0, eq).trim();
      const value = param.slice(eq + 1).trim();
      if (key === 'q') clause.q = Number.parseFloat(value) || 0;
      else clause.params.set(key, value);
    }
    clauses.push(clause);
  }
  const rank = (c: AcceptClause) => [-c.q, c.type === '*' ? 1 : 0, c.subtype === '*' ? 1 : 0];
  return clauses
    .map((clause, index) => ({ clause, index, rank: rank(clause) }))
    .sort((a, b) => {
      for (let i = 0; i < a.rank.length; i++) {
        if (a.rank[i] !== b.rank[i]) return a.rank[i]! - b.rank[i]!;
      }
      return a.index - b.index;
    })
    .map((x) => x.clause);
}

/** What a resource endpoint can answer with (its RequestScope as EndpointRestrictions). */
interface Endpoint {
  /**
   * Its objects have a protobuf form: built-in kinds of the protobuf schema. A
   * custom resource's StandardSerializers leave protobuf out.
   */
  protobuf: boolean;
  /** It converts to a meta.k8s.io/v1 Table (a TableConvertor). */
  table: boolean;
}

export function endpointOf(type: ResourceType, subresource: Route['subresource']): Endpoint {
  if (subresource === 'scale')
    return { protobuf: hasProtobufSchema('autoscaling/v1', 'Scale'), table: false };
  return {
    protobuf: type.builtin && hasProtobufSchema(apiVersionOf(type), type.kind),
    table: true,
  };
}

export interface Negotiated {
  media: Media;
  /** Convert to a Table (`as=Table;g=meta.k8s.io;v=v1`). */
  table: boolean;
}

/**
 * NegotiateMediaTypeOptions with acceptMediaTypeOptions: a clause's `as`/`g`/`v`
 * ask for a conversion, which only Table (JSON or YAML) is here; `stream` must
 * be `watch` on a serializer that streams; `sv` only names the server's v1.
 * Without an endpoint (errors), nothing may be converted and every media type
 * serves. Undefined when nothing acceptable is served (406).
 */
export function negotiateOutput(
  accept: string | undefined,
  endpoint?: Endpoint,
): Negotiated | undefined {
  if (!accept) return { media: 'json', table: false };
  for (const clause of parseAccept(accept)) {
    for (const media of MEDIA_ORDER) {
      const served = SERVED_MEDIA[media];
      const matches =
        (clause.type === served.type || clause.type === '*') &&
        (clause.subtype === served.subtype || clause.subtype === '*');
      if (!matches) continue;
      const options = acceptMediaTypeOptions(clause.params, media, endpoint);
      if (options) return options;
    }
  }
  return undefined;
}

function acceptMediaTypeOptions(
  params: Map<string, string>,
  media: Media,
  endpoint: Endpoint | undefined,
): Negotiated | undefined {
  const convert = { as: params.get('as'), g: params.get('g'), v: params.get('v') };
  const converting = params.has('as') || params.has('g') || params.has('v');
  const stream = params.get('stream');
  if (stream && (!SERVED_MEDIA[media].stream || stream !== 'watch')) return undefined;
  const serverVersion = params.get('sv');
  if (serverVersion && (endpoint === undefined || serverVersion !== 'v1')) return undefined;
  // RequestScope.AllowsMediaTypeTransform.
  if (!converting) {
    return endpoint === undefined || endpoint.protobuf || media !== 'protobuf'
      ? { media, table: false }
      : undefined;
  }
  const table =
    endpoint?.table === true &&
    convert.as === 'Table' &&
    convert.g === 'meta.k8s.io' &&
    convert.v === 'v1' &&
    media !== 'protobuf';
  return table ? { media, table: true } : undefined;
}
