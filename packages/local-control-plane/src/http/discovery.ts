// Discovery and OpenAPI: /version, /api, /api/v1, /apis, /apis/{group},
// /apis/{group}/{version} and /openapi/v3[/…], as kube-apiserver's
// discovery handlers (APIVersions, APIGroupList, APIGroup, APIResourceList)
// and its OpenAPI v3 service answer them, always in JSON.
import type { ServerResponse } from 'node:http';
import { strategyFor } from '../kinds/index.ts';
import { buildOpenAPI } from '../openapi.ts';
import type { Store } from '../store.ts';
import type { ResourceType } from '../types.ts';
import { sendJson } from './responses.ts';
import { noSuchPath } from './routes.ts';

const VERSION_INFO = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0-mcp-operator-local',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-01-01T00:00:00Z',
  goVersion: 'n/a (local control plane)',
  compiler: 'n/a',
  platform: `${process.platform}/${process.arch}`,
};

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/** Serves the discovery and OpenAPI paths of the store's types; 404 for any other path. */
export class Discovery {
  readonly #store: Store;
  #openapi: { key: string; docs: ReturnType<typeof buildOpenAPI> } | undefined;

  constructor(store: Store) {
    this.#store = store;
  }

  serve(res: ServerResponse, path: string): number {
    const types = this.#store.types();
    if (path === '/version') return sendJson(res, 200, VERSION_INFO);
    if (path === '/api') {
      return sendJson(res, 200, {
        kind: 'APIVersions',
        versions: ['v1'],
        serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }],
      });
    }
    if (path === '/api/v1')
      return sendJson(
        res,
        200,
        resourceList(
          'v1',
          types.filter((t) => t.group === ''),
        ),
      );
    const groups = groupsOf(types);
    if (path === '/apis') {
      return sendJson(res, 200, {
        kind: 'APIGroupList',
        apiVersion: 'v1',
        groups: [...groups.values()].map(apiGroup),
      });
    }
    const groupMatch = /^\/apis\/([^/]+)$/.exec(path);
    if (groupMatch) {
      const group = groups.get(groupMatch[1]!);
      if (!group) throw noSuchPath();
      return sendJson(res, 200, { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(group) });
    }
    const gvMatch = /^\/apis\/([^/]+)\/([^/]+)$/.exec(path);
    if (gvMatch) {
      const [, group, version] = gvMatch;
      const served = types.filter((t) => t.group === group && t.version === version);
      if (served.length === 0) throw noSuchPath();
      return sendJson(res, 200, resourceList(`${group}/${version}`, served));
    }
    if (path === '/openapi/v3' || path.startsWith('/openapi/v3/')) {
      const docs = this.#openAPI(types);
      if (path === '/openapi/v3') return sendJson(res, 200, docs.index);
      const doc = docs.documents.get(path.slice('/openapi/v3/'.length));
      if (!doc) throw noSuchPath();
      return sendJson(res, 200, doc);
    }
    throw noSuchPath();
  }

  /** The OpenAPI documents, rebuilt only when the served types or their schemas change. */
  #openAPI(types: ResourceType[]) {
    const key = types
      .map((t) => `${t.group}/${t.version}/${t.plural}:${JSON.stringify(t.schema ?? null).length}`)
      .join(',');
    if (this.#openapi?.key !== key) this.#openapi = { key, docs: buildOpenAPI(types) };
    return this.#openapi.docs;
  }
}

function resourceList(groupVersion: string, types: ResourceType[]) {
  const resources = types.flatMap((t) => {
    const main = {
      name: t.plural,
      singularName: t.singular,
      namespaced: t.namespaced,
      kind: t.kind,
      verbs: strategyFor(t)?.verbs ?? VERBS,
      ...(t.shortNames.length ? { shortNames: t.shortNames } : {}),
      ...(t.categories.length ? { categories: t.categories } : {}),
    };
    const status = t.statusSubresource
      ? [
          {
            name: `${t.plural}/status`,
            singularName: '',
            namespaced: t.namespaced,
            kind: t.kind,
            verbs: ['get', 'patch', 'update'],
          },
        ]
      : [];
    // A subresource of another group's kind names its group and version (the Scale's).
    const scale = strategyFor(t)?.scale
      ? [
          {
            name: `${t.plural}/scale`,
            singularName: '',
            namespaced: t.namespaced,
            group: 'autoscaling',
            version: 'v1',
            kind: 'Scale',
            verbs: ['get', 'patch', 'update'],
          },
        ]
      : [];
    return [main, ...scale, ...status];
  });
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion, resources };
}

function groupsOf(types: ResourceType[]): Map<string, { name: string; versions: string[] }> {
  const groups = new Map<string, { name: string; versions: string[] }>();
  for (const t of types) {
    if (t.group === '') continue;
    const g = groups.get(t.group) ?? { name: t.group, versions: [] };
    if (!g.versions.includes(t.version)) g.versions.push(t.version);
    groups.set(t.group, g);
  }
  return groups;
}

function apiGroup(group: { name: string; versions: string[] }) {
  const versions = group.versions.map((version) => ({
    groupVersion: `${group.name}/${version}`,
    version,
  }));
  return { name: group.name, versions, preferredVersion: versions[0] };
}
