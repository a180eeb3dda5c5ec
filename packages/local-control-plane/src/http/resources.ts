// The resource handlers: get, list, watch, create, update, patch, delete and
// deletecollection of a routed resource onto the store, and the scale
// subresource, as k8s.io/apiserver's endpoints/handlers (get.go, create.go,
// update.go, patch.go, delete.go) serve them: the output is negotiated before
// the body is read, so a 406 wins over a bad body.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { errors } from '../errors.ts';
import { strategyFor } from '../kinds/index.ts';
import type { Requester } from '../kinds/strategy.ts';
import type { Store } from '../store.ts';
import { isObject } from '@mcp-operator/kube-core/json';
import { apiVersionOf, type KubeObject } from '../types.ts';
import { readDeleteOptions, readObject, readPatch } from './bodies.ts';
import { MEDIA_TYPES, endpointOf, negotiateOutput } from './negotiation.ts';
import { deleteOptions, listOptions, parseFieldValidation } from './query.ts';
import { send as sendMedia, tableOf } from './responses.ts';
import type { Route } from './routes.ts';
import { serveScale } from './scale.ts';
import type { Send } from './scale.ts';
import type { WatchStreams } from './watch-stream.ts';

/** Serves one resource request; returns the status code written. */
export async function serveResource(
  store: Store,
  watches: WatchStreams,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  route: Route,
  manager: string,
  requester: Requester,
): Promise<number> {
  const q = url.searchParams;
  const { type, namespace, name } = route;
  const dryRun = q.getAll('dryRun').includes('All');
  const fieldValidation = parseFieldValidation(q.get('fieldValidation'));
  const writeOptions = {
    dryRun,
    fieldManager: manager,
    ...(fieldValidation ? { fieldValidation } : {}),
    ...(route.subresource ? { subresource: route.subresource } : {}),
    force: q.get('force') === 'true',
    // Answers are only serialized: the stored object itself, no copy.
    readOnlyAnswer: true,
  };
  // Output first, as every handler negotiates it before reading the body (a 406 wins).
  const endpoint = endpointOf(type, route.subresource);
  const output = negotiateOutput(req.headers.accept, endpoint);
  if (!output) throw errors.notAcceptable(MEDIA_TYPES);
  const send: Send = (code, body, warnings = []) =>
    sendMedia(res, code, body, output.media, warnings);
  const current = () => ({ resourceVersion: store.resourceVersion });
  if (route.subresource === 'scale') return serveScale(store, req, route, writeOptions, send);
  // A kind that is never stored (the self reviews) answers its create.
  const answer = strategyFor(type)?.answer;
  if (answer) {
    const body = await readObject(req, type);
    if (!isObject(body)) {
      throw errors.badRequest('the body of the request must be a JSON or YAML object');
    }
    if (body.kind !== undefined && body.kind !== type.kind) {
      throw errors.badRequest(
        `${typeof body.kind === 'string' ? body.kind : JSON.stringify(body.kind)} in version "${type.version}" cannot be handled as a ${type.kind}: the kind in the data does not match the expected kind (${type.kind})`,
      );
    }
    const object = { ...body, metadata: isObject(body.metadata) ? body.metadata : {} };
    return send(201, answer(object as KubeObject, requester));
  }
  switch (route.verb) {
    case 'get': {
      const object = store.get(type, namespace, name!);
      if (output.table) return send(200, tableOf([object], type, q, current()));
      return send(200, object);
    }
    case 'list': {
      const result = store.list(type, namespace, listOptions(q));
      if (output.table) return send(200, tableOf(result.items, type, q, result));
      return send(200, {
        apiVersion: apiVersionOf(type),
        kind: type.listKind,
        metadata: {
          resourceVersion: result.resourceVersion,
          ...(result.continue
            ? { continue: result.continue, remainingItemCount: result.remainingItemCount }
            : {}),
        },
        items: result.items,
      });
    }
    case 'watch':
      watches.serve(req, res, route, q, output);
      return 200;
    case 'create': {
      const body = await readObject(req, type);
      const result = store.create(type, namespace, body, writeOptions);
      return send(result.code, result.object, result.warnings);
    }
    case 'update': {
      const body = await readObject(req, type);
      const result = store.update(type, namespace, name!, body, writeOptions);
      return send(result.code, result.object, result.warnings);
    }
    case 'patch': {
      const { patchType, body } = await readPatch(req, type);
      if (patchType === 'apply' && !writeOptions.fieldManager)
        throw errors.badRequest('fieldManager is required');
      const result = store.patch(type, namespace, name!, patchType, body, {
        ...writeOptions,
        fieldManager: patchType === 'apply' ? (q.get('fieldManager') ?? '') : manager,
      });
      return send(result.code, result.object, result.warnings);
    }
    case 'delete': {
      const options = deleteOptions(await readDeleteOptions(req), q, dryRun);
      const result = store.delete(type, namespace, name!, options);
      return send(result.code, result.body);
    }
    case 'deletecollection': {
      const options = deleteOptions(await readDeleteOptions(req), q, dryRun);
      const result = store.deleteCollection(type, namespace, {
        ...listOptions(q),
        ...options,
      });
      return send(200, {
        apiVersion: apiVersionOf(type),
        kind: type.listKind,
        metadata: { resourceVersion: result.resourceVersion },
        items: result.items,
      });
    }
    default:
      throw errors.methodNotAllowed();
  }
}
