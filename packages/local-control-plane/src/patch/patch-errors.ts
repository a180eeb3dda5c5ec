// The two error shapes kube-apiserver produces for patches besides BadRequest.
import { ApiError } from '../errors.ts';

/**
 * 422 as built by apimachinery's NewGenericServerResponse: a fixed message, the
 * underlying error carried as an UnexpectedServerResponse cause.
 */
export function rejected(message: string): ApiError {
  return new ApiError(
    422,
    'Invalid',
    'the server rejected our request due to an error in our request',
    { causes: [{ reason: 'UnexpectedServerResponse', message }] },
  );
}

/**
 * A plain Go error reaching the handler: 500 with no reason (StatusReasonUnknown)
 * and the error text as the message ("Error from server: ..." in kubectl).
 */
export function unknownError(message: string): ApiError {
  return new ApiError(500, '', message);
}
