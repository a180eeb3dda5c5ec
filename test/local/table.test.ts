import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mcpServerCRD, PRINTER_COLUMNS } from '../../src/api/v1alpha1/crd.ts';
import { evaluateJsonPath, isValidJsonPath } from '@mcp-operator/local-control-plane/jsonpath';
import { humanDuration, toTable } from '@mcp-operator/local-control-plane/table';
import type {
  KubeObject,
  PrinterColumn,
  ResourceType,
} from '@mcp-operator/local-control-plane/types';

const NOW = new Date('2026-03-01T12:00:00Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString().replace(/\.\d+Z$/, 'Z');
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/** The ResourceType the server registers for the project's CRD. */
function mcpServerType(): ResourceType {
  const crd = mcpServerCRD();
  const version = crd.spec.versions[0]!;
  return {
    group: crd.spec.group,
    version: version.name,
    kind: crd.spec.names.kind,
    listKind: crd.spec.names.listKind,
    plural: crd.spec.names.plural,
    singular: crd.spec.names.singular,
    namespaced: true,
    shortNames: crd.spec.names.shortNames,
    categories: crd.spec.names.categories,
    statusSubresource: true,
    builtin: false,
    schema: version.schema.openAPIV3Schema,
    printerColumns: version.additionalPrinterColumns,
  };
}

function builtin(group: string, kind: string, namespaced = true): ResourceType {
  return {
    group,
    version: 'v1',
    kind,
    listKind: `${kind}List`,
    plural: `${kind.toLowerCase()}s`,
    singular: kind.toLowerCase(),
    namespaced,
    shortNames: [],
    categories: [],
    statusSubresource: false,
    builtin: true,
  };
}

const mcpServer = (name: string, extra: Record<string, unknown>, age = 5 * HOUR + 7 * MIN) =>
  ({
    apiVersion: 'mcpruntime.org/v1alpha1',
    kind: 'MCPServer',
    metadata: {
      name,
      namespace: 'team-a',
      uid: `uid-${name}`,
      resourceVersion: '42',
      creationTimestamp: ago(age),
      labels: { app: name },
    },
    spec: { image: 'ghcr.io/acme/weather', teamID: 'team-a' },
    ...extra,
  }) as KubeObject;

type Table = {
  kind: string;
  apiVersion: string;
  metadata: Record<string, string>;
  columnDefinitions: {
    name: string;
    type: string;
    format: string;
    description: string;
    priority: number;
  }[];
  rows: { cells: unknown[]; object: unknown; conditions?: unknown[] }[];
};

const table = (
  objects: KubeObject[],
  type: ResourceType,
  includeObject: 'None' | 'Metadata' | 'Object' = 'Metadata',
) => toTable(objects, type, { resourceVersion: '7' }, { includeObject, now: NOW }) as Table;

const cells = (objects: KubeObject[], type: ResourceType) =>
  table(objects, type).rows.map((r) => r.cells);

describe('jsonpath', () => {
  const server = {
    metadata: { labels: { 'app.kubernetes.io/name': 'weather', plain: 'p' } },
    status: {
      phase: 'Ready',
      replicas: 3,
      conditions: [
        { type: 'Progressing', status: 'False', n: 1 },
        { type: 'Ready', status: 'True', n: 2 },
        { type: 'Ready', status: 'Unknown', n: 3 },
      ],
    },
  };
  const cases: [string, unknown, unknown[]][] = [
    ['.status.phase', server, ['Ready']],
    ['.status.missing', server, []],
    ['.spec.teamID', server, []],
    ['.status.phase.deeper', server, []],
    ['.status.replicas', server, [3]],
    ['.status.conditions[?(@.type=="Ready")].status', server, ['True', 'Unknown']],
    [".status.conditions[?(@.type=='Ready')].status", server, ['True', 'Unknown']],
    ['.status.conditions[?(@.type == "Ready")].status', server, ['True', 'Unknown']],
    ['.status.conditions[?(@.type=="Ready")].status', { status: { conditions: [] } }, []],
    ['.status.conditions[?(@.type=="Ready")].status', { status: {} }, []],
    ['.status.conditions[?(@.type=="Ready")].status', {}, []],
    ['.status.conditions[?(@.type!="Ready")].type', server, ['Progressing']],
    ['.status.conditions[?(@.n>1)].n', server, [2, 3]],
    ['.status.conditions[?(@.n<=2)].n', server, [1, 2]],
    ['.status.conditions[?(@.missing)].n', server, []],
    ['.status.conditions[?(@.status)].n', server, [1, 2, 3]],
    ['.status.conditions[*].type', server, ['Progressing', 'Ready', 'Ready']],
    ['.status.conditions[0].type', server, ['Progressing']],
    ['.status.conditions[-1].n', server, [3]],
    ['.status.conditions[5].n', server, []],
    ['.status.conditions[0:2].n', server, [1, 2]],
    ['.status.conditions[1:].n', server, [2, 3]],
    ['.status.conditions[::2].n', server, [1, 3]],
    [".metadata.labels['app.kubernetes.io/name']", server, ['weather']],
    ['.metadata.labels["app.kubernetes.io/name"]', server, ['weather']],
    ['.metadata.labels.app\\.kubernetes\\.io/name', server, ['weather']],
    ['.metadata.labels.*', server, ['weather', 'p']],
    ["['status']['phase']", server, ['Ready']],
  ];
  for (const [path, obj, expected] of cases) {
    it(`${path} → ${JSON.stringify(expected)}`, () => {
      assert.deepEqual(evaluateJsonPath(obj, path), expected);
    });
  }

  it('accepts every printer column path of the project CRD', () => {
    for (const col of PRINTER_COLUMNS)
      assert.equal(isValidJsonPath(col.jsonPath), true, col.jsonPath);
  });

  for (const bad of [
    '',
    'status.phase',
    '.',
    '.a[',
    '.a..b',
    '.a[?(@.x=="y"]',
    '.a[?(@.x=)]',
    '.a[?(x=="y")]',
    '.a["unterminated]',
    '.a[::0]',
    '{.a}',
  ]) {
    it(`rejects ${JSON.stringify(bad)}`, () => {
      assert.equal(isValidJsonPath(bad), false);
      if (bad.startsWith('.') || bad.startsWith('[')) {
        assert.throws(() => evaluateJsonPath({}, bad));
      }
    });
  }
});

describe('humanDuration', () => {
  const cases: [number, string][] = [
    [-3000, '<invalid>'],
    [-2000, '<invalid>'],
    [-1999, '0s'],
    [-500, '0s'],
    [0, '0s'],
    [999, '0s'],
    [45_000, '45s'],
    [119_999, '119s'],
    [2 * MIN, '2m'],
    [2 * MIN + 5000, '2m5s'],
    [9 * MIN + 59_000, '9m59s'],
    [10 * MIN + 30_000, '10m'],
    [179 * MIN, '179m'],
    [3 * HOUR, '3h'],
    [3 * HOUR + 20 * MIN, '3h20m'],
    [7 * HOUR + 59 * MIN, '7h59m'],
    [8 * HOUR + 30 * MIN, '8h'],
    [47 * HOUR, '47h'],
    [2 * DAY, '2d'],
    [2 * DAY + 5 * HOUR, '2d5h'],
    [7 * DAY + 23 * HOUR, '7d23h'],
    [8 * DAY + 5 * HOUR, '8d'],
    [729 * DAY, '729d'],
    [730 * DAY, '2y'],
    [740 * DAY, '2y10d'],
    [8 * 365 * DAY, '8y'],
    [20 * 365 * DAY + 100 * DAY, '20y'],
  ];
  for (const [ms, expected] of cases) {
    it(`${ms}ms → ${expected}`, () => assert.equal(humanDuration(ms), expected));
  }
});

describe('Table for MCPServers (the project CRD)', () => {
  const type = mcpServerType();
  const ready = mcpServer('weather', {
    status: {
      phase: 'Ready',
      url: 'https://mcp.example.com/weather/mcp',
      gatewayReady: true,
      image: 'ghcr.io/acme/weather@sha256:abc',
      conditions: [
        { type: 'Progressing', status: 'False' },
        { type: 'Ready', status: 'True' },
      ],
    },
  });
  const fresh = mcpServer('fresh', {}, 30_000);

  it('has the meta.k8s.io/v1 Table envelope with the list metadata', () => {
    const t = toTable(
      [ready],
      type,
      { resourceVersion: '7', continue: 'next' },
      {
        includeObject: 'Metadata',
        now: NOW,
      },
    ) as Table;
    assert.equal(t.kind, 'Table');
    assert.equal(t.apiVersion, 'meta.k8s.io/v1');
    assert.deepEqual(t.metadata, { resourceVersion: '7', continue: 'next' });
  });

  it('defines Name and the printer columns with their priorities', () => {
    const defs = table([], type).columnDefinitions;
    assert.deepEqual(
      defs.map((d) => [d.name, d.type, d.format, d.priority]),
      [
        ['Name', 'string', 'name', 0],
        ['Phase', 'string', '', 0],
        ['Ready', 'string', '', 0],
        ['URL', 'string', '', 0],
        ['Age', 'date', '', 0],
        ['Team', 'string', '', 1],
        ['Gateway', 'boolean', '', 1],
        ['Image', 'string', '', 1],
      ],
    );
    assert.deepEqual(
      defs.slice(1).map((d) => d.description),
      [
        'Summary phase.',
        'Ready condition.',
        'Public MCP URL.',
        'Custom resource definition column (in JSONPath format): .metadata.creationTimestamp',
        'Owning team.',
        'Gateway sidecar ready.',
        'Deployed image.',
      ],
    );
    assert.ok(defs[0]!.description.length > 0);
  });

  it('renders the cells as kube does, typed by column', () => {
    assert.deepEqual(cells([ready], type), [
      [
        'weather',
        'Ready',
        'True',
        'https://mcp.example.com/weather/mcp',
        '5h7m',
        'team-a',
        true,
        'ghcr.io/acme/weather@sha256:abc',
      ],
    ]);
  });

  it('leaves missing values as null cells (blank in kubectl)', () => {
    assert.deepEqual(cells([fresh], type), [
      ['fresh', null, null, null, '30s', 'team-a', null, null],
    ]);
    const noReady = mcpServer('x', {
      status: { phase: 'Pending', conditions: [{ type: 'Progressing', status: 'True' }] },
    });
    assert.deepEqual(cells([noReady], type)[0]!.slice(1, 4), ['Pending', null, null]);
  });

  it('carries row objects as includeObject asks', () => {
    const metadata = table([ready], type, 'Metadata').rows[0]!.object;
    assert.deepEqual(metadata, {
      kind: 'PartialObjectMetadata',
      apiVersion: 'meta.k8s.io/v1',
      metadata: ready.metadata,
    });
    assert.equal(table([ready], type, 'None').rows[0]!.object, null);
    assert.deepEqual(table([ready], type, 'Object').rows[0]!.object, ready);
    assert.notEqual(table([ready], type, 'Object').rows[0]!.object, ready);
  });

  it('renders an empty list as no rows', () => {
    assert.deepEqual(table([], type).rows, []);
  });

  it('converts values by column type as the apiextensions convertor does', () => {
    const columns: PrinterColumn[] = [
      { name: 'Int', type: 'integer', jsonPath: '.spec.n' },
      { name: 'Num', type: 'number', jsonPath: '.spec.n' },
      { name: 'Str', type: 'string', jsonPath: '.spec.n' },
      { name: 'Obj', type: 'string', jsonPath: '.spec.obj' },
      { name: 'BoolFromString', type: 'boolean', jsonPath: '.spec.s' },
      { name: 'IntFromString', type: 'integer', jsonPath: '.spec.s' },
      { name: 'Bad date', type: 'date', jsonPath: '.spec.s' },
      { name: 'Empty date', type: 'date', jsonPath: '.spec.empty' },
      { name: 'Date', type: 'date', jsonPath: '.spec.at' },
      { name: 'Big', type: 'string', jsonPath: '.spec.big' },
      { name: 'Tiny', type: 'string', jsonPath: '.spec.tiny' },
      { name: 'Whole', type: 'string', jsonPath: '.spec.whole' },
    ];
    const custom: ResourceType = { ...type, printerColumns: columns };
    const o = mcpServer('x', {
      spec: {
        n: 3.75,
        obj: { b: '<x>', a: [1, true] },
        s: 'true',
        empty: '',
        at: ago(3 * DAY),
        big: 1234567.5,
        tiny: 0.00001,
        whole: 1000000,
      },
    });
    assert.deepEqual(cells([o], custom)[0], [
      'x',
      3,
      3.75,
      '3.75',
      '{"a":[1,true],"b":"\\u003cx\\u003e"}',
      null,
      null,
      '<invalid>',
      '<unknown>',
      '3d',
      '1.2345675e+06',
      '1e-05',
      '1000000',
    ]);
  });

  it('serves a CRD version without printer columns with Name and Age', () => {
    const plain: ResourceType = { ...type, printerColumns: [] };
    const t = table([fresh], plain);
    assert.deepEqual(
      t.columnDefinitions.map((d) => [d.name, d.type]),
      [
        ['Name', 'string'],
        ['Age', 'date'],
      ],
    );
    assert.deepEqual(t.rows[0]!.cells, ['fresh', '30s']);
  });
});

describe('Tables for built-ins', () => {
  it('Deployment: Ready Up-to-date Available Age, then the wide columns', () => {
    const type = builtin('apps', 'Deployment');
    const t = table(
      [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'web', namespace: 'default', creationTimestamp: ago(10 * MIN) },
          spec: {
            replicas: 3,
            selector: {
              matchLabels: { app: 'web' },
              matchExpressions: [{ key: 'tier', operator: 'In', values: ['b', 'a'] }],
            },
            template: {
              spec: {
                containers: [
                  { name: 'app', image: 'nginx:1' },
                  { name: 'gateway', image: 'gw:2' },
                ],
              },
            },
          },
          status: { replicas: 3, readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 },
        },
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'new', namespace: 'default', creationTimestamp: ago(5000) },
          spec: { template: { spec: { containers: [{ name: 'c', image: 'i' }] } } },
        },
      ],
      type,
    );
    assert.deepEqual(
      t.columnDefinitions.map((d) => [d.name, d.type, d.priority]),
      [
        ['Name', 'string', 0],
        ['Ready', 'string', 0],
        ['Up-to-date', 'string', 0],
        ['Available', 'string', 0],
        ['Age', 'string', 0],
        ['Containers', 'string', 1],
        ['Images', 'string', 1],
        ['Selector', 'string', 1],
      ],
    );
    assert.deepEqual(
      t.rows.map((r) => r.cells),
      [
        ['web', '2/3', 3, 2, '10m', 'app,gateway', 'nginx:1,gw:2', 'app=web,tier in (a,b)'],
        ['new', '0/1', 0, 0, '5s', 'c', 'i', ''],
      ],
    );
  });

  it('Service: Type Cluster-IP External-IP Port(s) Age Selector', () => {
    const type = builtin('', 'Service');
    const svc = (name: string, spec: Record<string, unknown>, status?: unknown): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace: 'default', creationTimestamp: ago(2 * DAY) },
      spec,
      ...(status ? { status } : {}),
    });
    const t = table(
      [
        svc('web', {
          clusterIP: '10.96.0.10',
          clusterIPs: ['10.96.0.10'],
          ports: [
            { name: 'http', port: 80, targetPort: 8088 },
            { name: 'metrics', port: 9103, protocol: 'TCP' },
          ],
          selector: { app: 'web', tier: 'fe' },
        }),
        svc('np', {
          type: 'NodePort',
          clusterIP: '10.96.0.11',
          ports: [{ port: 80, nodePort: 30080, protocol: 'UDP' }],
        }),
        svc('lb', { type: 'LoadBalancer', clusterIPs: ['10.96.0.12'], ports: [{ port: 443 }] }),
        svc(
          'lb2',
          {
            type: 'LoadBalancer',
            clusterIPs: ['10.96.0.13'],
            ports: [{ port: 443 }],
            externalIPs: ['1.2.3.4'],
          },
          { loadBalancer: { ingress: [{ ip: '127.0.0.1' }, { hostname: 'lb.example.com' }] } },
        ),
        svc('ext', { type: 'ExternalName', externalName: 'db.example.com' }),
        svc('headless', { clusterIP: 'None', clusterIPs: ['None'], externalIPs: ['5.6.7.8'] }),
      ],
      type,
    );
    assert.deepEqual(
      t.columnDefinitions.map((d) => [d.name, d.priority]),
      [
        ['Name', 0],
        ['Type', 0],
        ['Cluster-IP', 0],
        ['External-IP', 0],
        ['Port(s)', 0],
        ['Age', 0],
        ['Selector', 1],
      ],
    );
    assert.deepEqual(
      t.rows.map((r) => r.cells),
      [
        ['web', 'ClusterIP', '10.96.0.10', '<none>', '80/TCP,9103/TCP', '2d', 'app=web,tier=fe'],
        ['np', 'NodePort', '10.96.0.11', '<none>', '80:30080/UDP', '2d', '<none>'],
        ['lb', 'LoadBalancer', '10.96.0.12', '<pending>', '443/TCP', '2d', '<none>'],
        [
          'lb2',
          'LoadBalancer',
          '10.96.0.13',
          '127.0.0.1,lb.example.com,1.2.3.4',
          '443/TCP',
          '2d',
          '<none>',
        ],
        ['ext', 'ExternalName', '<none>', 'db.example.com', '<none>', '2d', '<none>'],
        ['headless', 'ClusterIP', 'None', '5.6.7.8', '<none>', '2d', '<none>'],
      ],
    );
  });

  it('Namespace: Status Age', () => {
    const type = builtin('', 'Namespace', false);
    const t = table(
      [
        {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name: 'default', creationTimestamp: ago(3 * DAY) },
          status: { phase: 'Active' },
        },
        {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name: 'gone', creationTimestamp: ago(90_000), deletionTimestamp: ago(1000) },
          status: { phase: 'Terminating' },
        },
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'nostamp' } },
      ],
      type,
    );
    assert.deepEqual(
      t.columnDefinitions.map((d) => d.name),
      ['Name', 'Status', 'Age'],
    );
    assert.deepEqual(
      t.rows.map((r) => r.cells),
      [
        ['default', 'Active', '3d'],
        ['gone', 'Terminating', '90s'],
        ['nostamp', 'Active', '<unknown>'],
      ],
    );
  });

  it('ConfigMap, Secret, Lease, Ingress, IngressClass and EndpointSlice columns', () => {
    const meta = (name: string) => ({ name, namespace: 'default', creationTimestamp: ago(HOUR) });
    assert.deepEqual(
      cells(
        [
          {
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: meta('cm'),
            data: { a: '1', b: '2' },
            binaryData: { c: 'AA==' },
          },
        ],
        builtin('', 'ConfigMap'),
      ),
      [['cm', 3, '60m']],
    );
    assert.deepEqual(
      cells(
        [
          {
            apiVersion: 'v1',
            kind: 'Secret',
            metadata: meta('s'),
            type: 'kubernetes.io/tls',
            data: { 'tls.crt': 'x', 'tls.key': 'y' },
          },
          { apiVersion: 'v1', kind: 'Secret', metadata: meta('o'), stringData: { a: 'b' } },
        ],
        builtin('', 'Secret'),
      ),
      [
        ['s', 'kubernetes.io/tls', 2, '60m'],
        ['o', 'Opaque', 1, '60m'],
      ],
    );
    assert.deepEqual(
      cells(
        [
          {
            apiVersion: 'coordination.k8s.io/v1',
            kind: 'Lease',
            metadata: meta('leader'),
            spec: { holderIdentity: 'pod-1_abc' },
          },
          { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: meta('free'), spec: {} },
        ],
        builtin('coordination.k8s.io', 'Lease'),
      ),
      [
        ['leader', 'pod-1_abc', '60m'],
        ['free', '', '60m'],
      ],
    );
    const ingressTable = table(
      [
        {
          apiVersion: 'networking.k8s.io/v1',
          kind: 'Ingress',
          metadata: meta('ing'),
          spec: {
            ingressClassName: 'traefik',
            rules: [
              { host: 'a.example.com' },
              { host: 'b.example.com' },
              {},
              { host: 'c.example.com' },
              { host: 'd.example.com' },
            ],
            tls: [{ hosts: ['a.example.com'] }],
          },
          status: { loadBalancer: { ingress: [{ ip: '127.0.0.1' }] } },
        },
        { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: meta('bare'), spec: {} },
      ],
      builtin('networking.k8s.io', 'Ingress'),
    );
    assert.deepEqual(
      ingressTable.columnDefinitions.map((d) => d.name),
      ['Name', 'Class', 'Hosts', 'Address', 'Ports', 'Age'],
    );
    assert.deepEqual(
      ingressTable.rows.map((r) => r.cells),
      [
        [
          'ing',
          'traefik',
          'a.example.com,b.example.com,c.example.com + 2 more...',
          '127.0.0.1',
          '80, 443',
          '60m',
        ],
        ['bare', '<none>', '*', '', '80', '60m'],
      ],
    );
    assert.deepEqual(
      cells(
        [
          {
            apiVersion: 'networking.k8s.io/v1',
            kind: 'IngressClass',
            metadata: { name: 'traefik', creationTimestamp: ago(HOUR) },
            spec: {
              controller: 'traefik.io/ingress-controller',
              parameters: { apiGroup: 'k8s.example.com', kind: 'Params', name: 'p' },
            },
          },
        ],
        builtin('networking.k8s.io', 'IngressClass', false),
      ),
      [['traefik', 'traefik.io/ingress-controller', 'Params.k8s.example.com/p', '60m']],
    );
    assert.deepEqual(
      cells(
        [
          {
            apiVersion: 'discovery.k8s.io/v1',
            kind: 'EndpointSlice',
            metadata: meta('web-abc'),
            addressType: 'IPv4',
            ports: [{ port: 80 }, { name: 'metrics' }],
            endpoints: [
              { addresses: ['10.0.0.1', '10.0.0.2'] },
              { addresses: ['10.0.0.3', '10.0.0.4'] },
            ],
          },
          {
            apiVersion: 'discovery.k8s.io/v1',
            kind: 'EndpointSlice',
            metadata: meta('empty'),
            addressType: 'IPv4',
            endpoints: [],
          },
        ],
        builtin('discovery.k8s.io', 'EndpointSlice'),
      ),
      [
        ['web-abc', 'IPv4', '80,metrics', '10.0.0.1,10.0.0.2,10.0.0.3 + 1 more...', '60m'],
        ['empty', 'IPv4', '<unset>', '<unset>', '60m'],
      ],
    );
  });

  it('Events of both API groups, with the wide columns', () => {
    const core: KubeObject = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'web.1', namespace: 'default' },
      involvedObject: { kind: 'Deployment', name: 'web', fieldPath: 'spec' },
      reason: 'ScalingReplicaSet',
      message: ' Scaled up \n',
      type: 'Normal',
      source: { component: 'deployment-controller' },
      firstTimestamp: ago(10 * MIN),
      lastTimestamp: ago(MIN * 3),
      count: 4,
    };
    const modern: KubeObject = {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name: 'web.2', namespace: 'default' },
      eventTime: ago(30_000),
      regarding: { kind: 'MCPServer', name: 'weather' },
      reason: 'Reconciled',
      note: 'done',
      type: 'Normal',
      reportingController: 'mcp-operator',
      reportingInstance: 'pod-1',
    };
    const t = table([core, modern], builtin('events.k8s.io', 'Event'));
    assert.deepEqual(
      t.columnDefinitions.map((d) => [d.name, d.priority]),
      [
        ['Last Seen', 0],
        ['Type', 0],
        ['Reason', 0],
        ['Object', 0],
        ['Subobject', 1],
        ['Source', 1],
        ['Message', 0],
        ['First Seen', 1],
        ['Count', 1],
        ['Name', 1],
      ],
    );
    assert.deepEqual(
      t.rows.map((r) => r.cells),
      [
        [
          '3m',
          'Normal',
          'ScalingReplicaSet',
          'deployment/web',
          'spec',
          'deployment-controller',
          'Scaled up',
          '10m',
          4,
          'web.1',
        ],
        [
          '30s',
          'Normal',
          'Reconciled',
          'mcpserver/weather',
          '',
          'mcp-operator, pod-1',
          'done',
          '30s',
          1,
          'web.2',
        ],
      ],
    );
  });

  it('Pod: Ready Status Restarts Age and the wide columns', () => {
    const pod: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web-1', namespace: 'default', creationTimestamp: ago(HOUR) },
      spec: { nodeName: 'node-a', containers: [{ name: 'a' }, { name: 'b' }] },
      status: {
        phase: 'Running',
        podIPs: [{ ip: '10.1.0.5' }],
        containerStatuses: [
          {
            name: 'a',
            ready: true,
            restartCount: 2,
            state: { running: {} },
            lastState: { terminated: { finishedAt: ago(5 * MIN) } },
          },
          {
            name: 'b',
            ready: false,
            restartCount: 0,
            state: { waiting: { reason: 'CrashLoopBackOff' } },
          },
        ],
      },
    };
    const done: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'job-1', namespace: 'default', creationTimestamp: ago(HOUR) },
      spec: { containers: [{ name: 'a' }] },
      status: {
        phase: 'Succeeded',
        containerStatuses: [
          { name: 'a', state: { terminated: { exitCode: 0, reason: 'Completed' } } },
        ],
      },
    };
    const t = table([pod, done], builtin('', 'Pod'));
    assert.deepEqual(t.rows[0]!.cells, [
      'web-1',
      '1/2',
      'CrashLoopBackOff',
      '2 (5m ago)',
      '60m',
      '10.1.0.5',
      'node-a',
      '<none>',
      '<none>',
    ]);
    assert.deepEqual(t.rows[1]!.cells, [
      'job-1',
      '0/1',
      'Completed',
      '0',
      '60m',
      '<none>',
      '<none>',
      '<none>',
      '<none>',
    ]);
    assert.equal(t.rows[0]!.conditions, undefined);
    assert.deepEqual(t.rows[1]!.conditions, [
      {
        type: 'Completed',
        status: 'True',
        reason: 'Succeeded',
        message: 'The pod has completed successfully.',
      },
    ]);
  });

  it('CustomResourceDefinitions (no printer of their own): Name and Created At', () => {
    const crd = mcpServerCRD() as unknown as KubeObject;
    crd.metadata.creationTimestamp = '2026-02-28T11:59:00Z';
    const t = table([crd], builtin('apiextensions.k8s.io', 'CustomResourceDefinition', false));
    assert.deepEqual(
      t.columnDefinitions.map((d) => [d.name, d.type, d.format]),
      [
        ['Name', 'string', 'name'],
        ['Created At', 'date', ''],
      ],
    );
    assert.deepEqual(t.rows[0]!.cells, ['mcpservers.mcpruntime.org', '2026-02-28T11:59:00Z']);
  });
});
