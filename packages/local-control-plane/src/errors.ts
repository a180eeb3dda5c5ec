// Errors of the local API server, rendered as metav1.Status bodies with the
// reason, code and message wording kube-apiserver uses.
import { goQuote } from '@mcp-operator/kube-core/go-format';

export type FieldErrorType =
  | 'FieldValueRequired'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'FieldValueDuplicate'
  | 'FieldValueForbidden'
  | 'FieldValueTypeInvalid'
  | 'FieldValueNotFound'
  | 'FieldManagerConflict';

/** One field error: `field` is a path like spec.tools[0].name; `message` excludes the path. */
export interface FieldError {
  type: FieldErrorType;
  field: string;
  message: string;
}

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  /** ListMeta: a 410 for an expired continue token carries the token to go on with. */
  metadata: { continue?: string };
  status: 'Failure' | 'Success';
  message: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
    /** The Status's metadata.continue (only an expired continue token's 410 has one). */
    readonly listContinue?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toStatus(): Status {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: this.listContinue ? { continue: this.listContinue } : {},
      status: 'Failure',
      message: this.message,
      // kube leaves reason out when it has none (e.g. some 500s).
      ...(this.reason ? { reason: this.reason } : {}),
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }
}

/** What a 403 names of the refused request (authorizer.Attributes). */
export interface ForbiddenRequest {
  user: string;
  verb: string;
  resourceRequest: boolean;
  path?: string;
  apiGroup?: string;
  namespace?: string;
  resource?: string;
  subresource?: string;
  name?: string;
}

/** responsewriters' sanitizer: the message may echo a path, so markup is escaped. */
const sanitize = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** responsewriters.forbiddenMessage. */
function forbiddenMessage(r: ForbiddenRequest): string {
  const user = goQuote(r.user);
  if (!r.resourceRequest) {
    return sanitize(`User ${user} cannot ${r.verb} path ${goQuote(r.path ?? '')}`);
  }
  const resource = r.subresource ? `${r.resource ?? ''}/${r.subresource}` : (r.resource ?? '');
  const scope = r.namespace ? `in the namespace ${goQuote(r.namespace)}` : 'at the cluster scope';
  return sanitize(
    `User ${user} cannot ${r.verb} resource ${goQuote(resource)} in API group ${goQuote(r.apiGroup ?? '')} ${scope}`,
  );
}

/** `mcpservers.mcpruntime.org` for a group resource, `configmaps` for the core group. */
export function groupResource(resource: string, group: string): string {
  return group ? `${resource}.${group}` : resource;
}

export const errors = {
  notFound: (resource: string, group: string, name: string) =>
    new ApiError(404, 'NotFound', `${groupResource(resource, group)} "${name}" not found`, {
      name,
      group,
      kind: resource,
    }),
  alreadyExists: (resource: string, group: string, name: string) =>
    new ApiError(
      409,
      'AlreadyExists',
      `${groupResource(resource, group)} "${name}" already exists`,
      {
        name,
        group,
        kind: resource,
      },
    ),
  conflict: (resource: string, group: string, name: string, why: string) =>
    new ApiError(
      409,
      'Conflict',
      `Operation cannot be fulfilled on ${groupResource(resource, group)} "${name}": ${why}`,
      { name, group, kind: resource },
    ),
  /** 422 Invalid, e.g. `MCPServer.mcpruntime.org "x" is invalid: spec.port: Invalid value: ...` */
  invalid: (kind: string, group: string, name: string, fieldErrors: FieldError[]) => {
    const qualified = group ? `${kind}.${group}` : kind;
    // The message lists each distinct error once; causes keep them all.
    const rendered = [
      ...new Set(fieldErrors.map((e) => (e.field ? `${e.field}: ${e.message}` : e.message))),
    ];
    const joined = rendered.length === 1 ? rendered[0]! : `[${rendered.join(', ')}]`;
    return new ApiError(422, 'Invalid', `${qualified} "${name}" is invalid: ${joined}`, {
      name,
      group,
      kind,
      causes: fieldErrors.map((e) => ({ reason: e.type, message: e.message, field: e.field })),
    });
  },
  badRequest: (message: string) => new ApiError(400, 'BadRequest', message),
  unauthorized: () => new ApiError(401, 'Unauthorized', 'Unauthorized'),
  /**
   * responsewriters.Forbidden: the authorizer's refusal as NewForbidden words
   * it, naming the request's group resource and object (details kind is the
   * resource, as kube puts it) and, when the authorizer gave one, its reason.
   */
  forbidden: (request: ForbiddenRequest, reason = '') => {
    const message = reason ? `${forbiddenMessage(request)}: ${reason}` : forbiddenMessage(request);
    const resource = request.resourceRequest ? (request.resource ?? '') : '';
    const group = request.resourceRequest ? (request.apiGroup ?? '') : '';
    const name = request.resourceRequest ? (request.name ?? '') : '';
    let text: string;
    if (!resource && !group) text = `forbidden: ${message}`;
    else if (!name) text = `${groupResource(resource, group)} is forbidden: ${message}`;
    else text = `${groupResource(resource, group)} ${goQuote(name)} is forbidden: ${message}`;
    return new ApiError(403, 'Forbidden', text, {
      ...(name ? { name } : {}),
      ...(group ? { group } : {}),
      ...(resource ? { kind: resource } : {}),
    });
  },
  methodNotAllowed: (message = 'the server does not allow this method on the requested resource') =>
    new ApiError(405, 'MethodNotAllowed', message),
  /** NewResourceExpired: 410 with reason Expired (a too old resourceVersion or continue token). */
  gone: (message: string, listContinue?: string) =>
    new ApiError(410, 'Expired', message, undefined, listContinue),
  /** storage.NewTooLargeResourceVersionError: a 504 Timeout the client may retry after a second. */
  tooLargeResourceVersion: (requested: number, current: number) =>
    new ApiError(
      504,
      'Timeout',
      `Timeout: Too large resource version: ${requested}, current: ${current}`,
      {
        causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
        retryAfterSeconds: 1,
      },
    ),
  /**
   * negotiation.NewUnsupportedMediaTypeError: a body (or patch) whose Content-Type the
   * endpoint does not decode; the message lists what it does, and there are no details.
   */
  unsupportedMediaType: (accepted: readonly string[]) =>
    new ApiError(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
    ),
  /** negotiation.NewNotAcceptableError: no media type the client accepts can be served. */
  notAcceptable: (accepted: readonly string[]) =>
    new ApiError(
      406,
      'NotAcceptable',
      `only the following media types are accepted: ${accepted.join(', ')}`,
    ),
  tooManyRequests: (message = 'too many requests', retryAfterSeconds = 1) =>
    new ApiError(429, 'TooManyRequests', message, { retryAfterSeconds }),
  internal: (message: string) =>
    new ApiError(500, 'InternalError', `Internal error occurred: ${message}`, {
      causes: [{ message }],
    }),
  timeout: (message: string) => new ApiError(504, 'Timeout', message),
};

/**
 * The Status a DELETE answers when the object is gone and its storage does not
 * return deleted objects (the generic registry's finalizeDelete): details name
 * the object, its group and, as kube does, the resource in `kind`.
 */
export interface SuccessStatus {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Success';
  details: StatusDetails;
}

export function deletedStatus(
  resource: string,
  group: string,
  name: string,
  uid: string | undefined,
): SuccessStatus {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    details: { name, ...(group ? { group } : {}), kind: resource, ...(uid ? { uid } : {}) },
  };
}
