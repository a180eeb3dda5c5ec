// The paths of a group-version document: for each kind, its collection, item,
// status and (built-ins) deprecated watch paths, with kube-apiserver's
// operations, parameters, response types and extensions. kubectl 1.32 finds a
// kind's PATCH operation by its x-kubernetes-group-version-kind and reads its
// `fieldValidation` parameter and its accepted patch types.
import { capitalize, groupName, gvk, gvPath, ref, schemaName, tag, type Schema } from './shared.ts';
import { strategyFor } from '../kinds/index.ts';
import type { ResourceType } from '../types.ts';

const META_PREFIX = 'io.k8s.apimachinery.pkg.apis.meta.v1.';
const STATUS = `${META_PREFIX}Status`;
const DELETE_OPTIONS = `${META_PREFIX}DeleteOptions`;
const PATCH = `${META_PREFIX}Patch`;
const WATCH_EVENT = `${META_PREFIX}WatchEvent`;

const param = (
  name: string,
  where: 'query' | 'path',
  description: string,
  type: 'string' | 'boolean' | 'integer',
): Schema => ({
  name,
  in: where,
  description,
  ...(where === 'path' ? { required: true } : {}),
  schema: { type, uniqueItems: true },
});

const P = {
  pretty: param('pretty', 'query', "If 'true', then the output is pretty printed.", 'string'),
  dryRun: param(
    'dryRun',
    'query',
    'When present, indicates that modifications should not be persisted. Valid values: All.',
    'string',
  ),
  fieldManager: param(
    'fieldManager',
    'query',
    'A name associated with the actor or entity that is making these changes; required for apply patches.',
    'string',
  ),
  fieldValidation: param(
    'fieldValidation',
    'query',
    'How the server treats unknown or duplicate fields in the request body: Ignore, Warn (the default) or Strict.',
    'string',
  ),
  force: param(
    'force',
    'query',
    'Force an apply request to take fields owned by other managers; must be unset for other patch types.',
    'boolean',
  ),
  gracePeriodSeconds: param(
    'gracePeriodSeconds',
    'query',
    'The duration in seconds before the object should be deleted.',
    'integer',
  ),
  ignoreStoreReadError: param(
    'ignoreStoreReadErrorWithClusterBreakingPotential',
    'query',
    'If set, delete a corrupt object that cannot be read from storage.',
    'boolean',
  ),
  orphanDependents: param(
    'orphanDependents',
    'query',
    'Deprecated: use propagationPolicy. Whether dependents are orphaned.',
    'boolean',
  ),
  propagationPolicy: param(
    'propagationPolicy',
    'query',
    'Whether and how garbage collection is performed: Orphan, Background or Foreground.',
    'string',
  ),
  allowWatchBookmarks: param(
    'allowWatchBookmarks',
    'query',
    'Requests watch events of type BOOKMARK.',
    'boolean',
  ),
  continue: param('continue', 'query', 'The continue token of a previous paged list.', 'string'),
  fieldSelector: param(
    'fieldSelector',
    'query',
    'Restricts the returned objects by their fields.',
    'string',
  ),
  labelSelector: param(
    'labelSelector',
    'query',
    'Restricts the returned objects by their labels.',
    'string',
  ),
  limit: param('limit', 'query', 'The maximum number of items to return in one page.', 'integer'),
  resourceVersion: param(
    'resourceVersion',
    'query',
    'Constrains which resource versions the request may be served from.',
    'string',
  ),
  resourceVersionMatch: param(
    'resourceVersionMatch',
    'query',
    'How resourceVersion is applied to list calls: Exact or NotOlderThan.',
    'string',
  ),
  sendInitialEvents: param(
    'sendInitialEvents',
    'query',
    'Starts a watch stream with synthetic events describing the current state.',
    'boolean',
  ),
  timeoutSeconds: param(
    'timeoutSeconds',
    'query',
    'Timeout for the list or watch call, regardless of activity.',
    'integer',
  ),
  watch: param(
    'watch',
    'query',
    'Watch for changes to the described resources and return them as a stream of events.',
    'boolean',
  ),
};

const LIST_PARAMS = [
  P.allowWatchBookmarks,
  P.continue,
  P.fieldSelector,
  P.labelSelector,
  P.limit,
  P.resourceVersion,
  P.resourceVersionMatch,
  P.sendInitialEvents,
  P.timeoutSeconds,
  P.watch,
];
const DELETE_PARAMS = [
  P.dryRun,
  P.gracePeriodSeconds,
  P.ignoreStoreReadError,
  P.orphanDependents,
  P.propagationPolicy,
];
const WRITE_PARAMS = [P.dryRun, P.fieldManager, P.fieldValidation];

const BUILTIN_PATCH_TYPES = [
  'application/apply-patch+yaml',
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
];
// kube-apiserver serves no strategic merge patch for custom resources.
const CUSTOM_PATCH_TYPES = [
  'application/apply-patch+yaml',
  'application/json-patch+json',
  'application/merge-patch+json',
];

interface Context {
  type: ResourceType;
  name: string; // component name of the kind
  listName: string;
  kindId: string; // e.g. CoreV1NamespacedConfigMap
  responseTypes: string[];
}

function content(types: string[], schema: Schema): Schema {
  return Object.fromEntries(types.map((t) => [t, { schema }]));
}

function responses(ctx: Context, codes: Record<string, { description: string; schema: Schema }>) {
  const out: Record<string, unknown> = {};
  for (const [code, r] of Object.entries(codes)) {
    out[code] = { description: r.description, content: content(ctx.responseTypes, r.schema) };
  }
  out['401'] = { description: 'Unauthorized' };
  return out;
}

function operation(ctx: Context, action: string, verb: string, id: string, extra: Schema): Schema {
  return {
    tags: [tag(ctx.type)],
    description: `${verb} ${ctx.type.kind}`,
    operationId: id,
    ...extra,
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': gvk(ctx.type.group, ctx.type.version, ctx.type.kind),
  };
}

function readOp(ctx: Context, suffix: string): Schema {
  return operation(ctx, 'get', 'read the specified', `read${ctx.kindId}${suffix}`, {
    responses: responses(ctx, { '200': { description: 'OK', schema: ref(ctx.name) } }),
  });
}

function replaceOp(ctx: Context, suffix: string): Schema {
  return operation(ctx, 'put', 'replace the specified', `replace${ctx.kindId}${suffix}`, {
    parameters: WRITE_PARAMS,
    requestBody: { content: content(['*/*'], ref(ctx.name)), required: true },
    responses: responses(ctx, {
      '200': { description: 'OK', schema: ref(ctx.name) },
      '201': { description: 'Created', schema: ref(ctx.name) },
    }),
  });
}

function patchOp(ctx: Context, suffix: string): Schema {
  const patchTypes = ctx.type.builtin ? BUILTIN_PATCH_TYPES : CUSTOM_PATCH_TYPES;
  return operation(ctx, 'patch', 'partially update the specified', `patch${ctx.kindId}${suffix}`, {
    parameters: [...WRITE_PARAMS, P.force],
    requestBody: { content: content(patchTypes, ref(PATCH)), required: true },
    responses: responses(ctx, {
      '200': { description: 'OK', schema: ref(ctx.name) },
      '201': { description: 'Created', schema: ref(ctx.name) },
    }),
  });
}

function deleteOp(ctx: Context): Schema {
  return operation(ctx, 'delete', 'delete', `delete${ctx.kindId}`, {
    parameters: DELETE_PARAMS,
    requestBody: { content: content(['*/*'], ref(DELETE_OPTIONS)) },
    responses: responses(ctx, {
      '200': { description: 'OK', schema: ref(STATUS) },
      '202': { description: 'Accepted', schema: ref(STATUS) },
    }),
  });
}

function pathParams(ctx: Context, withName: boolean): Schema[] {
  const out: Schema[] = [];
  if (withName) out.push(param('name', 'path', `name of the ${ctx.type.kind}`, 'string'));
  if (ctx.type.namespaced) {
    out.push(
      param(
        'namespace',
        'path',
        'object name and auth scope, such as for teams and projects',
        'string',
      ),
    );
  }
  out.push(P.pretty);
  return out;
}

/** A kind whose storage only creates (the self reviews): one POST path, no list. */
export function createOnly(type: ResourceType): boolean {
  const verbs = strategyFor(type)?.verbs;
  return verbs !== undefined && verbs.length === 1 && verbs[0] === 'create';
}

/** Every path of a kind, with its operations. */
export function kindPaths(type: ResourceType): Record<string, Schema> {
  const prefix = `/${gvPath(type)}`;
  const gv = `${groupName(type)}${capitalize(type.version)}`;
  const scope = type.namespaced ? 'Namespaced' : '';
  const ctx: Context = {
    type,
    name: schemaName(type),
    listName: `${schemaName(type)}List`,
    kindId: `${gv}${scope}${type.kind}`,
    responseTypes: type.builtin
      ? ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf']
      : ['application/json', 'application/yaml'],
  };
  const base = type.namespaced
    ? `${prefix}/namespaces/{namespace}/${type.plural}`
    : `${prefix}/${type.plural}`;
  const listResponse = (id: string, extraParams: Schema[] = []) =>
    operation(ctx, 'list', 'list or watch objects of kind', id, {
      parameters: [...LIST_PARAMS, ...extraParams],
      responses: responses(ctx, { '200': { description: 'OK', schema: ref(ctx.listName) } }),
    });
  const paths: Record<string, Schema> = {};
  const create = operation(ctx, 'post', 'create a', `create${ctx.kindId}`, {
    parameters: WRITE_PARAMS,
    requestBody: { content: content(['*/*'], ref(ctx.name)), required: true },
    responses: responses(ctx, {
      '200': { description: 'OK', schema: ref(ctx.name) },
      '201': { description: 'Created', schema: ref(ctx.name) },
      '202': { description: 'Accepted', schema: ref(ctx.name) },
    }),
  });
  if (createOnly(type)) {
    paths[base] = { post: create, parameters: pathParams(ctx, false) };
    return paths;
  }
  paths[base] = {
    get: listResponse(`list${ctx.kindId}`),
    post: create,
    delete: operation(
      ctx,
      'deletecollection',
      'delete collection of',
      `delete${gv}Collection${scope}${type.kind}`,
      {
        parameters: [...DELETE_PARAMS, ...LIST_PARAMS],
        requestBody: { content: content(['*/*'], ref(DELETE_OPTIONS)) },
        responses: responses(ctx, { '200': { description: 'OK', schema: ref(STATUS) } }),
      },
    ),
    parameters: pathParams(ctx, false),
  };
  paths[`${base}/{name}`] = {
    get: readOp(ctx, ''),
    put: replaceOp(ctx, ''),
    patch: patchOp(ctx, ''),
    delete: deleteOp(ctx),
    parameters: pathParams(ctx, true),
  };
  if (type.statusSubresource) {
    paths[`${base}/{name}/status`] = {
      get: readOp(ctx, 'Status'),
      put: replaceOp(ctx, 'Status'),
      patch: patchOp(ctx, 'Status'),
      parameters: pathParams(ctx, true),
    };
  }
  if (type.namespaced) {
    paths[`${prefix}/${type.plural}`] = {
      get: listResponse(`list${gv}${type.kind}ForAllNamespaces`),
      parameters: [P.pretty],
    };
  }
  if (type.builtin) {
    // The deprecated watch paths kube-apiserver still publishes for built-ins.
    const watchEvent = { '200': { description: 'OK', schema: ref(WATCH_EVENT) } };
    const watchOp = (action: string, id: string) =>
      operation(ctx, action, 'watch changes to', id, {
        parameters: LIST_PARAMS,
        responses: responses(ctx, watchEvent),
      });
    const watchBase = type.namespaced
      ? `${prefix}/watch/namespaces/{namespace}/${type.plural}`
      : `${prefix}/watch/${type.plural}`;
    paths[watchBase] = {
      get: watchOp('watchlist', `watch${ctx.kindId}List`),
      parameters: pathParams(ctx, false),
    };
    paths[`${watchBase}/{name}`] = {
      get: watchOp('watch', `watch${ctx.kindId}`),
      parameters: pathParams(ctx, true),
    };
    if (type.namespaced) {
      paths[`${prefix}/watch/${type.plural}`] = {
        get: watchOp('watchlist', `watch${gv}${type.kind}ListForAllNamespaces`),
        parameters: [P.pretty],
      };
    }
  }
  return paths;
}
