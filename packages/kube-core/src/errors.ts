// Typed Kubernetes API errors. Callers branch on the class (a NotFound is a
// type, not a string match); the message is the API server's own.

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

/** The parts of a metav1.Status an error carries. */
export interface ApiStatus {
  code: number;
  reason?: string;
  message?: string;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    causes?: StatusCause[];
    retryAfterSeconds?: number;
  };
}

export class KubeApiError extends Error {
  readonly code: number;
  readonly reason: string;
  readonly status: ApiStatus;
  constructor(status: ApiStatus) {
    super(
      status.message ||
        `the server answered ${status.code}${status.reason ? ` ${status.reason}` : ''}`,
    );
    this.name = new.target.name;
    this.code = status.code;
    this.reason = status.reason ?? '';
    this.status = status;
  }
  get causes(): StatusCause[] {
    return this.status.details?.causes ?? [];
  }
}

export class BadRequestError extends KubeApiError {}
export class UnauthorizedError extends KubeApiError {}
export class ForbiddenError extends KubeApiError {}
export class NotFoundError extends KubeApiError {}
export class MethodNotAllowedError extends KubeApiError {}
export class AlreadyExistsError extends KubeApiError {}
export class ConflictError extends KubeApiError {}
/** 410: the resourceVersion is older than the server's history; relist. */
export class GoneError extends KubeApiError {}
export class UnsupportedMediaTypeError extends KubeApiError {}
export class InvalidError extends KubeApiError {}
export class TooManyRequestsError extends KubeApiError {}
/** 5xx answers: worth retrying with backoff. */
export class ServerError extends KubeApiError {}
export class ServerTimeoutError extends KubeApiError {}

/** No answer at all: connection refused or reset, TLS failure, or the request timed out. */
export class TransportError extends Error {
  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

/** The typed error for a metav1.Status (or a bare code). */
export function errorFromStatus(status: ApiStatus): KubeApiError {
  switch (status.code) {
    case 400:
      return new BadRequestError(status);
    case 401:
      return new UnauthorizedError(status);
    case 403:
      return new ForbiddenError(status);
    case 404:
      return new NotFoundError(status);
    case 405:
      return new MethodNotAllowedError(status);
    case 409:
      return status.reason === 'AlreadyExists'
        ? new AlreadyExistsError(status)
        : new ConflictError(status);
    case 410:
      return new GoneError(status);
    case 415:
      return new UnsupportedMediaTypeError(status);
    case 422:
      return new InvalidError(status);
    case 429:
      return new TooManyRequestsError(status);
    case 504:
      return new ServerTimeoutError(status);
    default:
      return status.code >= 500 ? new ServerError(status) : new KubeApiError(status);
  }
}

/** Whether retrying later may help (429, 5xx, no answer) as opposed to a request that is wrong. */
export function isRetryable(err: unknown): boolean {
  return (
    err instanceof TooManyRequestsError ||
    err instanceof ServerError ||
    err instanceof ServerTimeoutError ||
    err instanceof TransportError
  );
}
