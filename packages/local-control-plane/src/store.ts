// The in-memory store behind the local API server: one global
// resourceVersion, optimistic concurrency, generation, status separation,
// finalizers, patches, server-side apply, and per resource a bounded history
// (kube-apiserver's watch cache) that watches resume from and exact lists
// read, 410 Expired beyond it. Served versions that share a storage
// (events.k8s.io and core Events) are converted on the way in and out.
// It speaks in objects and ApiErrors; http/ turns it into REST.
// It keeps storage, admission (each kind's defaults, validation and write
// hooks) and watch, as kube-apiserver's registries do. What the cluster does
// after a write (CRD registration, namespace deletion, garbage collection) is
// controllers/' work: they follow onChange and use the verbs below, plus
// registerType and unregisterType.
import { randomUUID } from 'node:crypto';
import { clone, deepEqual, isObject } from '@mcp-operator/kube-core/json';
import { unknownConversion } from './conversion.ts';
import { processCustomResource } from './crd-schema.ts';
import { ApiError, deletedStatus, errors } from './errors.ts';
import type { FieldError, Status, SuccessStatus } from './errors.ts';
import {
  BUILTIN_TYPES,
  namespace as namespaceKind,
  strategyFor,
  type KindStrategy,
} from './kinds/index.ts';
import type { WriteContext } from './kinds/strategy.ts';
import { randomSuffix, rfc3339, validateLabelsAndAnnotations, validateName } from './metadata.ts';
import { applyJsonPatch } from './patch/json-patch.ts';
import { goStrings, jsonKind } from '@mcp-operator/kube-core/go-format';
import { recordUpdate, serverSideApply } from './patch/managed-fields.ts';
import { mergeInfoForBuiltin, mergeInfoFromSchema } from './patch/merge-info.ts';
import type { MergeInfo } from './patch/merge-info.ts';
import { applyMergePatch } from './patch/merge-patch.ts';
import { applyStrategicMergePatch } from './patch/strategic-merge-patch.ts';
import {
  SCALE_API_VERSION,
  parentManagedFields,
  replicasPathsOf,
  scaleManagedFields,
} from './patch/scale-fields.ts';
import { parseFieldSelector, parseLabelSelector, selectableFieldsFor } from './selectors.ts';
import { fieldError } from './schema/field.ts';
import { apiVersionOf } from './types.ts';
import type { KubeObject, ManagedFieldsEntry, ResourceType } from './types.ts';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
export interface WatchEvent {
  type: WatchEventType;
  object: KubeObject | Status;
}

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';
export type FieldValidation = 'Ignore' | 'Warn' | 'Strict';

export interface WriteOptions {
  dryRun?: boolean;
  fieldManager?: string;
  fieldValidation?: FieldValidation;
  /** `status` writes only status; `scale` is a main-resource write recorded for the scale subresource. */
  subresource?: 'status' | 'scale';
  force?: boolean;
  /**
   * The caller only reads the answer (serializes it): it may be the stored
   * object itself, where no conversion applies, instead of a copy.
   */
  readOnlyAnswer?: boolean;
}

export interface DeleteOptions {
  dryRun?: boolean;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  preconditions?: { uid?: string; resourceVersion?: string };
}

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  /**
   * Unset: the latest state. "0": any (the latest here). Another value: not
   * older than it, or exactly it with resourceVersionMatch=Exact or with a
   * limit (the legacy rule); exactly is 410 Expired once the history has
   * moved past it.
   */
  resourceVersion?: string;
  resourceVersionMatch?: string;
}

export interface WatchOptions {
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  allowBookmarks?: boolean;
  /**
   * The receiver only reads the events' objects (it serializes them): changes
   * then carry the stored objects themselves where no conversion applies,
   * instead of a copy per watcher.
   */
  readOnly?: boolean;
}

export interface WriteResult {
  object: KubeObject;
  warnings: string[];
  /** 201 for a create (including apply that creates), 200 otherwise (a DELETE too, held or not). */
  code: number;
}

export interface DeleteResult extends WriteResult {
  /**
   * What a DELETE answers: the object while finalizers hold it; once it is
   * gone, the object for kinds whose storage returns deleted objects, else a
   * Success Status naming it (the generic registry's finalizeDelete).
   */
  body: KubeObject | SuccessStatus;
}

export interface ListResult {
  items: KubeObject[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

interface HistoryEntry {
  rv: number;
  /** The storage's type key. */
  typeKey: string;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  /** As stored. */
  object: KubeObject;
  /** The stored object the change replaced (MODIFIED, DELETED): what an exact list from before it reads. */
  previous?: KubeObject;
}

/** One storage's history: a window like kube-apiserver's watch cache for that resource. */
interface History {
  /** The kept events are entries[start..]: dropping the oldest moves `start`, not every entry. */
  entries: HistoryEntry[];
  start: number;
  /** Once events were dropped, the oldest kept event's resourceVersion - 1: anything older is 410 Expired. */
  floor: number;
}

interface Watcher {
  /** The storage's type key. */
  typeKey: string;
  namespace?: string;
  /** Label and field selectors, on the stored object. */
  matches: (stored: KubeObject) => boolean;
  /** The stored object as the watched version shows it. */
  view: (stored: KubeObject) => KubeObject;
  send: (event: WatchEvent) => void;
}

/** A committed change as the store keeps it (the objects as stored: not to be changed). */
export type Change = Pick<HistoryEntry, 'type' | 'object' | 'previous'>;

/**
 * Something that wants every committed change: the cluster's controllers
 * (src/controllers/). Called synchronously after the commit, one change
 * at a time and in commit order: a change a listener commits is delivered
 * once every listener has seen the one before it.
 */
export type ChangeListener = (storage: ResourceType, change: Change) => void;

export interface StoreOptions {
  clock?: () => Date;
  /** How many events the history of each resource keeps (resume points of watches, exact lists). */
  historySize?: number;
  /** Whether a garbage collector works on the objects (see Store.garbageCollection). */
  garbageCollection?: boolean;
  /** Allocate Service cluster IPs. */
  allocateClusterIPs?: boolean;
}

const NO_NAMESPACE = '';

export const typeKeyOf = (type: Pick<ResourceType, 'group' | 'plural'>) =>
  `${type.group}/${type.plural}`;
const objectKey = (namespace: string | undefined, name: string) =>
  `${namespace ?? NO_NAMESPACE}/${name}`;

/** pkg/storage/etcd3/errors.go: an exact list or a continue token past the compacted history. */
const EXPIRED_LIST = 'The resourceVersion for the provided list is too old.';
const INCONSISTENT_CONTINUE =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

/** Everything but metadata (and status where it is a subresource): what bumps generation. */
function specPart(o: KubeObject, statusSubresource: boolean): Record<string, unknown> {
  const { metadata: _m, status, ...rest } = o;
  return statusSubresource ? rest : { ...rest, status };
}

function withoutVolatileMetadata(o: KubeObject): KubeObject {
  const { managedFields: _mf, resourceVersion: _rv, ...metadata } = o.metadata;
  return { ...o, metadata };
}

export class Store {
  readonly #types = new Map<string, ResourceType>();
  readonly #objects = new Map<string, Map<string, KubeObject>>();
  readonly #histories = new Map<string, History>();
  readonly #watchers = new Set<Watcher>();
  readonly #listeners = new Set<ChangeListener>();
  /** Changes not yet delivered to the listeners, and whether a delivery is under way. */
  readonly #undelivered: [ResourceType, HistoryEntry][] = [];
  #delivering = false;
  readonly #clock: () => Date;
  readonly #historySize: number;
  #rv = 1;
  /** Set by compactHistory: every history starts after it. */
  #compactedRV = 1;
  #nextClusterIP = 1;
  /**
   * Whether the garbage collector (controllers/garbage-collector.ts) works on
   * these objects: kube-apiserver's --enable-garbage-collector, which must
   * agree with kube-controller-manager's, so the plane keeps one switch that
   * the collector reads on every pass. Off, DELETE still adds the orphan and
   * foregroundDeletion finalizers and nothing removes them, as on envtest,
   * which runs no controller manager.
   */
  garbageCollection: boolean;
  allocateClusterIPs: boolean;

  constructor(options: StoreOptions = {}) {
    this.#clock = options.clock ?? (() => new Date());
    this.#historySize = options.historySize ?? 5000;
    this.garbageCollection = options.garbageCollection ?? true;
    this.allocateClusterIPs = options.allocateClusterIPs ?? true;
    for (const type of BUILTIN_TYPES) this.#types.set(typeKeyOf(type), type);
    for (const ns of ['default', 'kube-system', 'kube-public', 'mcp-runtime']) {
      this.create(this.#typeOf(namespaceKind), undefined, {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: ns },
      });
    }
  }

  // ---- types ----------------------------------------------------------------

  /** Every served type (built-ins and those registered by CRDs). */
  types(): ResourceType[] {
    return [...this.#types.values()];
  }

  /**
   * Serves a resource that is not built in (what a CRD defines), or replaces
   * its definition; its objects stay. Built-in resources cannot be replaced.
   */
  registerType(type: ResourceType): void {
    const key = typeKeyOf(type);
    if (type.builtin || this.#types.get(key)?.builtin) return;
    this.#types.set(key, type);
  }

  /**
   * Stops serving a resource registered with registerType: its objects go
   * (watchers see each DELETED, finalizers or not) and its storage with them.
   */
  unregisterType(type: Pick<ResourceType, 'group' | 'plural'>): void {
    const key = typeKeyOf(type);
    const served = this.#types.get(key);
    if (!served || served.builtin) return;
    for (const o of [...this.#bucket(served).values()]) this.#commit(served, 'DELETED', clone(o));
    this.#types.delete(key);
    this.#objects.delete(key);
  }

  /** The served type of a built-in kind (always served). */
  #typeOf(kind: KindStrategy): ResourceType {
    return this.#types.get(`${kind.group}/${kind.plural}`)!;
  }

  typeFor(group: string, plural: string, version?: string): ResourceType | undefined {
    const type = this.#types.get(`${group}/${plural}`);
    return type && (version === undefined || type.version === version) ? type : undefined;
  }

  get resourceVersion(): string {
    return String(this.#rv);
  }

  onChange(listener: ChangeListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The type whose storage holds a served type's objects: itself, but for cohabitating resources. */
  #storage(type: ResourceType): ResourceType {
    const shared = strategyFor(type)?.storedAs;
    return (shared && this.#types.get(`${shared.group}/${shared.plural}`)) ?? type;
  }

  /** The types that own a storage: listing each of them sees every object once. */
  storageTypes(): ResourceType[] {
    return this.types().filter((t) => this.#storage(t) === t);
  }

  /** A stored object as a served type shows it (a copy). */
  #toView(type: ResourceType, stored: KubeObject): KubeObject {
    const copy = clone(stored);
    if (this.#storage(type) === type) return copy;
    return strategyFor(type)?.storedAs?.fromStorage(copy) ?? copy;
  }

  /** A stored object for a reader that never changes it: itself where no conversion applies. */
  #toReadOnlyView(type: ResourceType, stored: KubeObject): KubeObject {
    return this.#storage(type) === type ? stored : this.#toView(type, stored);
  }

  /** A write's answer: a copy, or the stored object for a caller that only reads it. */
  #answer(type: ResourceType, stored: KubeObject, options: WriteOptions): KubeObject {
    return options.readOnlyAnswer ? this.#toReadOnlyView(type, stored) : this.#toView(type, stored);
  }

  /** An object of a served type as its storage keeps it (the object itself when no conversion applies). */
  #toStorage(type: ResourceType, object: KubeObject): KubeObject {
    if (this.#storage(type) === type) return object;
    return strategyFor(type)?.storedAs?.toStorage(clone(object)) ?? clone(object);
  }

  /** What a read after the write would show: the object through its storage and back. */
  #roundTrip(type: ResourceType, object: KubeObject): KubeObject {
    return this.#toView(type, this.#toStorage(type, object));
  }

  #bucket(type: ResourceType): Map<string, KubeObject> {
    const key = typeKeyOf(this.#storage(type));
    let bucket = this.#objects.get(key);
    if (!bucket) {
      bucket = new Map();
      this.#objects.set(key, bucket);
    }
    return bucket;
  }

  #mergeInfo(type: ResourceType): MergeInfo {
    return type.builtin
      ? mergeInfoForBuiltin(type.group, type.version, type.kind)
      : mergeInfoFromSchema(type.schema);
  }

  // ---- reads ----------------------------------------------------------------

  get(type: ResourceType, namespace: string | undefined, name: string): KubeObject {
    const found = this.#bucket(type).get(objectKey(this.#ns(type, namespace), name));
    if (!found) throw errors.notFound(type.plural, type.group, name);
    return this.#toView(type, found);
  }

  tryGet(type: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    const found = this.#bucket(type).get(objectKey(this.#ns(type, namespace), name));
    return found && this.#toView(type, found);
  }

  /**
   * An object to read and never change (the cluster's controllers): the stored
   * object itself where no conversion applies, instead of a copy.
   */
  peek(type: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    const found = this.#bucket(type).get(objectKey(this.#ns(type, namespace), name));
    return found && this.#toReadOnlyView(type, found);
  }

  list(type: ResourceType, namespace: string | undefined, options: ListOptions = {}): ListResult {
    const matches = this.#matcher(type, options);
    const read = this.#listRead(type, options);
    const source = read.at === undefined ? this.#bucket(type) : this.#snapshot(type, read.at);
    let items = [...source.entries()]
      .filter(
        ([, o]) =>
          !type.namespaced || namespace === undefined || o.metadata.namespace === namespace,
      )
      .filter(([, o]) => matches(o))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    if (read.after !== undefined) items = items.filter(([key]) => key > read.after!);
    const rv = read.at ?? this.#rv;
    const result: ListResult = { items: [], resourceVersion: String(rv) };
    if (options.limit && options.limit > 0 && items.length > options.limit) {
      const page = items.slice(0, options.limit);
      // The next pages read the same snapshot, as etcd serves them at the first page's revision.
      result.continue = encodeContinue(page[page.length - 1]![0], rv);
      result.remainingItemCount = items.length - page.length;
      items = page;
    }
    result.items = items.map(([, o]) => this.#toView(type, o));
    return result;
  }

  /**
   * Which state a list reads, as kube-apiserver decides it: ValidateListOptions
   * first (422), then the continue token's snapshot, else the resourceVersion
   * semantics (unset or "0": the latest; another value: not older than it, or
   * exactly it with resourceVersionMatch=Exact or, the legacy rule, a limit).
   * Exact reads and continue tokens older than the history are 410 Expired with
   * etcd3's messages; a resourceVersion the store has not reached yet is the
   * watch cache's 504 "Too large resource version" (answered at once here,
   * where kube waits up to 3 s for it).
   */
  #listRead(type: ResourceType, options: ListOptions): { at?: number; after?: string } {
    const requested = options.resourceVersion ?? '';
    const match = options.resourceVersionMatch ?? '';
    if (match) {
      const forbidden = (message: string): FieldError => ({
        type: 'FieldValueForbidden',
        field: 'resourceVersionMatch',
        message: `Forbidden: ${message}`,
      });
      const problems: FieldError[] = [];
      if (!requested) {
        problems.push(
          forbidden('resourceVersionMatch is forbidden unless resourceVersion is provided'),
        );
      }
      if (options.continue) {
        problems.push(forbidden('resourceVersionMatch is forbidden when continue is provided'));
      }
      if (match !== 'Exact' && match !== 'NotOlderThan') {
        problems.push(
          fieldError.notSupported('resourceVersionMatch', match, ['Exact', 'NotOlderThan', '']),
        );
      }
      if (match === 'Exact' && requested === '0') {
        problems.push(
          forbidden('resourceVersionMatch "exact" is forbidden for resourceVersion "0"'),
        );
      }
      if (problems.length > 0) throw errors.invalid('ListOptions', 'meta.k8s.io', '', problems);
    }
    if (options.continue) {
      if (requested && requested !== '0') {
        throw errors.badRequest('specifying resource version is not allowed when using continue');
      }
      const token = decodeContinue(options.continue);
      if (token.rv > 0 && token.rv < this.#floor(type)) {
        // The token to go on with reads the latest state from the same key (rv -1).
        throw errors.gone(INCONSISTENT_CONTINUE, encodeContinue(token.start, -1));
      }
      return { ...(token.rv > 0 ? { at: token.rv } : {}), after: token.start };
    }
    if (!requested) return {};
    const rv = parseResourceVersion(requested);
    if (rv > this.#rv) throw errors.tooLargeResourceVersion(rv, this.#rv);
    const exact =
      match === 'Exact' || (match === '' && (options.limit ?? 0) > 0 && requested !== '0');
    if (!exact) return {};
    if (rv < this.#floor(type)) throw errors.gone(EXPIRED_LIST);
    return { at: rv };
  }

  /** The storage's objects as they were at a resourceVersion the history still covers. */
  #snapshot(type: ResourceType, rv: number): Map<string, KubeObject> {
    const state = new Map(this.#bucket(type));
    const history = this.#histories.get(typeKeyOf(this.#storage(type)));
    const entries = history?.entries ?? [];
    for (let i = entries.length - 1; i >= (history?.start ?? 0) && entries[i]!.rv > rv; i--) {
      const entry = entries[i]!;
      const key = objectKey(entry.object.metadata.namespace, entry.object.metadata.name!);
      if (entry.type === 'ADDED') state.delete(key);
      else state.set(key, entry.previous!);
    }
    return state;
  }

  /** Below this resourceVersion a storage's history has nothing: watches and exact lists from there get 410. */
  #floor(type: ResourceType): number {
    const history = this.#histories.get(typeKeyOf(this.#storage(type)));
    return Math.max(history?.floor ?? 1, this.#compactedRV);
  }

  #ns(type: ResourceType, namespace: string | undefined): string | undefined {
    return type.namespaced ? namespace : undefined;
  }

  /** Label and field selectors over stored objects; field labels as the served version names them. */
  #matcher(type: ResourceType, options: { labelSelector?: string; fieldSelector?: string }) {
    const labels = options.labelSelector ? parseLabelSelector(options.labelSelector) : () => true;
    const fields = options.fieldSelector
      ? parseFieldSelector(options.fieldSelector, selectableFieldsFor(type, type.selectableFields))
      : () => true;
    return (stored: KubeObject) => labels(stored.metadata.labels) && fields(stored);
  }

  // ---- writes ---------------------------------------------------------------

  create(
    type: ResourceType,
    namespace: string | undefined,
    body: unknown,
    options: WriteOptions = {},
  ): WriteResult {
    return this.#create(type, namespace, body, options);
  }

  /** A create; `applied`: the managedFields of an apply that creates (it owns its fields as Apply). */
  #create(
    type: ResourceType,
    namespace: string | undefined,
    body: unknown,
    options: WriteOptions,
    applied?: ManagedFieldsEntry[],
  ): WriteResult {
    const object = this.#decode(type, body);
    strategyFor(type)?.decode?.(object);
    namespace = this.#ns(type, namespace);
    if (type.namespaced) {
      if (object.metadata.namespace && namespace && object.metadata.namespace !== namespace) {
        throw errors.badRequest(
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      }
      namespace ??= object.metadata.namespace;
      if (!namespace) throw errors.badRequest('the namespace of the object is required');
      object.metadata.namespace = namespace;
    } else {
      delete object.metadata.namespace;
    }
    if (!object.metadata.name && object.metadata.generateName) {
      object.metadata.name = object.metadata.generateName + randomSuffix();
    }
    const name = object.metadata.name;
    if (!name) {
      throw errors.invalid(type.kind, type.group, '', [
        {
          type: 'FieldValueRequired',
          field: 'metadata.name',
          message: 'Required value: name or generateName is required',
        },
      ]);
    }
    if (type.namespaced) this.#checkNamespaceWritable(type, namespace!, name);
    if (this.#bucket(type).has(objectKey(namespace, name))) {
      throw errors.alreadyExists(type.plural, type.group, name);
    }
    const now = this.#clock();
    for (const field of [
      'uid',
      'resourceVersion',
      'deletionTimestamp',
      'deletionGracePeriodSeconds',
      'managedFields',
    ]) {
      delete object.metadata[field];
    }
    object.metadata.uid = randomUUID();
    object.metadata.creationTimestamp = rfc3339(now);
    if (this.#tracksGeneration(type)) object.metadata.generation = 1;
    // Status is the status endpoint's to write; a create starts without one.
    if (type.statusSubresource) delete object.status;
    const warnings = this.#admit(type, object, undefined, options);
    strategyFor(type)?.beforeCreate?.(object, this.#writeContext);
    const recorded = applied
      ? { ...object, metadata: { ...object.metadata, managedFields: clone(applied) } }
      : recordUpdate({
          before: undefined,
          after: object,
          manager: options.fieldManager ?? 'unknown',
          info: this.#mergeInfo(type),
          apiVersion: apiVersionOf(type),
          now: rfc3339(now),
        });
    if (options.dryRun) return { object: this.#roundTrip(type, recorded), warnings, code: 201 };
    this.#commit(type, 'ADDED', recorded);
    return {
      object: this.#answer(type, this.#bucket(type).get(objectKey(namespace, name))!, options),
      warnings,
      code: 201,
    };
  }

  update(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    body: unknown,
    options: WriteOptions = {},
  ): WriteResult {
    const incoming = this.#decode(type, body);
    namespace = this.#ns(type, namespace);
    if (incoming.metadata.name !== undefined && incoming.metadata.name !== name) {
      throw errors.badRequest(
        `the name of the object (${incoming.metadata.name}) does not match the name on the URL (${name})`,
      );
    }
    if (
      type.namespaced &&
      incoming.metadata.namespace &&
      incoming.metadata.namespace !== namespace
    ) {
      throw errors.badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
    const live = this.tryGet(type, namespace, name);
    if (!live) throw errors.notFound(type.plural, type.group, name);
    const rv = incoming.metadata.resourceVersion;
    if (!rv && !type.builtin) {
      throw errors.invalid(type.kind, type.group, name, [
        {
          type: 'FieldValueInvalid',
          field: 'metadata.resourceVersion',
          message: 'Invalid value: 0x0: must be specified for an update',
        },
      ]);
    }
    if (rv && rv !== live.metadata.resourceVersion) throw this.#conflict(type, name);
    return this.#write(type, live, incoming, options);
  }

  patch(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    patchType: PatchType,
    body: unknown,
    options: WriteOptions = {},
  ): WriteResult {
    namespace = this.#ns(type, namespace);
    const live = this.tryGet(type, namespace, name);
    if (patchType === 'apply') return this.#apply(type, namespace, name, live, body, options);
    if (!live) throw errors.notFound(type.plural, type.group, name);
    if (patchType === 'strategic' && !type.builtin) {
      throw errors.unsupportedMediaType([
        'application/json-patch+json',
        'application/merge-patch+json',
        'application/apply-patch+yaml',
      ]);
    }
    const patched = patchDocument(live, patchType, body, () => this.#mergeInfo(type));
    const next = this.#decode(type, patched);
    if (next.metadata.name !== name) {
      throw errors.invalid(type.kind, type.group, name, [
        fieldError.invalid('metadata.name', next.metadata.name ?? '', 'field is immutable'),
      ]);
    }
    if (
      next.metadata.resourceVersion &&
      next.metadata.resourceVersion !== live.metadata.resourceVersion
    ) {
      throw this.#conflict(type, name);
    }
    return this.#write(type, live, next, options);
  }

  #apply(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    live: KubeObject | undefined,
    body: unknown,
    options: WriteOptions,
  ): WriteResult {
    if (!options.fieldManager) throw fieldManagerRequired();
    const applied = this.#decode(type, body);
    if (applied.metadata.name !== undefined && applied.metadata.name !== name) {
      throw errors.badRequest(
        `the name of the object (${applied.metadata.name}) does not match the name on the URL (${name})`,
      );
    }
    applied.metadata.name = name;
    if (type.namespaced) {
      if (applied.metadata.namespace && applied.metadata.namespace !== namespace) {
        throw errors.badRequest(
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      }
      applied.metadata.namespace = namespace;
    }
    if (options.subresource === 'status') {
      if (!live) throw errors.notFound(type.plural, type.group, name);
    } else if (type.statusSubresource) {
      delete applied.status;
    }
    const merged = serverSideApply({
      live,
      applied,
      manager: options.fieldManager,
      force: options.force ?? false,
      info: this.#mergeInfo(type),
      apiVersion: apiVersionOf(type),
      ...(options.subresource === 'status' ? { subresource: 'status' as const } : {}),
      now: rfc3339(this.#clock()),
    });
    if (!live) return this.#create(type, namespace, merged, options, merged.metadata.managedFields);
    return this.#write(type, live, merged, options, true);
  }

  /** The common tail of update, patch and apply: separate status, admit, compare, commit. */
  #write(
    type: ResourceType,
    live: KubeObject,
    incoming: KubeObject,
    options: WriteOptions,
    managedFieldsDone = false,
  ): WriteResult {
    const name = live.metadata.name!;
    if (options.subresource !== 'status') strategyFor(type)?.decode?.(incoming);
    let next: KubeObject;
    if (options.subresource === 'status') {
      // The status endpoint changes status and nothing else. `live` is this write's own
      // copy: the rest is shared with it (the field manager then skips it as unchanged),
      // and only what #write sets is new: metadata's top level and the status.
      next = { ...live, metadata: { ...live.metadata }, status: clone(incoming.status) };
      if (incoming.status === undefined) delete next.status;
      if (managedFieldsDone) next.metadata.managedFields = incoming.metadata.managedFields;
    } else {
      next = clone(incoming);
      if (type.statusSubresource) {
        if (live.status === undefined) delete next.status;
        else next.status = clone(live.status);
      }
    }
    // Fields the server owns.
    const meta = next.metadata;
    meta.uid = live.metadata.uid;
    meta.creationTimestamp = live.metadata.creationTimestamp;
    if (live.metadata.namespace === undefined) delete meta.namespace;
    else meta.namespace = live.metadata.namespace;
    meta.name = name;
    if (live.metadata.generation !== undefined) meta.generation = live.metadata.generation;
    else delete meta.generation;
    if (live.metadata.deletionTimestamp) {
      meta.deletionTimestamp = live.metadata.deletionTimestamp;
      meta.deletionGracePeriodSeconds = live.metadata.deletionGracePeriodSeconds;
      const added = (meta.finalizers ?? []).filter(
        (f) => !(live.metadata.finalizers ?? []).includes(f),
      );
      if (added.length > 0) {
        throw errors.invalid(type.kind, type.group, name, [
          fieldError.forbidden(
            'metadata.finalizers',
            `no new finalizers can be added if the object is being deleted, found new finalizers ${goStrings(added.sort())}`,
          ),
        ]);
      }
    } else {
      delete meta.deletionTimestamp;
      delete meta.deletionGracePeriodSeconds;
    }
    if (!managedFieldsDone) meta.managedFields = live.metadata.managedFields;
    const warnings = this.#admit(type, next, live, options);
    strategyFor(type)?.beforeUpdate?.(next, live);
    if (
      this.#tracksGeneration(type) &&
      !deepEqual(specPart(next, type.statusSubresource), specPart(live, type.statusSubresource))
    ) {
      next.metadata.generation = (live.metadata.generation ?? 0) + 1;
    }
    if (!managedFieldsDone) {
      next = recordUpdate({
        before: live,
        after: next,
        manager: options.fieldManager ?? 'unknown',
        info: this.#mergeInfo(type),
        apiVersion: apiVersionOf(type),
        ...(options.subresource ? { subresource: options.subresource } : {}),
        now: rfc3339(this.#clock()),
      });
    }
    // A write that changes nothing is a no-op: same resourceVersion, no event. Compared as
    // stored, so what a served version's conversion drops is no change either. An apply that
    // changes only ownership (a second applier of the same values) is still written, as the
    // stored bytes differ in kube.
    const key = objectKey(live.metadata.namespace, name);
    const stored = this.#bucket(type).get(key)!;
    const storable = this.#toStorage(type, next);
    if (
      deepEqual(withoutVolatileMetadata(storable), withoutVolatileMetadata(stored)) &&
      (!managedFieldsDone ||
        deepEqual(storable.metadata.managedFields, stored.metadata.managedFields))
    ) {
      return { object: live, warnings, code: 200 };
    }
    if (options.dryRun) return { object: this.#roundTrip(type, next), warnings, code: 200 };
    const finished =
      next.metadata.deletionTimestamp && (next.metadata.finalizers ?? []).length === 0;
    this.#commit(type, 'MODIFIED', next);
    if (finished) this.#remove(this.#storage(type), this.#bucket(type).get(key)!);
    const after = this.#bucket(type).get(key);
    return {
      object: after ? this.#answer(type, after, options) : this.#roundTrip(type, next),
      warnings,
      code: 200,
    };
  }

  /**
   * DELETE as kube-apiserver's registries answer it, always 200: removed at
   * once when nothing holds the object; held with deletionTimestamp while
   * finalizers remain (the object is the answer). A Namespace's first DELETE
   * only starts termination (phase Terminating) and a DELETE of a terminating
   * one whose spec.finalizers remain is 409, as pkg/registry/core/namespace/storage does.
   */
  delete(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    options: DeleteOptions = {},
  ): DeleteResult {
    namespace = this.#ns(type, namespace);
    const live = this.tryGet(type, namespace, name);
    if (!live) throw errors.notFound(type.plural, type.group, name);
    const pre = options.preconditions ?? {};
    if (pre.uid && pre.uid !== live.metadata.uid) {
      throw errors.conflict(
        type.plural,
        type.group,
        name,
        `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${live.metadata.uid}`,
      );
    }
    if (pre.resourceVersion && pre.resourceVersion !== live.metadata.resourceVersion) {
      throw errors.conflict(
        type.plural,
        type.group,
        name,
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${live.metadata.resourceVersion}`,
      );
    }
    const isNamespace = strategyFor(type) === namespaceKind;
    const terminating = live.metadata.deletionTimestamp !== undefined;
    if (isNamespace && terminating) {
      const spec = isObject(live.spec) ? live.spec : {};
      if (Array.isArray(spec.finalizers) && spec.finalizers.length > 0) {
        throw errors.conflict(
          'namespaces',
          '',
          name,
          'The system is ensuring all content is removed from this namespace.  Upon completion, this namespace will automatically be purged by the system.',
        );
      }
    }
    const finalizers = [...(live.metadata.finalizers ?? [])];
    if (!terminating) {
      if (options.propagationPolicy === 'Orphan') finalizers.push('orphan');
      if (options.propagationPolicy === 'Foreground') finalizers.push('foregroundDeletion');
    }
    if (finalizers.length === 0 && !(isNamespace && !terminating)) {
      const gone = options.dryRun
        ? live
        : this.#toView(
            type,
            this.#remove(this.#storage(type), this.#bucket(type).get(objectKey(namespace, name))!),
          );
      return { object: gone, body: this.#deletedBody(type, gone), warnings: [], code: 200 };
    }
    if (terminating) return { object: live, body: live, warnings: [], code: 200 };
    const next = clone(live);
    next.metadata.finalizers = [...new Set(finalizers)];
    if (next.metadata.finalizers.length === 0) delete next.metadata.finalizers;
    next.metadata.deletionTimestamp = rfc3339(this.#clock());
    next.metadata.deletionGracePeriodSeconds = 0;
    if (isNamespace) {
      (next.status as Record<string, unknown>) = {
        ...(next.status as object),
        phase: 'Terminating',
      };
    }
    if (options.dryRun) {
      const held = this.#roundTrip(type, next);
      return { object: held, body: held, warnings: [], code: 200 };
    }
    this.#commit(type, 'MODIFIED', next);
    const held = this.#toView(type, this.#bucket(type).get(objectKey(namespace, name))!);
    return { object: held, body: held, warnings: [], code: 200 };
  }

  /** The answer to a DELETE that removed the object. */
  #deletedBody(type: ResourceType, gone: KubeObject): KubeObject | SuccessStatus {
    if (strategyFor(type)?.returnsDeletedObject) return gone;
    return deletedStatus(type.plural, type.group, gone.metadata.name!, gone.metadata.uid);
  }

  deleteCollection(
    type: ResourceType,
    namespace: string | undefined,
    options: ListOptions & DeleteOptions = {},
  ): ListResult {
    const { items } = this.list(type, namespace, options);
    const deleted = items.map(
      (o) => this.delete(type, o.metadata.namespace, o.metadata.name!, options).object,
    );
    return { items: deleted, resourceVersion: this.resourceVersion };
  }

  // ---- the scale subresource -------------------------------------------------

  /** GET …/scale: the object's autoscaling/v1 Scale (ScaleREST.Get). */
  getScale(type: ResourceType, namespace: string | undefined, name: string): KubeObject {
    const scale = this.#scaleOf(type);
    return scale.toScale(this.get(type, namespace, name));
  }

  /**
   * PUT …/scale, as ScaleREST.Update and its scaleUpdatedObjectInfo do: the
   * Scale is validated (spec.replicas ≥ 0), its uid is a precondition, its
   * spec.replicas (0 when left out, an int32 in Go) and resourceVersion move
   * onto the object, which is then updated as any write is (optimistic
   * concurrency, generation, managedFields recorded for the `scale`
   * subresource). Answers the Scale of the updated object.
   */
  updateScale(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    body: unknown,
    options: WriteOptions = {},
  ): WriteResult {
    const subresource = this.#scaleOf(type);
    const scale = decodeScale(body);
    namespace = this.#ns(type, namespace);
    if (scale.metadata.name !== undefined && scale.metadata.name !== name) {
      throw errors.badRequest(
        `the name of the object (${scale.metadata.name}) does not match the name on the URL (${name})`,
      );
    }
    if (scale.metadata.namespace && scale.metadata.namespace !== namespace) {
      throw errors.badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
    const live = this.tryGet(type, namespace, name);
    if (!live) throw errors.notFound(type.plural, type.group, name);
    const next = this.#scaled(type, name, live, scale);
    const result = this.update(type, namespace, name, next, { ...options, subresource: 'scale' });
    return { ...result, object: subresource.toScale(result.object) };
  }

  /**
   * Server-side apply to …/scale, as the patch handler and ScaleREST serve it
   * (scaleUpdatedObjectInfo with managedfields.ScaleHandler): the object must
   * exist (ScaleREST never creates: 404 on the parent resource); the apply is
   * merged into its Scale, whose managedFields are the parent's owners of the
   * replicas field seen in autoscaling/v1 (conflicts are 409 unless `force`);
   * the merged Scale's name is checked against the URL (checkName), then it is
   * written as a PUT of it is, with the managedFields mapped back onto the
   * parent instead of recorded as an update. Answers the Scale.
   */
  applyScale(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    body: unknown,
    options: WriteOptions = {},
  ): WriteResult {
    const subresource = this.#scaleOf(type);
    namespace = this.#ns(type, namespace);
    if (!options.fieldManager) throw fieldManagerRequired();
    const live = this.tryGet(type, namespace, name);
    if (!live) throw errors.notFound(type.plural, type.group, name);
    if (!isObject(body))
      throw errors.badRequest('the body of the request must be a JSON or YAML object');
    const applied = clone(body) as KubeObject;
    // The field manager's versionCheckManager: the applied object must be the endpoint's kind.
    if (applied.apiVersion !== SCALE_API_VERSION || applied.kind !== 'Scale') {
      throw errors.badRequest(
        `invalid object type: ${gvkString(applied.apiVersion, applied.kind)}`,
      );
    }
    const paths = replicasPathsOf(type.group, type.kind);
    const view = subresource.toScale(live);
    view.metadata.managedFields = scaleManagedFields(live.metadata.managedFields, paths);
    const merged = serverSideApply({
      live: view,
      applied,
      manager: options.fieldManager,
      force: options.force ?? false,
      info: mergeInfoForBuiltin('autoscaling', 'v1', 'Scale'),
      apiVersion: SCALE_API_VERSION,
      subresource: 'scale',
      now: rfc3339(this.#clock()),
    });
    const { name: mergedName, namespace: mergedNamespace } = merged.metadata;
    if (mergedName !== name) {
      throw errors.badRequest(
        `the name of the object (${mergedName ?? ''}) does not match the name on the URL (${name})`,
      );
    }
    if (mergedNamespace && namespace && mergedNamespace !== namespace) {
      throw errors.badRequest(
        `the namespace of the object (${mergedNamespace}) does not match the namespace on the request (${namespace})`,
      );
    }
    const next = this.#scaled(type, name, live, merged);
    next.metadata.managedFields = parentManagedFields(
      live.metadata.managedFields,
      merged.metadata.managedFields,
      apiVersionOf(type),
      paths,
    );
    const rv = next.metadata.resourceVersion;
    if (rv && rv !== live.metadata.resourceVersion) throw this.#conflict(type, name);
    const result = this.#write(type, live, next, { ...options, subresource: 'scale' }, true);
    return { ...result, object: subresource.toScale(result.object) };
  }

  /**
   * scaleUpdatedObjectInfo's checks and moves: the Scale's spec.replicas is an
   * int32 ≥ 0, its uid (if any) is the object's; the object with the Scale's
   * spec.replicas and resourceVersion.
   */
  #scaled(type: ResourceType, name: string, live: KubeObject, scale: KubeObject): KubeObject {
    const spec = isObject(scale.spec) ? scale.spec : {};
    const replicas = spec.replicas ?? 0;
    if (typeof replicas !== 'number' || !Number.isInteger(replicas)) {
      // encoding/json's UnmarshalTypeError: the JSON kind (or the number) and the Go field.
      const found = typeof replicas === 'number' ? `number ${replicas}` : jsonKind(replicas);
      throw errors.badRequest(
        `Scale in version "v1" cannot be handled as a Scale: json: cannot unmarshal ${found} into Go struct field ScaleSpec.spec.replicas of type int32`,
      );
    }
    if (replicas < 0) {
      throw errors.invalid('Scale', 'autoscaling', name, [
        {
          type: 'FieldValueInvalid',
          field: 'spec.replicas',
          message: `Invalid value: ${replicas}: must be greater than or equal to 0`,
        },
      ]);
    }
    if (scale.metadata.uid && scale.metadata.uid !== live.metadata.uid) {
      throw errors.conflict(
        `${type.plural}/scale`,
        type.group,
        name,
        `Precondition failed: UID in precondition: ${scale.metadata.uid}, UID in object meta: ${live.metadata.uid}`,
      );
    }
    const next = clone(live);
    next.spec = { ...(isObject(next.spec) ? next.spec : {}), replicas };
    if (scale.metadata.resourceVersion) {
      next.metadata.resourceVersion = scale.metadata.resourceVersion;
    } else delete next.metadata.resourceVersion;
    return next;
  }

  /**
   * PATCH …/scale: the patch applies to the current Scale (JSON, merge or
   * strategic merge patch), and the result is written as a PUT of that Scale.
   */
  patchScale(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    patchType: Exclude<PatchType, 'apply'>,
    body: unknown,
    options: WriteOptions = {},
  ): WriteResult {
    const current = this.getScale(type, namespace, name);
    const patched = patchDocument(current, patchType, body, () =>
      mergeInfoForBuiltin('autoscaling', 'v1', 'Scale'),
    );
    return this.updateScale(type, namespace, name, patched, options);
  }

  #scaleOf(type: ResourceType): NonNullable<KindStrategy['scale']> {
    const scale = strategyFor(type)?.scale;
    if (!scale) {
      throw new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});
    }
    return scale;
  }

  // ---- internals ------------------------------------------------------------

  #decode(type: ResourceType, body: unknown): KubeObject {
    if (!isObject(body))
      throw errors.badRequest('the body of the request must be a JSON or YAML object');
    const object = clone(body) as KubeObject;
    const apiVersion = apiVersionOf(type);
    if (object.apiVersion === undefined) object.apiVersion = apiVersion;
    if (object.kind === undefined) object.kind = type.kind;
    if (object.kind !== type.kind) {
      throw errors.badRequest(
        `${String(object.kind)} in version "${type.version}" cannot be handled as a ${type.kind}: the kind in the data does not match the expected kind (${type.kind})`,
      );
    }
    if (object.apiVersion !== apiVersion) {
      throw errors.badRequest(
        `the API version in the data (${String(object.apiVersion)}) does not match the expected API version (${apiVersion})`,
      );
    }
    if (!isObject(object.metadata)) object.metadata = {};
    return object;
  }

  /** Defaults and validation for a write; returns warnings. Throws 400/422. */
  #admit(
    type: ResourceType,
    object: KubeObject,
    old: KubeObject | undefined,
    options: WriteOptions,
  ): string[] {
    const warnings: string[] = [];
    const name = object.metadata.name ?? '';
    const fieldErrors: FieldError[] = [];
    if (!old) {
      for (const problem of validateName(name, strategyFor(type)?.nameRule ?? 'subdomain')) {
        fieldErrors.push(fieldError.invalid('metadata.name', name, problem));
      }
    }
    fieldErrors.push(...validateLabelsAndAnnotations(object.metadata));
    const strategy = strategyFor(type);
    if (strategy) {
      strategy.defaults?.(object);
      fieldErrors.push(...(strategy.validate?.(object, old) ?? []));
    } else if (!type.builtin && type.schema) {
      // Metadata errors lead, and keep CEL from running on a broken object, as in kube.
      const metadataErrors = fieldErrors.splice(0);
      const outcome = processCustomResource(object, type.schema, {
        ...(old ? { oldObject: old } : {}),
        metadataErrors,
      });
      if (outcome.unknownFields.length > 0) {
        const validation = options.fieldValidation ?? 'Warn';
        if (validation === 'Strict') {
          throw errors.badRequest(
            `${type.kind} in version "${type.version}" cannot be handled as a ${type.kind}: strict decoding error: ${outcome.unknownFields
              .map((f) => `unknown field "${f.replace(/^\./, '')}"`)
              .join(', ')}`,
          );
        }
        if (validation === 'Warn') {
          warnings.push(
            ...outcome.unknownFields.map((f) => `unknown field "${f.replace(/^\./, '')}"`),
          );
        }
      }
      // Pruned and defaulted in place (unknown metadata fields are dropped too).
      for (const key of Object.keys(object)) delete object[key];
      Object.assign(object, outcome.object);
      fieldErrors.push(...outcome.errors);
    }
    if (fieldErrors.length > 0) throw errors.invalid(type.kind, type.group, name, fieldErrors);
    return warnings;
  }

  #tracksGeneration(type: ResourceType): boolean {
    return !type.builtin || strategyFor(type)?.tracksGeneration === true;
  }

  #conflict(type: ResourceType, name: string): ApiError {
    return errors.conflict(
      type.plural,
      type.group,
      name,
      'the object has been modified; please apply your changes to the latest version and try again',
    );
  }

  #checkNamespaceWritable(type: ResourceType, namespace: string, name: string) {
    const ns = this.#bucket(this.#typeOf(namespaceKind)).get(objectKey(undefined, namespace));
    if (!ns) throw errors.notFound('namespaces', '', namespace);
    if (ns.metadata.deletionTimestamp) {
      throw new ApiError(
        403,
        'Forbidden',
        `${type.group ? `${type.plural}.${type.group}` : type.plural} "${name}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`,
        {
          name,
          group: type.group,
          kind: type.plural,
          causes: [
            {
              reason: 'NamespaceTerminating',
              message: `namespace ${namespace} is being terminated`,
              field: 'metadata.namespace',
            },
          ],
        },
      );
    }
  }

  /** What the kinds' write hooks may ask of the store. */
  get #writeContext(): WriteContext {
    return {
      allocateClusterIP: this.allocateClusterIPs
        ? () => {
            const n = this.#nextClusterIP++;
            return `10.96.${Math.floor(n / 250)}.${(n % 250) + 1}`;
          }
        : undefined,
    };
  }

  /** Stores a change of an object given as `type` shows it, and tells watchers and listeners. */
  #commit(type: ResourceType, eventType: 'ADDED' | 'MODIFIED' | 'DELETED', object: KubeObject) {
    const storage = this.#storage(type);
    const stored = this.#toStorage(type, object);
    this.#rv++;
    object.metadata.resourceVersion = String(this.#rv);
    stored.metadata.resourceVersion = String(this.#rv);
    const bucket = this.#bucket(storage);
    const key = objectKey(stored.metadata.namespace, stored.metadata.name!);
    const previous = bucket.get(key);
    if (eventType === 'DELETED') bucket.delete(key);
    else bucket.set(key, stored);
    const entry: HistoryEntry = {
      rv: this.#rv,
      typeKey: typeKeyOf(storage),
      type: eventType,
      // The stored object itself: what is stored is never changed, only replaced.
      object: stored,
      ...(previous ? { previous } : {}),
    };
    const history = this.#historyOf(entry.typeKey);
    history.entries.push(entry);
    if (history.entries.length - history.start > this.#historySize) {
      history.start = history.entries.length - this.#historySize;
      // watch_cache.go: anything before the oldest kept event minus one is too old.
      history.floor = history.entries[history.start]!.rv - 1;
      // The dropped events go in batches: one splice per quarter window, not one per commit.
      if (history.start >= Math.max(64, this.#historySize >> 2)) {
        history.entries.splice(0, history.start);
        history.start = 0;
      }
    }
    for (const watcher of this.#watchers) this.#deliver(watcher, entry);
    this.#tellListeners(storage, entry);
  }

  /** Delivers a change to the listeners after those before it, however deep the commit. */
  #tellListeners(storage: ResourceType, entry: HistoryEntry) {
    this.#undelivered.push([storage, entry]);
    if (this.#delivering) return;
    this.#delivering = true;
    try {
      for (let next = this.#undelivered.shift(); next; next = this.#undelivered.shift()) {
        for (const listener of this.#listeners) listener(...next);
      }
    } finally {
      this.#delivering = false;
      this.#undelivered.length = 0;
    }
  }

  #historyOf(typeKey: string): History {
    let history = this.#histories.get(typeKey);
    if (!history) {
      history = { entries: [], start: 0, floor: 1 };
      this.#histories.set(typeKey, history);
    }
    return history;
  }

  /** Removes a stored object (of a storage type); returns it as stored. */
  #remove(type: ResourceType, stored: KubeObject): KubeObject {
    const deleted = clone(stored);
    this.#commit(type, 'DELETED', deleted);
    return clone(deleted);
  }

  // ---- watch ----------------------------------------------------------------

  /**
   * Starts a watch. Without a resourceVersion (or "0") it begins with ADDED
   * for every current object; with one it replays the resource's history
   * after it, or, when that point is older than the history (the watch
   * cache's window), sends the cacher's 410 Expired ERROR ("too old resource
   * version: X (Y)", Y the oldest kept event's resourceVersion - 1) and ends.
   * Bad selectors throw before anything is sent. Returns a stop function.
   */
  watch(
    type: ResourceType,
    namespace: string | undefined,
    options: WatchOptions,
    send: (event: WatchEvent) => void,
  ): () => void {
    const matches = this.#matcher(type, options);
    const storageKey = typeKeyOf(this.#storage(type));
    const watcher: Watcher = {
      typeKey: storageKey,
      ...(type.namespaced && namespace !== undefined ? { namespace } : {}),
      matches,
      view: options.readOnly
        ? (stored) => this.#toReadOnlyView(type, stored)
        : (stored) => this.#toView(type, stored),
      send,
    };
    const from = options.resourceVersion;
    if (!from || from === '0') {
      const selectors = {
        ...(options.labelSelector ? { labelSelector: options.labelSelector } : {}),
        ...(options.fieldSelector ? { fieldSelector: options.fieldSelector } : {}),
      };
      for (const o of this.list(type, namespace, selectors).items)
        send({ type: 'ADDED', object: o });
    } else {
      const rv = parseResourceVersion(from);
      const floor = this.#floor(type);
      if (rv < floor) {
        send({
          type: 'ERROR',
          object: errors.gone(`too old resource version: ${rv} (${floor})`).toStatus(),
        });
        return () => {};
      }
      const history = this.#historyOf(storageKey);
      for (let i = history.start; i < history.entries.length; i++) {
        const entry = history.entries[i]!;
        if (entry.rv > rv) this.#deliver(watcher, entry);
      }
    }
    this.#watchers.add(watcher);
    return () => this.#watchers.delete(watcher);
  }

  #deliver(watcher: Watcher, entry: HistoryEntry) {
    if (entry.typeKey !== watcher.typeKey) return;
    if (watcher.namespace !== undefined && entry.object.metadata.namespace !== watcher.namespace)
      return;
    const now = watcher.matches(entry.object);
    const before = entry.previous ? watcher.matches(entry.previous) : false;
    // A change of labels moves an object into or out of a selected watch.
    if (entry.type === 'MODIFIED') {
      if (now && !before) watcher.send({ type: 'ADDED', object: watcher.view(entry.object) });
      else if (now) watcher.send({ type: 'MODIFIED', object: watcher.view(entry.object) });
      else if (before) watcher.send({ type: 'DELETED', object: watcher.view(entry.object) });
      return;
    }
    if (now) watcher.send({ type: entry.type, object: watcher.view(entry.object) });
  }

  /**
   * Forgets every resource's history: watches resuming from, and exact lists
   * at, any earlier resourceVersion get 410 Expired.
   */
  compactHistory(): void {
    for (const history of this.#histories.values()) {
      history.entries.length = 0;
      history.start = 0;
    }
    this.#compactedRV = this.#rv;
  }

  /** Writes a status as a controller of the cluster would (no admission, own field manager). */
  writeStatus(
    type: ResourceType,
    object: KubeObject,
    status: unknown,
    manager: string,
  ): KubeObject | undefined {
    const live = this.peek(type, object.metadata.namespace, object.metadata.name!);
    if (!live) return undefined;
    return this.update(
      type,
      live.metadata.namespace,
      live.metadata.name!,
      { ...live, status },
      { subresource: 'status', fieldManager: manager },
    ).object;
  }
}

/** A continue token: the key after which the next page starts and the snapshot's resourceVersion (-1: the latest). */
function encodeContinue(afterKey: string, rv: number): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start: afterKey })).toString(
    'base64url',
  );
}

function decodeContinue(token: string): { start: string; rv: number } {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
      start?: unknown;
      rv?: unknown;
    };
    if (typeof parsed.start === 'string') {
      return {
        start: parsed.start,
        rv: typeof parsed.rv === 'number' && Number.isInteger(parsed.rv) ? parsed.rv : -1,
      };
    }
  } catch {
    // fall through
  }
  throw errors.badRequest('continue key is not valid: invalid continue token');
}

function parseResourceVersion(value: string): number {
  if (!/^\d+$/.test(value)) throw errors.badRequest(`invalid resource version: ${value}`);
  return Number(value);
}

/** ValidatePatchOptions: an apply names its field manager (422 on PatchOptions.meta.k8s.io). */
function fieldManagerRequired(): ApiError {
  return errors.invalid('PatchOptions', 'meta.k8s.io', '', [
    {
      type: 'FieldValueRequired',
      field: 'fieldManager',
      message: 'Required value: is required for apply patch',
    },
  ]);
}

/** A GroupVersionKind as Go prints it: `autoscaling/v1, Kind=Scale`, `/v1, Kind=Pod`. */
function gvkString(apiVersion: unknown, kind: unknown): string {
  const gv = typeof apiVersion === 'string' ? apiVersion : '';
  const slash = gv.lastIndexOf('/');
  const group = slash < 0 ? '' : gv.slice(0, slash);
  const version = slash < 0 ? gv : gv.slice(slash + 1);
  return `${group}/${version}, Kind=${typeof kind === 'string' ? kind : ''}`;
}

/** A Scale request body: an object of kind Scale in autoscaling/v1 (both may be left out). */
function decodeScale(body: unknown): KubeObject {
  if (!isObject(body))
    throw errors.badRequest('the body of the request must be a JSON or YAML object');
  const scale = clone(body) as KubeObject;
  const apiVersion = typeof scale.apiVersion === 'string' ? scale.apiVersion : 'autoscaling/v1';
  const kind = typeof scale.kind === 'string' ? scale.kind : 'Scale';
  if (kind !== 'Scale') {
    throw errors.badRequest(
      `${kind} in version "${apiVersion.slice(apiVersion.lastIndexOf('/') + 1)}" cannot be handled as a Scale: ${unknownConversion(apiVersion, kind, 'autoscaling', 'Scale')}`,
    );
  }
  if (apiVersion !== 'autoscaling/v1') {
    throw errors.badRequest(
      `the API version in the data (${apiVersion}) does not match the expected API version (autoscaling/v1)`,
    );
  }
  if (!isObject(scale.metadata)) scale.metadata = {};
  return scale;
}

/** A JSON, merge or strategic merge patch applied to a document (apply has its own path). */
function patchDocument(
  current: unknown,
  patchType: Exclude<PatchType, 'apply'>,
  body: unknown,
  mergeInfo: () => MergeInfo,
): unknown {
  switch (patchType) {
    case 'json':
      return applyJsonPatch(current, body);
    case 'merge':
      if (!isObject(body)) throw errors.badRequest('a merge patch must be a JSON object');
      return applyMergePatch(current, body);
    case 'strategic':
      return applyStrategicMergePatch(current, body, mergeInfo());
  }
}
