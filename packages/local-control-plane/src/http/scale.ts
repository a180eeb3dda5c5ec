// The scale subresource: GET, PUT and PATCH (server-side apply included) of
// `…/scale` as an autoscaling/v1 Scale onto the store, as kube-apiserver's
// ScaleREST serves it for the kinds whose strategy has a scale (Deployments here).
import type { IncomingMessage } from 'node:http';
import { errors } from '../errors.ts';
import type { Store } from '../store.ts';
import { SCALE_TARGET, readObject, readPatch } from './bodies.ts';
import type { Route } from './routes.ts';

/** Writes a response body in the negotiated media type; returns the code. */
export type Send = (code: number, body: unknown, warnings?: string[]) => number;

/** The request's write options as the resource handler reads them from the query. */
export interface ScaleWriteOptions {
  dryRun: boolean;
  /** The `fieldManager` parameter, or the one derived from the user agent. */
  fieldManager: string;
  force?: boolean;
}

/**
 * GET, PUT and PATCH of `…/scale` (an autoscaling/v1 Scale), as
 * pkg/registry/apps/deployment/storage ScaleREST serves them. The body of a
 * PUT is a Scale (JSON, YAML or protobuf); a JSON, merge or strategic merge
 * PATCH applies to the current Scale; server-side apply merges into the Scale
 * with field ownership converted from and back to the parent's
 * (managedfields.ScaleHandler). Apply takes the `fieldManager` parameter only
 * (never one derived from the user agent) and `force`.
 */
export async function serveScale(
  store: Store,
  req: IncomingMessage,
  route: Route,
  writeOptions: ScaleWriteOptions,
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
      // The subresource takes every patch type its parent does (apply included).
      const { patchType, body } = await readPatch(req, type);
      const result =
        patchType === 'apply'
          ? store.applyScale(type, namespace, name!, body, {
              ...options,
              fieldManager: fieldManagerParameter(req),
              force: writeOptions.force ?? false,
            })
          : store.patchScale(type, namespace, name!, patchType, body, options);
      return send(result.code, result.object, result.warnings);
    }
    default:
      throw errors.methodNotAllowed();
  }
}

/** The `fieldManager` query parameter as sent ('' when absent): what apply requires. */
function fieldManagerParameter(req: IncomingMessage): string {
  return new URL(req.url ?? '/', 'https://localhost').searchParams.get('fieldManager') ?? '';
}
