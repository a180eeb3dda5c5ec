// The scale subresource: GET, PUT and PATCH of `…/scale` as an
// autoscaling/v1 Scale onto the store, as kube-apiserver's ScaleREST serves
// it for the kinds whose strategy has a scale (Deployments here).
import type { IncomingMessage } from 'node:http';
import { errors } from '../errors.ts';
import type { Store } from '../store.ts';
import { SCALE_PATCH_TYPES, SCALE_TARGET, readObject, readPatch } from './bodies.ts';
import type { Route } from './routes.ts';

/** Writes a response body in the negotiated media type; returns the code. */
export type Send = (code: number, body: unknown, warnings?: string[]) => number;

/**
 * GET, PUT and PATCH of `…/scale` (an autoscaling/v1 Scale), as
 * pkg/registry/apps/deployment/storage ScaleREST serves them. The body of a
 * PUT is a Scale (JSON, YAML or protobuf); a PATCH applies to the current
 * Scale. Server-side apply to the subresource is not served.
 */
export async function serveScale(
  store: Store,
  req: IncomingMessage,
  route: Route,
  writeOptions: { dryRun: boolean; fieldManager: string },
  send: Send,
): Promise<number> {
  const { type, namespace, name } = route;
  const options = { dryRun: writeOptions.dryRun, fieldManager: writeOptions.fieldManager };
  switch (route.verb) {
    case 'get':
      return send(200, store.getScale(type, namespace, name!));
    case 'update': {
      const body = await readObject(req, type, SCALE_TARGET);
      const result = store.updateScale(type, namespace, name!, body, options);
      return send(result.code, result.object, result.warnings);
    }
    case 'patch': {
      const { patchType, body } = await readPatch(req, type, true);
      if (patchType === 'apply') throw errors.unsupportedMediaType(SCALE_PATCH_TYPES);
      const result = store.patchScale(type, namespace, name!, patchType, body, options);
      return send(result.code, result.object, result.warnings);
    }
    default:
      throw errors.methodNotAllowed();
  }
}
