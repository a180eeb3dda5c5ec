// core/v1 Pod (pkg/registry/core/pod): stored only (nothing runs them), with
// the PodSpec's defaults, kubectl's printPod and the Pod's field selectors.
import { mount } from '../patch/merge-rules.ts';
import type { KubeObject } from '../types.ts';
import { at, NAME_AND_NAMESPACE, only, type Getter } from './field-labels.ts';
import { obj } from './defaulting.ts';
import { defaultPodSpec, podSpec, podStatus } from './pod-template.ts';
import {
  ageColumn,
  column,
  get,
  humanDuration,
  int,
  list,
  nameColumn,
  parseRFC3339,
  since,
  str,
  type Row,
} from './print.ts';
import { kindStrategy } from './strategy.ts';

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

/** The internal Pod's first pod IP, which v1's conversion fills from podIPs or podIP. */
const podIP: Getter = (obj) => {
  const status = obj.status as { podIPs?: unknown; podIP?: unknown } | undefined;
  const first = Array.isArray(status?.podIPs) ? (status.podIPs[0] as { ip?: unknown }) : undefined;
  if (typeof first?.ip === 'string') return first.ip;
  return typeof status?.podIP === 'string' ? status.podIP : undefined;
};

// pkg/apis/core/v1/conversion.go (labels) and pkg/registry/core/*/strategy.go (values).
const POD = only({
  ...NAME_AND_NAMESPACE,
  'spec.nodeName': at('spec', 'nodeName'),
  'spec.restartPolicy': at('spec', 'restartPolicy'),
  'spec.schedulerName': at('spec', 'schedulerName'),
  'spec.serviceAccountName': at('spec', 'serviceAccountName'),
  'spec.hostNetwork': (obj) => String(at('spec', 'hostNetwork')(obj) === 'true'),
  'status.phase': at('status', 'phase'),
  'status.podIP': podIP,
  // Accepted by the conversion function, but not among the selectable fields: reads as "".
  'status.podIPs': () => undefined,
  'status.nominatedNodeName': at('status', 'nominatedNodeName'),
  // Old v1 clients' spelling, converted to spec.nodeName.
  'spec.host': at('spec', 'nodeName'),
});

export const pod = kindStrategy(
  '',
  'v1',
  'Pod',
  'pods',
  { openapi: 'io.k8s.api.core.v1.Pod', protobuf: 'k8s.io.api.core.v1.Pod' },
  {
    shortNames: ['po'],
    categories: ['all'],
    statusSubresource: true,
    tracksGeneration: true,
    returnsDeletedObject: true,
    defaults: (object) => defaultPodSpec(obj(object, 'spec')),
    mergeRules: { ...mount('spec', podSpec), ...mount('status', podStatus) },
    printer: {
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
    selectableFields: POD,
  },
);
