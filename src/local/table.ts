// meta.k8s.io/v1 Table output (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`),
// rendered as kube-apiserver renders it: the apiextensions table convertor for
// custom resources (Name + additionalPrinterColumns), the server-side printers
// for built-ins (always with the wide columns; kubectl hides priority > 0), and
// the default convertor (Name, Created At) for everything else.
import { goJson, goNumber } from '../kube/go-format.ts';
import { clone, isObject } from '../kube/json.ts';
import { eventToCore } from './builtins.ts';
import { evaluateJsonPath } from './jsonpath.ts';
import { isQualifiedName, isValidLabelValue } from '../kube/names.ts';
import type { KubeObject, PrinterColumn, ResourceType } from './types.ts';

export interface TableOptions {
  includeObject: 'None' | 'Metadata' | 'Object';
  now: Date;
}

interface ColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

type Cell = string | number | boolean | null;

type Row = { cells: Cell[]; conditions?: Record<string, string>[] };

interface Printer {
  columns: ColumnDefinition[];
  row: (obj: KubeObject, now: Date) => Row;
}

// ---- durations and timestamps ----------------------------------------------

/** Human durations as kubectl shows them (e.g. 45s, 5m, 3h20m, 2d), for Age cells. */
export function humanDuration(ms: number): string {
  // Integer divisions truncate toward zero, as Go's do.
  const seconds = Math.trunc(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.trunc(ms / 60_000);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.trunc(ms / 3_600_000);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.trunc(hours / 24)}d` : `${Math.trunc(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const days = Math.trunc(hours / 24) % 365;
    const years = Math.trunc(hours / 24 / 365);
    return days === 0 ? `${years}y` : `${years}y${days}d`;
  }
  return `${Math.trunc(hours / 24 / 365)}y`;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** Go's time.Parse(time.RFC3339, s) in milliseconds, or undefined when it would fail. */
function parseRFC3339(s: string): number | undefined {
  const m = RFC3339.exec(s);
  if (!m) return undefined;
  const [mo, d, h, mi, sec] = m.slice(2, 7).map(Number) as [number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 59) {
    return undefined;
  }
  const ms = Date.parse(s);
  return Number.isNaN(ms) ? undefined : ms;
}

/** translateTimestampSince: "<unknown>" for an unset time. */
function since(timestamp: unknown, now: Date): string {
  if (typeof timestamp !== 'string' || !timestamp) return '<unknown>';
  const ms = parseRFC3339(timestamp);
  return ms === undefined ? '<unknown>' : humanDuration(now.getTime() - ms);
}

// ---- reading JSON ----------------------------------------------------------

type Json = Record<string, unknown>;

function get(node: unknown, ...path: (string | number)[]): unknown {
  let cur = node;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Json)[key as string];
  }
  return cur;
}

const str = (v: unknown, fallback = ''): string => (typeof v === 'string' ? v : fallback);
const int = (v: unknown, fallback = 0): number =>
  typeof v === 'number' && Number.isFinite(v) ? Math.trunc(v) : fallback;
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const keys = (v: unknown): string[] => (isObject(v) ? Object.keys(v) : []);

// ---- Go value printing (jsonpath's PrintResults) ----------------------------

function printValue(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'number') return goNumber(v);
  if (typeof v === 'object' && v !== null) return goJson(v);
  return null;
}

// ---- custom resources (apiextensions table convertor) ----------------------

const NAME_DESCRIPTION =
  'Name must be unique within a namespace; it is the identifier clients use to refer to the object.';
const CREATION_DESCRIPTION =
  'CreationTimestamp is the server time, in RFC 3339 form and UTC, at which the object was created.';

const nameColumn = (): ColumnDefinition => ({
  name: 'Name',
  type: 'string',
  format: 'name',
  description: NAME_DESCRIPTION,
  priority: 0,
});

const column = (name: string, description: string, priority = 0, type = 'string') => ({
  name,
  type,
  format: '',
  description,
  priority,
});

const ageColumn = () => column('Age', CREATION_DESCRIPTION);

/** CRD versions without printer columns are served with a single Age column. */
const DEFAULT_CRD_COLUMNS: PrinterColumn[] = [
  {
    name: 'Age',
    type: 'date',
    jsonPath: '.metadata.creationTimestamp',
    description: CREATION_DESCRIPTION,
  },
];

function cellForColumn(col: PrinterColumn, obj: KubeObject, now: Date): Cell {
  let results: unknown[];
  try {
    results = evaluateJsonPath(obj, col.jsonPath);
  } catch {
    return null;
  }
  // Only the first match is shown; a missing value is a null cell, blank in kubectl.
  if (!results.length || results[0] === undefined || results[0] === null) return null;
  const value = results[0];
  switch (col.type) {
    case 'string':
      return printValue(value);
    case 'integer':
      return typeof value === 'number' ? Math.trunc(value) : null;
    case 'number':
      return typeof value === 'number' ? value : null;
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    case 'date': {
      if (typeof value !== 'string') return null;
      if (value === '' || value === 'null') return '<unknown>';
      const ms = parseRFC3339(value);
      return ms === undefined ? '<invalid>' : humanDuration(now.getTime() - ms);
    }
    default:
      return null;
  }
}

function customResourcePrinter(type: ResourceType): Printer {
  const columns = type.printerColumns?.length ? type.printerColumns : DEFAULT_CRD_COLUMNS;
  return {
    columns: [
      nameColumn(),
      ...columns.map((c) => ({
        name: c.name,
        type: c.type,
        format: c.format ?? '',
        description:
          c.description || `Custom resource definition column (in JSONPath format): ${c.jsonPath}`,
        priority: c.priority ?? 0,
      })),
    ],
    row: (obj, now) => ({
      cells: [obj.metadata.name ?? '', ...columns.map((c) => cellForColumn(c, obj, now))],
    }),
  };
}

const defaultPrinter: Printer = {
  columns: [nameColumn(), { ...column('Created At', CREATION_DESCRIPTION), type: 'date' }],
  row: (obj) => {
    const ms = parseRFC3339(str(obj.metadata.creationTimestamp));
    // A zero time prints as Go's zero time in RFC 3339.
    const created =
      ms === undefined
        ? '0001-01-01T00:00:00Z'
        : new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
    return { cells: [obj.metadata.name ?? '', created] };
  },
};

// ---- built-in printers -----------------------------------------------------

/** labels.FormatLabels: sorted k=v pairs, "<none>" when empty. */
function formatLabels(map: unknown): string {
  const pairs = keys(map)
    .sort()
    .map((k) => `${k}=${str((map as Json)[k])}`);
  return pairs.length ? pairs.join(',') : '<none>';
}

/** metav1.LabelSelectorAsSelector(...).String(); "<invalid>" when it would not convert. */
export function formatSelector(selector: unknown): string {
  if (!selector || typeof selector !== 'object') return '';
  const reqs: { key: string; text: string }[] = [];
  const matchLabels = (get(selector, 'matchLabels') ?? {}) as Json;
  for (const key of keys(matchLabels)) {
    const value = str(matchLabels[key]);
    if (isQualifiedName(key).length || isValidLabelValue(value).length) return '<invalid>';
    reqs.push({ key, text: `${key}=${value}` });
  }
  for (const expr of list(get(selector, 'matchExpressions'))) {
    const key = str(get(expr, 'key'));
    const values = list(get(expr, 'values')).map((v) => str(v));
    if (isQualifiedName(key).length || values.some((v) => isValidLabelValue(v).length)) {
      return '<invalid>';
    }
    const set = `(${[...values].sort().join(',')})`;
    switch (get(expr, 'operator')) {
      case 'In':
        if (!values.length) return '<invalid>';
        reqs.push({ key, text: `${key} in ${set}` });
        break;
      case 'NotIn':
        if (!values.length) return '<invalid>';
        reqs.push({ key, text: `${key} notin ${set}` });
        break;
      case 'Exists':
        reqs.push({ key, text: key });
        break;
      case 'DoesNotExist':
        reqs.push({ key, text: `!${key}` });
        break;
      default:
        return '<invalid>';
    }
  }
  return reqs
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((r) => r.text)
    .join(',');
}

function containerCells(podSpec: unknown): [string, string] {
  const containers = list(get(podSpec, 'containers'));
  return [
    containers.map((c) => str(get(c, 'name'))).join(','),
    containers.map((c) => str(get(c, 'image'))).join(','),
  ];
}

/** IPs or hostnames of load-balancer ingress points, sorted and de-duplicated. */
function loadBalancerAddresses(status: unknown): string {
  const found = new Set<string>();
  for (const ing of list(get(status, 'loadBalancer', 'ingress'))) {
    const ip = str(get(ing, 'ip'));
    const hostname = str(get(ing, 'hostname'));
    if (ip) found.add(ip);
    else if (hostname) found.add(hostname);
  }
  return [...found].sort().join(',');
}

function serviceExternalIP(obj: KubeObject): string {
  const spec = obj.spec;
  const externalIPs = list(get(spec, 'externalIPs')).map((v) => str(v));
  switch (str(get(spec, 'type'), 'ClusterIP')) {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancerAddresses(obj.status);
      if (externalIPs.length) return [...(lb ? lb.split(',') : []), ...externalIPs].join(',');
      return lb || '<pending>';
    }
    case 'ExternalName':
      return str(get(spec, 'externalName'));
    default:
      return '<unknown>';
  }
}

function servicePorts(spec: unknown): string {
  const pieces = list(get(spec, 'ports')).map((p) => {
    const protocol = str(get(p, 'protocol'), 'TCP');
    const nodePort = int(get(p, 'nodePort'));
    const port = int(get(p, 'port'));
    return nodePort > 0 ? `${port}:${nodePort}/${protocol}` : `${port}/${protocol}`;
  });
  return pieces.length ? pieces.join(',') : '<none>';
}

function ingressHosts(spec: unknown): string {
  const rules = list(get(spec, 'rules'));
  const max = 3;
  const hosts: string[] = [];
  let more = false;
  for (const rule of rules) {
    if (hosts.length === max) more = true;
    const host = str(get(rule, 'host'));
    if (!more && host) hosts.push(host);
  }
  if (!hosts.length) return '*';
  return more ? `${hosts.join(',')} + ${rules.length - max} more...` : hosts.join(',');
}

/** At most three entries, then " + N more..."; "<unset>" when empty. */
function listWithMore(items: string[], total: number): string {
  const max = 3;
  const shown = items.slice(0, max).join(',');
  if (total > max) return `${shown} + ${total - max} more...`;
  return shown || '<unset>';
}

function endpointSlicePorts(obj: KubeObject): string {
  const ports = list(obj.ports).map((p) => {
    const port = get(p, 'port');
    if (typeof port === 'number') return String(port);
    const name = get(p, 'name');
    return typeof name === 'string' ? name : '<unset>';
  });
  return listWithMore(ports, ports.length);
}

function endpointSliceEndpoints(obj: KubeObject): string {
  const addresses = list(obj.endpoints).flatMap((e) =>
    list(get(e, 'addresses')).map((a) => str(a)),
  );
  return listWithMore(addresses, addresses.length);
}

/** The core/v1 view of an Event of either API group, as the internal type holds it. */
function coreEvent(obj: KubeObject): Json {
  return obj.apiVersion === 'events.k8s.io/v1' ? eventToCore(obj) : obj;
}

function eventRow(obj: KubeObject, now: Date): Row {
  const e = coreEvent(obj);
  const first = e.firstTimestamp ? since(e.firstTimestamp, now) : since(e.eventTime, now);
  let last = e.lastTimestamp ? since(e.lastTimestamp, now) : first;
  let count = int(e.count);
  if (isObject(e.series)) {
    last = since(get(e.series, 'lastObservedTime'), now);
    count = int(get(e.series, 'count'));
  } else if (count === 0) {
    count = 1; // singleton events carry no count in the new API
  }
  const kind = str(get(e.involvedObject, 'kind')).toLowerCase();
  const name = str(get(e.involvedObject, 'name'));
  const component = str(get(e.source, 'component')) || str(e.reportingComponent);
  const instance = str(get(e.source, 'host')) || str(e.reportingInstance);
  return {
    cells: [
      last,
      str(e.type),
      str(e.reason),
      name ? `${kind}/${name}` : kind,
      str(get(e.involvedObject, 'fieldPath')),
      instance ? `${component}, ${instance}` : component,
      str(e.message).trim(),
      first,
      count,
      obj.metadata.name ?? '',
    ],
  };
}

function laterTime(a: number | undefined, b: unknown): number | undefined {
  const t = typeof b === 'string' ? parseRFC3339(b) : undefined;
  if (t === undefined) return a;
  return a === undefined || t > a ? t : a;
}

/** printPod: ready count, the status reason kubectl shows, restarts with the last restart age. */
function podRow(obj: KubeObject, now: Date): Row {
  const spec = obj.spec;
  const status = obj.status;
  const phase = str(get(status, 'phase'));
  let reason = str(get(status, 'reason')) || phase;
  for (const c of list(get(status, 'conditions'))) {
    if (get(c, 'type') === 'PodScheduled' && get(c, 'reason') === 'SchedulingGated') {
      reason = 'SchedulingGated';
    }
  }
  const initSpecs = list(get(spec, 'initContainers'));
  const restartable = new Set(
    initSpecs.filter((c) => get(c, 'restartPolicy') === 'Always').map((c) => str(get(c, 'name'))),
  );
  let total = list(get(spec, 'containers')).length + restartable.size;
  let ready = 0;
  let restarts = 0;
  let sidecarRestarts = 0;
  let lastRestart: number | undefined;
  let lastSidecarRestart: number | undefined;
  let initializing = false;
  const initStatuses = list(get(status, 'initContainerStatuses'));
  for (const [i, c] of initStatuses.entries()) {
    const isSidecar = restartable.has(str(get(c, 'name')));
    restarts += int(get(c, 'restartCount'));
    lastRestart = laterTime(lastRestart, get(c, 'lastState', 'terminated', 'finishedAt'));
    if (isSidecar) {
      sidecarRestarts += int(get(c, 'restartCount'));
      lastSidecarRestart = laterTime(
        lastSidecarRestart,
        get(c, 'lastState', 'terminated', 'finishedAt'),
      );
    }
    const terminated = get(c, 'state', 'terminated');
    const waitingReason = str(get(c, 'state', 'waiting', 'reason'));
    if (terminated && int(get(terminated, 'exitCode')) === 0) continue;
    if (isSidecar && get(c, 'started') === true) {
      if (get(c, 'ready') === true) ready++;
      continue;
    }
    if (terminated) {
      const why = str(get(terminated, 'reason'));
      const signal = int(get(terminated, 'signal'));
      reason = why
        ? `Init:${why}`
        : signal
          ? `Init:Signal:${signal}`
          : `Init:ExitCode:${int(get(terminated, 'exitCode'))}`;
    } else if (waitingReason && waitingReason !== 'PodInitializing') {
      reason = `Init:${waitingReason}`;
    } else {
      reason = `Init:${i}/${initSpecs.length}`;
    }
    initializing = true;
    break;
  }
  const initialized = list(get(status, 'conditions')).some(
    (c) => get(c, 'type') === 'Initialized' && get(c, 'status') === 'True',
  );
  if (!initializing || initialized) {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    const statuses = list(get(status, 'containerStatuses'));
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i];
      restarts += int(get(c, 'restartCount'));
      lastRestart = laterTime(lastRestart, get(c, 'lastState', 'terminated', 'finishedAt'));
      const waiting = str(get(c, 'state', 'waiting', 'reason'));
      const terminated = get(c, 'state', 'terminated');
      if (waiting) reason = waiting;
      else if (terminated && str(get(terminated, 'reason'))) {
        reason = str(get(terminated, 'reason'));
      } else if (terminated) {
        const signal = int(get(terminated, 'signal'));
        reason = signal ? `Signal:${signal}` : `ExitCode:${int(get(terminated, 'exitCode'))}`;
      } else if (get(c, 'ready') === true && get(c, 'state', 'running')) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) {
      const podReady = list(get(status, 'conditions')).some(
        (c) => get(c, 'type') === 'Ready' && get(c, 'status') === 'True',
      );
      reason = podReady ? 'Running' : 'NotReady';
    }
  }
  if (obj.metadata.deletionTimestamp && get(status, 'reason') === 'NodeLost') reason = 'Unknown';
  else if (obj.metadata.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed') {
    reason = 'Terminating';
  }
  const restartText =
    restarts !== 0 && lastRestart !== undefined
      ? `${restarts} (${humanDuration(now.getTime() - lastRestart)} ago)`
      : String(restarts);
  const gates = list(get(spec, 'readinessGates'));
  let gatesText = '<none>';
  if (gates.length) {
    const conditions = list(get(status, 'conditions'));
    const passed = gates.filter((g) => {
      const c = conditions.find((x) => get(x, 'type') === get(g, 'conditionType'));
      return c !== undefined && get(c, 'status') === 'True';
    }).length;
    gatesText = `${passed}/${gates.length}`;
  }
  total = Math.max(total, 0);
  const row: Row = {
    cells: [
      obj.metadata.name ?? '',
      `${ready}/${total}`,
      reason,
      restartText,
      since(obj.metadata.creationTimestamp, now),
      str(get(status, 'podIPs', 0, 'ip')) || '<none>',
      str(get(spec, 'nodeName')) || '<none>',
      str(get(status, 'nominatedNodeName')) || '<none>',
      gatesText,
    ],
  };
  if (phase === 'Succeeded' || phase === 'Failed') {
    row.conditions = [
      {
        type: 'Completed',
        status: 'True',
        reason: phase,
        message: phase === 'Succeeded' ? 'The pod has completed successfully.' : 'The pod failed.',
      },
    ];
  }
  return row;
}

const CONTAINERS = 'Names of each container in the template.';
const IMAGES = 'Images referenced by each container in the template.';

const BUILTIN_PRINTERS: Record<string, Printer> = {
  'apps/Deployment': {
    columns: [
      nameColumn(),
      column('Ready', 'Number of the pod with ready state'),
      column(
        'Up-to-date',
        'Total number of pods targeted by this deployment with the newest spec.',
      ),
      column('Available', 'Total number of pods available to this deployment.'),
      ageColumn(),
      column('Containers', CONTAINERS, 1),
      column('Images', IMAGES, 1),
      column('Selector', 'Label selector for the pods of this deployment.', 1),
    ],
    row: (obj, now) => {
      const [names, images] = containerCells(get(obj.spec, 'template', 'spec'));
      return {
        cells: [
          obj.metadata.name ?? '',
          `${int(get(obj.status, 'readyReplicas'))}/${int(get(obj.spec, 'replicas'), 1)}`,
          int(get(obj.status, 'updatedReplicas')),
          int(get(obj.status, 'availableReplicas')),
          since(obj.metadata.creationTimestamp, now),
          names,
          images,
          formatSelector(get(obj.spec, 'selector')),
        ],
      };
    },
  },
  '/Service': {
    columns: [
      nameColumn(),
      column('Type', 'How the service is exposed.'),
      column('Cluster-IP', 'The IP address of the service inside the cluster.'),
      column('External-IP', 'IP addresses on which nodes also accept traffic for the service.'),
      column('Port(s)', 'The ports the service exposes.'),
      ageColumn(),
      column('Selector', 'Pods with labels matching this selector receive the traffic.', 1),
    ],
    row: (obj, now) => ({
      cells: [
        obj.metadata.name ?? '',
        str(get(obj.spec, 'type'), 'ClusterIP'),
        str(get(obj.spec, 'clusterIPs', 0)) || str(get(obj.spec, 'clusterIP')) || '<none>',
        serviceExternalIP(obj),
        servicePorts(obj.spec),
        since(obj.metadata.creationTimestamp, now),
        formatLabels(get(obj.spec, 'selector')),
      ],
    }),
  },
  'networking.k8s.io/Ingress': {
    columns: [
      nameColumn(),
      column(
        'Class',
        'The name of the IngressClass resource that should be used for additional configuration',
      ),
      column('Hosts', 'Hosts that incoming requests are matched against before the ingress rule'),
      column('Address', 'Address is a list containing ingress points for the load-balancer'),
      column('Ports', 'Ports of TLS configurations that open'),
      ageColumn(),
    ],
    row: (obj, now) => ({
      cells: [
        obj.metadata.name ?? '',
        str(get(obj.spec, 'ingressClassName'), '<none>'),
        ingressHosts(obj.spec),
        loadBalancerAddresses(obj.status),
        list(get(obj.spec, 'tls')).length ? '80, 443' : '80',
        since(obj.metadata.creationTimestamp, now),
      ],
    }),
  },
  'networking.k8s.io/IngressClass': {
    columns: [
      nameColumn(),
      column('Controller', 'Controller that is responsible for handling this class'),
      column('Parameters', 'A reference to a resource with additional parameters'),
      ageColumn(),
    ],
    row: (obj, now) => {
      const params = get(obj.spec, 'parameters');
      let parameters = '<none>';
      if (isObject(params)) {
        const group = get(params, 'apiGroup');
        parameters = `${str(get(params, 'kind'))}${typeof group === 'string' ? `.${group}` : ''}/${str(get(params, 'name'))}`;
      }
      return {
        cells: [
          obj.metadata.name ?? '',
          str(get(obj.spec, 'controller')),
          parameters,
          since(obj.metadata.creationTimestamp, now),
        ],
      };
    },
  },
  '/Namespace': {
    columns: [nameColumn(), column('Status', 'The status of the namespace'), ageColumn()],
    row: (obj, now) => ({
      cells: [
        obj.metadata.name ?? '',
        str(get(obj.status, 'phase'), 'Active'),
        since(obj.metadata.creationTimestamp, now),
      ],
    }),
  },
  '/ConfigMap': {
    columns: [nameColumn(), column('Data', 'The number of data and binaryData keys.'), ageColumn()],
    row: (obj, now) => ({
      cells: [
        obj.metadata.name ?? '',
        keys(obj.data).length + keys(obj.binaryData).length,
        since(obj.metadata.creationTimestamp, now),
      ],
    }),
  },
  '/Secret': {
    columns: [
      nameColumn(),
      column('Type', 'Used to facilitate programmatic handling of secret data.'),
      column('Data', 'The number of data keys.'),
      ageColumn(),
    ],
    row: (obj, now) => ({
      cells: [
        obj.metadata.name ?? '',
        str(obj.type, 'Opaque'),
        // stringData is merged into data on write; count both in case it was not.
        new Set([...keys(obj.data), ...keys(obj.stringData)]).size,
        since(obj.metadata.creationTimestamp, now),
      ],
    }),
  },
  'coordination.k8s.io/Lease': {
    columns: [
      nameColumn(),
      column('Holder', 'The identity of the holder of the lease.'),
      ageColumn(),
    ],
    row: (obj, now) => ({
      cells: [
        obj.metadata.name ?? '',
        str(get(obj.spec, 'holderIdentity')),
        since(obj.metadata.creationTimestamp, now),
      ],
    }),
  },
  'discovery.k8s.io/EndpointSlice': {
    columns: [
      nameColumn(),
      column('AddressType', 'The type of address carried by this slice.'),
      column('Ports', 'The network ports exposed by each endpoint.'),
      column('Endpoints', 'The addresses of the endpoints in this slice.'),
      ageColumn(),
    ],
    row: (obj, now) => ({
      cells: [
        obj.metadata.name ?? '',
        str(obj.addressType),
        endpointSlicePorts(obj),
        endpointSliceEndpoints(obj),
        since(obj.metadata.creationTimestamp, now),
      ],
    }),
  },
  '/Pod': {
    columns: [
      nameColumn(),
      column('Ready', 'The aggregate readiness state of this pod for accepting traffic.'),
      column('Status', 'The aggregate status of the containers in this pod.'),
      column(
        'Restarts',
        'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.',
      ),
      ageColumn(),
      column('IP', 'The IP address allocated to the pod.', 1),
      column('Node', 'The node the pod is scheduled onto.', 1),
      column('Nominated Node', 'The node the pod is nominated to run on after preemption.', 1),
      column('Readiness Gates', 'Readiness gates that have passed, of those declared.', 1),
    ],
    row: podRow,
  },
};

const EVENT_PRINTER: Printer = {
  columns: [
    column('Last Seen', 'The time at which the most recent occurrence of this event was recorded.'),
    column('Type', 'Type of this event (Normal, Warning).'),
    column('Reason', 'A short, machine understandable reason for the event.'),
    column('Object', 'The object this event is about.'),
    column('Subobject', 'The part of the object the event is about.', 1),
    column('Source', 'The component reporting this event.', 1),
    column('Message', 'A human-readable description of the event.'),
    column('First Seen', 'The time at which the event was first recorded.', 1),
    column('Count', 'The number of times this event has occurred.', 1),
    { ...nameColumn(), priority: 1 },
  ],
  row: eventRow,
};
BUILTIN_PRINTERS['/Event'] = EVENT_PRINTER;
BUILTIN_PRINTERS['events.k8s.io/Event'] = EVENT_PRINTER;

function printerFor(type: ResourceType): Printer {
  if (!type.builtin) return customResourcePrinter(type);
  return BUILTIN_PRINTERS[`${type.group}/${type.kind}`] ?? defaultPrinter;
}

function rowObject(obj: KubeObject, includeObject: TableOptions['includeObject']): unknown {
  switch (includeObject) {
    case 'None':
      return null;
    case 'Object':
      return clone(obj);
    default:
      return {
        kind: 'PartialObjectMetadata',
        apiVersion: 'meta.k8s.io/v1',
        metadata: clone(obj.metadata),
      };
  }
}

/**
 * A meta.k8s.io/v1 Table for objects of one type: CRDs → Name + printer columns
 * (priority carried in columnDefinitions); built-ins → their kube columns;
 * others → Name, Created At. Row objects follow `includeObject` (Metadata →
 * PartialObjectMetadata, None → null, Object → the object).
 */
export function toTable(
  objects: KubeObject[],
  type: ResourceType,
  listMeta: { resourceVersion: string; continue?: string },
  options: TableOptions,
): Record<string, unknown> {
  const printer = printerFor(type);
  const metadata: Record<string, string> = {};
  if (listMeta.resourceVersion) metadata.resourceVersion = listMeta.resourceVersion;
  if (listMeta.continue) metadata.continue = listMeta.continue;
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata,
    columnDefinitions: printer.columns.map((c) => ({ ...c })),
    rows: objects.map((obj) => {
      const { cells, conditions } = printer.row(obj, options.now);
      return {
        cells,
        ...(conditions ? { conditions } : {}),
        object: rowObject(obj, options.includeObject),
      };
    }),
  };
}
