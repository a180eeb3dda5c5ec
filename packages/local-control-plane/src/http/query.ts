// Store options from a request's query parameters: list options (selectors,
// paging, resourceVersion semantics), fieldValidation, and the DeleteOptions
// a DELETE's body and query make together, with kube-apiserver's 400 for an
// unsupported fieldValidation value.
import { errors } from '../errors.ts';
import type { DeleteOptions, ListOptions } from '../store.ts';

export function parseFieldValidation(
  value: string | null,
): 'Ignore' | 'Warn' | 'Strict' | undefined {
  if (value === null || value === '') return undefined;
  if (value === 'Ignore' || value === 'Warn' || value === 'Strict') return value;
  throw errors.badRequest(
    `fieldValidation parameter unsupported: ${value}; valid values are Ignore, Warn and Strict`,
  );
}

export function listOptions(q: URLSearchParams): ListOptions {
  const limit = Number(q.get('limit') ?? 0);
  return {
    ...(q.get('labelSelector') ? { labelSelector: q.get('labelSelector')! } : {}),
    ...(q.get('fieldSelector') ? { fieldSelector: q.get('fieldSelector')! } : {}),
    ...(limit > 0 ? { limit } : {}),
    ...(q.get('continue') ? { continue: q.get('continue')! } : {}),
    ...(q.get('resourceVersion') ? { resourceVersion: q.get('resourceVersion')! } : {}),
    ...(q.get('resourceVersionMatch')
      ? { resourceVersionMatch: q.get('resourceVersionMatch')! }
      : {}),
  };
}

/**
 * The store's DeleteOptions from a body and the query: propagationPolicy (or
 * the deprecated orphanDependents), preconditions and dryRun.
 */
export function deleteOptions(
  body: Record<string, unknown>,
  q: URLSearchParams,
  dryRun: boolean,
): DeleteOptions {
  const orphan = body.orphanDependents ?? parseBool(q.get('orphanDependents'));
  const policy = (q.get('propagationPolicy') ??
    body.propagationPolicy ??
    (orphan === true ? 'Orphan' : undefined)) as DeleteOptions['propagationPolicy'];
  const preconditions = body.preconditions as DeleteOptions['preconditions'];
  return {
    dryRun: dryRun || (Array.isArray(body.dryRun) && body.dryRun.includes('All')),
    ...(policy ? { propagationPolicy: policy } : {}),
    ...(preconditions ? { preconditions } : {}),
  };
}

function parseBool(value: string | null): boolean | undefined {
  return value === 'true' ? true : value === 'false' ? false : undefined;
}
