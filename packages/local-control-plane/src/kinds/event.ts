// Events, served as core/v1 and as events.k8s.io/v1 from one storage (the
// core `events` resource, as kube-apiserver's cohabitating resources): the
// conversion between the two versions, their field selectors and the printer
// both share.
import { at, NAME_AND_NAMESPACE, only, type Getter } from './field-labels.ts';
import type { KubeObject } from '../types.ts';
import { isObject, type JsonObject } from '@mcp-operator/kube-core/json';
import { column, get, int, nameColumn, since, str, type Printer, type Row } from './print.ts';
import { kindStrategy } from './strategy.ts';

/**
 * events.k8s.io/v1 field ↔ core/v1 field, as pkg/apis/events/v1/conversion.go
 * converts them (the rest of the fields share their names). Listed in the Go
 * structs' field order so converted objects read like the real ones.
 */
const EVENT_FIELDS: readonly (readonly [eventsV1: string, coreV1: string])[] = [
  ['eventTime', 'eventTime'],
  ['series', 'series'],
  ['reportingController', 'reportingComponent'],
  ['reportingInstance', 'reportingInstance'],
  ['action', 'action'],
  ['reason', 'reason'],
  ['regarding', 'involvedObject'],
  ['related', 'related'],
  ['note', 'message'],
  ['type', 'type'],
  ['deprecatedSource', 'source'],
  ['deprecatedFirstTimestamp', 'firstTimestamp'],
  ['deprecatedLastTimestamp', 'lastTimestamp'],
  ['deprecatedCount', 'count'],
];
const CORE_EVENT_ORDER = [
  'involvedObject',
  'reason',
  'message',
  'source',
  'firstTimestamp',
  'lastTimestamp',
  'count',
  'type',
  'eventTime',
  'series',
  'action',
  'related',
  'reportingComponent',
  'reportingInstance',
];

/**
 * An events.k8s.io/v1 Event as core/v1 (Convert_v1_Event_To_core_Event, then
 * core to v1): note → message, regarding → involvedObject, reportingController
 * → reportingComponent, deprecatedSource/FirstTimestamp/LastTimestamp/Count →
 * source/firstTimestamp/lastTimestamp/count; eventTime, series, action, reason,
 * related, reportingInstance and type as they are. Fields neither version has
 * are dropped, as a typed decode drops them.
 */
function eventToCore(event: KubeObject): KubeObject {
  const from = event as unknown as JsonObject;
  const mapped: JsonObject = {};
  for (const [v1, core] of EVENT_FIELDS) if (from[v1] !== undefined) mapped[core] = from[v1];
  const out: JsonObject = { apiVersion: 'v1', kind: 'Event', metadata: event.metadata };
  for (const field of CORE_EVENT_ORDER) if (mapped[field] !== undefined) out[field] = mapped[field];
  return out as unknown as KubeObject;
}

/** A core/v1 Event as events.k8s.io/v1 (Convert_core_Event_To_v1_Event): the inverse of eventToCore. */
function eventFromCore(event: KubeObject): KubeObject {
  const from = event as unknown as JsonObject;
  const out: JsonObject = {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: event.metadata,
  };
  for (const [v1, core] of EVENT_FIELDS) if (from[core] !== undefined) out[v1] = from[core];
  return out as unknown as KubeObject;
}

/** The core/v1 view of an Event of either API group, as the internal type holds it. */
function coreView(obj: KubeObject): JsonObject {
  return obj.apiVersion === 'events.k8s.io/v1' ? eventToCore(obj) : obj;
}

function eventRow(obj: KubeObject, now: Date): Row {
  const e = coreView(obj);
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

/** The core Event's selectable fields; `source` falls back to reportingComponent, as ToSelectableFields does. */
const CORE_EVENT_FIELDS: Record<string, Getter> = {
  ...NAME_AND_NAMESPACE,
  'involvedObject.kind': at('involvedObject', 'kind'),
  'involvedObject.namespace': at('involvedObject', 'namespace'),
  'involvedObject.name': at('involvedObject', 'name'),
  'involvedObject.uid': at('involvedObject', 'uid'),
  'involvedObject.apiVersion': at('involvedObject', 'apiVersion'),
  'involvedObject.resourceVersion': at('involvedObject', 'resourceVersion'),
  'involvedObject.fieldPath': at('involvedObject', 'fieldPath'),
  reason: at('reason'),
  reportingComponent: at('reportingComponent'),
  source: (obj) => at('source', 'component')(obj) || at('reportingComponent')(obj),
  type: at('type'),
};

/**
 * events.k8s.io/v1's labels (pkg/apis/events/v1/conversion.go), mapped onto
 * the core fields the shared storage holds.
 */
const EVENTS_V1_LABELS: Record<string, string> = {
  reason: 'reason',
  'regarding.kind': 'involvedObject.kind',
  'regarding.namespace': 'involvedObject.namespace',
  'regarding.name': 'involvedObject.name',
  'regarding.uid': 'involvedObject.uid',
  'regarding.apiVersion': 'involvedObject.apiVersion',
  'regarding.resourceVersion': 'involvedObject.resourceVersion',
  'regarding.fieldPath': 'involvedObject.fieldPath',
  reportingController: 'reportingComponent',
  source: 'source',
  type: 'type',
  'metadata.namespace': 'metadata.namespace',
  'metadata.name': 'metadata.name',
};

export const coreEvent = kindStrategy(
  '',
  'v1',
  'Event',
  'events',
  { openapi: 'io.k8s.api.core.v1.Event', protobuf: 'k8s.io.api.core.v1.Event' },
  {
    shortNames: ['ev'],
    nameRule: 'path-segment',
    printer: EVENT_PRINTER,
    selectableFields: only(CORE_EVENT_FIELDS),
  },
);

export const eventsEvent = kindStrategy(
  'events.k8s.io',
  'v1',
  'Event',
  'events',
  { openapi: 'io.k8s.api.events.v1.Event', protobuf: 'k8s.io.api.events.v1.Event' },
  {
    shortNames: ['ev'],
    nameRule: 'path-segment',
    storedAs: { group: '', plural: 'events', toStorage: eventToCore, fromStorage: eventFromCore },
    printer: EVENT_PRINTER,
    selectableFields: only(
      Object.fromEntries(
        Object.entries(EVENTS_V1_LABELS).map(([label, core]) => [label, CORE_EVENT_FIELDS[core]!]),
      ),
    ),
  },
);
