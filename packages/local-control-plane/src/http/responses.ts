// Response writing: objects, lists and Tables in the negotiated media type
// (JSON, YAML or protobuf in its `k8s\0` envelope) with Warning headers, and
// errors as Status objects, as k8s.io/apiserver's responsewriters write them
// (WriteObjectNegotiated, ErrorNegotiated).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { stringify as stringifyYaml } from 'yaml';
import { ApiError, errors } from '../errors.ts';
import { PROTOBUF_CONTENT_TYPE, encodeObject } from '../protobuf/index.ts';
import type { TypedObject } from '../protobuf/index.ts';
import { toTable } from '../table.ts';
import type { KubeObject, ResourceType } from '../types.ts';
import { negotiateOutput } from './negotiation.ts';
import type { Media } from './negotiation.ts';

/**
 * The JSON of a body, written once however many answers and watch streams it
 * goes to: the store hands the HTTP layer its stored objects, which are
 * replaced and never changed (a create's answer and its watch events are one
 * object).
 */
const written = new WeakMap<object, string>();
export function jsonOf(body: unknown): string {
  if (typeof body !== 'object' || body === null) return JSON.stringify(body);
  let json = written.get(body);
  if (json === undefined) {
    json = JSON.stringify(body);
    written.set(body, json);
  }
  return json;
}

/** A body in a media type: protobuf in its `k8s\0` envelope, YAML, or JSON. */
function render(body: unknown, media: Media): { data: string | Uint8Array; contentType: string } {
  switch (media) {
    case 'protobuf':
      return { data: encodeObject(body as TypedObject), contentType: PROTOBUF_CONTENT_TYPE };
    case 'yaml':
      return { data: stringifyYaml(body), contentType: 'application/yaml' };
    default:
      return { data: jsonOf(body), contentType: 'application/json' };
  }
}

/** Writes a body in the negotiated media type (encoded before anything is sent). */
export function send(
  res: ServerResponse,
  code: number,
  body: unknown,
  media: Media,
  warnings: string[] = [],
): number {
  const { data, contentType } = render(body, media);
  const headers: Record<string, string | string[]> = { 'Content-Type': contentType };
  if (warnings.length > 0) headers.Warning = warnings.map((w) => `299 - ${JSON.stringify(w)}`);
  res.writeHead(code, headers).end(data);
  return code;
}

/** Discovery, OpenAPI and the admin endpoint: always JSON. */
export function sendJson(res: ServerResponse, code: number, body: unknown): number {
  return send(res, code, body, 'json');
}

/**
 * Errors are Status objects in the media type the client accepts, negotiated
 * without the endpoint's restrictions (responsewriters.ErrorNegotiated with
 * DefaultEndpointRestrictions, so a custom resource's errors may be protobuf
 * too), and JSON when nothing it accepts fits (WriteRawJSON).
 */
export function sendError(req: IncomingMessage, res: ServerResponse, err: unknown): void {
  const apiError =
    err instanceof ApiError
      ? err
      : errors.internal(err instanceof Error ? err.message : String(err));
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const admin = (req.url ?? '').startsWith('/admin/');
  const media = admin ? 'json' : (negotiateOutput(req.headers.accept)?.media ?? 'json');
  // As kube-apiserver's ErrorNegotiated: a Status that says when to come back
  // says it in the Retry-After header too.
  const retryAfter = apiError.details?.retryAfterSeconds;
  if (retryAfter && retryAfter > 0) res.setHeader('Retry-After', String(retryAfter));
  send(res, apiError.code, apiError.toStatus(), media);
}

/**
 * A meta.k8s.io/v1 Table of objects with `includeObject` from the query;
 * watch events carry rows without column definitions.
 */
export function tableOf(
  objects: KubeObject[],
  type: ResourceType,
  q: URLSearchParams,
  list: { resourceVersion: string; continue?: string },
  forWatch = false,
) {
  const include = q.get('includeObject') ?? 'Metadata';
  if (include !== 'None' && include !== 'Metadata' && include !== 'Object') {
    throw errors.badRequest(`unrecognized includeObject value: ${JSON.stringify(include)}`);
  }
  const table = toTable(objects, type, list, { includeObject: include, now: new Date() });
  if (forWatch) delete (table as { columnDefinitions?: unknown }).columnDefinitions;
  return table;
}
