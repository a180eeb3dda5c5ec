// The admin endpoint (/admin/*): the control plane's own test and fault
// injection API, outside the Kubernetes API. It has no kube-apiserver
// counterpart; it checks its own bearer token and always answers JSON.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { errors } from '../errors.ts';
import { readBody } from './bodies.ts';
import { sendJson } from './responses.ts';

export const ADMIN_PREFIX = '/admin/';

/** Handles `/admin/<path>` with a JSON body (after the admin token check). */
export type AdminHandler = (path: string, body: unknown) => unknown;

export async function serveAdmin(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  adminToken: string,
  admin: AdminHandler,
): Promise<void> {
  const auth = req.headers.authorization ?? '';
  if (auth !== `Bearer ${adminToken}`) throw errors.unauthorized();
  const body = (await readBody(req)).toString('utf8');
  const result = admin(path.slice(ADMIN_PREFIX.length), body.length ? JSON.parse(body) : {});
  sendJson(res, 200, result ?? { ok: true });
}
