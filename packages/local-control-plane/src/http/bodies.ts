// Request body decoding: objects in JSON, YAML or protobuf (create, update and
// the Scale of `…/scale`), patches in the patch media types, and DeleteOptions,
// with the 400 and 415 answers kube-apiserver's handlers give
// (negotiation.NegotiateInputSerializer, create.go, update.go, patch.go,
// delete.go).
import type { IncomingMessage } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { asObject } from '@mcp-operator/kube-core/json';
import { unknownConversion } from '../conversion.ts';
import { errors } from '../errors.ts';
import {
  PROTOBUF_CONTENT_TYPE,
  decodeDeleteOptions,
  decodeObject,
  rejectCustomResourceBody,
} from '../protobuf/index.ts';
import type { PatchType } from '../store.ts';
import { apiVersionOf } from '../types.ts';
import type { KubeObject, ResourceType } from '../types.ts';
import { MEDIA_TYPES } from './negotiation.ts';

const PATCH_TYPES: Record<string, PatchType> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
};

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw errors.badRequest(
      `the body of the request could not be decoded as JSON: ${(err as Error).message}`,
    );
  }
}

function parseYamlOrJson(text: string): unknown {
  try {
    return parseYaml(text) as unknown;
  } catch (err) {
    throw errors.badRequest(`error decoding YAML: ${(err as Error).message}`);
  }
}

/** The type a body decodes into: the endpoint's kind, or the Scale of `…/scale`. */
interface BodyTarget {
  apiVersion: string;
  kind: string;
  group: string;
}

export const SCALE_TARGET: BodyTarget = {
  apiVersion: 'autoscaling/v1',
  kind: 'Scale',
  group: 'autoscaling',
};

/**
 * The media type of a request body (negotiation.NegotiateInputSerializer):
 * none means the first served one, JSON; parameters are ignored; a malformed
 * Content-Type matches nothing.
 */
function requestMediaType(header: string | undefined): string {
  if (!header) return 'application/json';
  const base = header.split(';')[0]!.trim().toLowerCase();
  return /^[\w.+-]+\/[\w.+-]+$/.test(base) ? base : '';
}

/**
 * A create or update body in JSON, YAML or protobuf, else 415 naming the three
 * (create.go and update.go negotiate the input over the endpoint's serializers,
 * which for custom resources include protobuf too).
 */
export async function readObject(
  req: IncomingMessage,
  type: ResourceType,
  target: BodyTarget = { apiVersion: apiVersionOf(type), kind: type.kind, group: type.group },
): Promise<unknown> {
  const raw = await readBody(req);
  switch (requestMediaType(req.headers['content-type'])) {
    case 'application/json':
      return parseJson(raw.toString('utf8'));
    case 'application/yaml':
      return parseYamlOrJson(raw.toString('utf8'));
    case PROTOBUF_CONTENT_TYPE:
      return decodeProtobufBody(raw, type, target);
    default:
      throw errors.unsupportedMediaType(MEDIA_TYPES);
  }
}

/**
 * A protobuf body. A built-in kind decodes through the codec; an envelope of
 * another kind is decoded as that kind, which has no conversion to the
 * endpoint's internal type (the decoder's error, inside transformDecodeError's
 * 400). A custom resource has no protobuf form: rejectCustomResourceBody gives
 * the 400 kube-apiserver's unstructured decoding does.
 */
function decodeProtobufBody(raw: Uint8Array, type: ResourceType, target: BodyTarget): KubeObject {
  if (!type.builtin) return rejectCustomResourceBody(raw, target);
  const { object } = decodeObject(raw, target);
  if (object.kind !== target.kind) {
    const version = object.apiVersion.slice(object.apiVersion.lastIndexOf('/') + 1);
    throw errors.badRequest(
      `${object.kind} in version "${version}" cannot be handled as a ${target.kind}: ${unknownConversion(object.apiVersion, object.kind, target.group, target.kind)}`,
    );
  }
  return object;
}

/** A PATCH body: only the patch media types (never protobuf), strategic merge for built-ins only. */
export async function readPatch(
  req: IncomingMessage,
  type: ResourceType,
): Promise<{ patchType: PatchType; body: unknown }> {
  const patchType = PATCH_TYPES[requestMediaType(req.headers['content-type'])];
  if (!patchType || (patchType === 'strategic' && !type.builtin)) {
    throw errors.unsupportedMediaType(
      Object.keys(PATCH_TYPES).filter((t) => type.builtin || !t.includes('strategic')),
    );
  }
  const raw = (await readBody(req)).toString('utf8');
  return { patchType, body: patchType === 'apply' ? parseYamlOrJson(raw) : parseJson(raw) };
}

/**
 * A DELETE body: DeleteOptions in JSON, YAML or protobuf (delete.go decodes
 * it with the meta codecs, under any group version), or nothing.
 */
export async function readDeleteOptions(req: IncomingMessage): Promise<Record<string, unknown>> {
  const raw = await readBody(req);
  if (raw.toString('utf8').trim() === '') return {};
  let body: unknown;
  switch (requestMediaType(req.headers['content-type'])) {
    case 'application/json':
      body = parseJson(raw.toString('utf8'));
      break;
    case 'application/yaml':
      body = parseYamlOrJson(raw.toString('utf8'));
      break;
    case PROTOBUF_CONTENT_TYPE:
      body = decodeDeleteOptions(raw);
      break;
    default:
      throw errors.unsupportedMediaType(MEDIA_TYPES);
  }
  return asObject(body) ?? {};
}
