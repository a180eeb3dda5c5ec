// Errors of the local API server, rendered as metav1.Status bodies with the
// reason, code and message wording kube-apiserver uses.

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
  metadata: Record<string, never>;
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
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toStatus(): Status {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      // kube leaves reason out when it has none (e.g. some 500s).
      ...(this.reason ? { reason: this.reason } : {}),
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }
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
  forbidden: (
    user: string,
    verb: string,
    resource: string,
    group: string,
    name: string,
    namespace: string,
  ) =>
    new ApiError(
      403,
      'Forbidden',
      `${name ? `${groupResource(resource, group)} "${name}"` : groupResource(resource, group)} is forbidden: User "${user}" cannot ${verb} resource "${resource}" in API group "${group}"${namespace ? ` in the namespace "${namespace}"` : ' at the cluster scope'}`,
      { ...(name ? { name } : {}), group, kind: resource },
    ),
  methodNotAllowed: (message = 'the server does not allow this method on the requested resource') =>
    new ApiError(405, 'MethodNotAllowed', message),
  gone: (message: string) => new ApiError(410, 'Expired', message),
  unsupportedMediaType: (contentType: string, accepted: string[]) =>
    new ApiError(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
      {
        causes: [
          {
            reason: 'UnexpectedHeader',
            message: `unsupported content type ${contentType}`,
            field: 'Content-Type',
          },
        ],
      },
    ),
  tooManyRequests: (message = 'too many requests', retryAfterSeconds = 1) =>
    new ApiError(429, 'TooManyRequests', message, { retryAfterSeconds }),
  internal: (message: string) =>
    new ApiError(500, 'InternalError', `Internal error occurred: ${message}`, {
      causes: [{ message }],
    }),
  timeout: (message: string) => new ApiError(504, 'Timeout', message),
};
