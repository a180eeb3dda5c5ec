// The in-memory store behind the local API server: one global
// resourceVersion, optimistic concurrency, generation, status separation,
// finalizers, patches, server-side apply, watches with a bounded history.
// It speaks in objects and ApiErrors; http.ts turns it into REST.
import { randomUUID } from 'node:crypto';
import { applyBuiltinDefaults, validateBuiltin } from './builtin-defaults.ts';
import { BUILTIN_TYPES, GENERATION_KINDS } from './builtins.ts';
import { processCustomResource } from './crd-schema.ts';
import { crdStatus, resourceTypeFromCRD, validateCRD } from './crd-validation.ts';
import { ApiError, errors } from './errors.ts';
import type { FieldError, Status } from './errors.ts';
import {
  nameRuleFor,
  randomSuffix,
  rfc3339,
  validateLabelsAndAnnotations,
  validateName,
} from './metadata.ts';
import { applyJsonPatch } from './patch/json-patch.ts';
import { recordUpdate, serverSideApply } from './patch/managed-fields.ts';
import { mergeInfoForBuiltin, mergeInfoFromSchema } from './patch/merge-info.ts';
import type { MergeInfo } from './patch/merge-info.ts';
import { applyMergePatch } from './patch/merge-patch.ts';
import { applyStrategicMergePatch } from './patch/strategic-merge-patch.ts';
import { builtinSelectableFields, parseFieldSelector, parseLabelSelector } from './selectors.ts';
import { apiVersionOf } from './types.ts';
import type { KubeObject, ResourceType } from './types.ts';

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
  subresource?: 'status';
  force?: boolean;
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
}

export interface WatchOptions {
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  allowBookmarks?: boolean;
}

export interface WriteResult {
  object: KubeObject;
  warnings: string[];
  /** 201 for a create (including apply that creates), 200 otherwise; 202 for a delete held by finalizers. */
  code: number;
}

export interface ListResult {
  items: KubeObject[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

interface HistoryEntry {
  rv: number;
  typeKey: string;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: KubeObject;
  previous?: KubeObject;
}

interface Watcher {
  typeKey: string;
  namespace?: string;
  matches: (o: KubeObject) => boolean;
  send: (event: WatchEvent) => void;
}

/** Something that wants every committed change (the simulated controllers). */
export type ChangeListener = (type: ResourceType, event: HistoryEntry) => void;

export interface StoreOptions {
  clock?: () => Date;
  /** How many events the watch history keeps (resume points). */
  historySize?: number;
  /** Delete dependents whose owners are gone. */
  garbageCollection?: boolean;
  /** Allocate Service cluster IPs. */
  allocateClusterIPs?: boolean;
}

const CRD_GROUP = 'apiextensions.k8s.io';
const NO_NAMESPACE = '';

export const typeKeyOf = (type: Pick<ResourceType, 'group' | 'plural'>) =>
  `${type.group}/${type.plural}`;
const objectKey = (namespace: string | undefined, name: string) =>
  `${namespace ?? NO_NAMESPACE}/${name}`;
const clone = <T>(value: T): T => structuredClone(value);
const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Equal as JSON, ignoring key order. */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
  if (isRecord(a) && isRecord(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => sameJson(a[k], b[k]));
  }
  return false;
}

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
  readonly #history: HistoryEntry[] = [];
  readonly #watchers = new Set<Watcher>();
  readonly #listeners = new Set<ChangeListener>();
  readonly #clock: () => Date;
  readonly #historySize: number;
  #rv = 1;
  /** Watches from before this resourceVersion get 410 Expired. */
  #compactedRV = 1;
  #nextClusterIP = 1;
  garbageCollection: boolean;
  allocateClusterIPs: boolean;

  constructor(options: StoreOptions = {}) {
    this.#clock = options.clock ?? (() => new Date());
    this.#historySize = options.historySize ?? 5000;
    this.garbageCollection = options.garbageCollection ?? true;
    this.allocateClusterIPs = options.allocateClusterIPs ?? true;
    for (const type of BUILTIN_TYPES) this.#types.set(typeKeyOf(type), type);
    for (const ns of ['default', 'kube-system', 'kube-public', 'mcp-runtime']) {
      this.create(this.typeFor('', 'namespaces')!, undefined, {
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

  #bucket(type: ResourceType): Map<string, KubeObject> {
    const key = typeKeyOf(type);
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
    return clone(found);
  }

  tryGet(type: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    const found = this.#bucket(type).get(objectKey(this.#ns(type, namespace), name));
    return found && clone(found);
  }

  list(type: ResourceType, namespace: string | undefined, options: ListOptions = {}): ListResult {
    const matches = this.#matcher(type, options);
    let items = [...this.#bucket(type).entries()]
      .filter(
        ([, o]) =>
          !type.namespaced || namespace === undefined || o.metadata.namespace === namespace,
      )
      .filter(([, o]) => matches(o))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    if (options.continue) {
      const after = decodeContinue(options.continue);
      items = items.filter(([key]) => key > after);
    }
    const result: ListResult = { items: [], resourceVersion: this.resourceVersion };
    if (options.limit && options.limit > 0 && items.length > options.limit) {
      const page = items.slice(0, options.limit);
      result.continue = encodeContinue(page[page.length - 1]![0], this.#rv);
      result.remainingItemCount = items.length - page.length;
      items = page;
    }
    result.items = items.map(([, o]) => clone(o));
    return result;
  }

  #ns(type: ResourceType, namespace: string | undefined): string | undefined {
    return type.namespaced ? namespace : undefined;
  }

  #matcher(type: ResourceType, options: { labelSelector?: string; fieldSelector?: string }) {
    const labels = options.labelSelector ? parseLabelSelector(options.labelSelector) : () => true;
    const fields = options.fieldSelector
      ? parseFieldSelector(options.fieldSelector, builtinSelectableFields(type))
      : () => true;
    return (o: KubeObject) => labels(o.metadata.labels) && fields(o);
  }

  // ---- writes ---------------------------------------------------------------

  create(
    type: ResourceType,
    namespace: string | undefined,
    body: unknown,
    options: WriteOptions = {},
  ): WriteResult {
    const object = this.#decode(type, body);
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
    if (type.group === '' && type.kind === 'Service' && this.allocateClusterIPs)
      this.#allocateClusterIP(object);
    const recorded = recordUpdate({
      before: undefined,
      after: object,
      manager: options.fieldManager ?? 'unknown',
      info: this.#mergeInfo(type),
      apiVersion: apiVersionOf(type),
      now: rfc3339(now),
    });
    if (options.dryRun) return { object: recorded, warnings, code: 201 };
    this.#commit(type, 'ADDED', recorded, undefined);
    this.#afterCreate(type, recorded);
    return {
      object: clone(this.#bucket(type).get(objectKey(namespace, name))!),
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
    let patched: unknown;
    switch (patchType) {
      case 'json':
        patched = applyJsonPatch(live, body);
        break;
      case 'merge':
        if (!isRecord(body)) throw errors.badRequest('a merge patch must be a JSON object');
        patched = applyMergePatch(live, body);
        break;
      case 'strategic':
        if (!type.builtin) {
          throw errors.unsupportedMediaType('application/strategic-merge-patch+json', [
            'application/json-patch+json',
            'application/merge-patch+json',
            'application/apply-patch+yaml',
          ]);
        }
        patched = applyStrategicMergePatch(live, body, this.#mergeInfo(type));
        break;
    }
    const next = this.#decode(type, patched);
    if (next.metadata.name !== name) {
      throw errors.invalid(type.kind, type.group, name, [
        {
          type: 'FieldValueInvalid',
          field: 'metadata.name',
          message: `Invalid value: ${JSON.stringify(next.metadata.name)}: field is immutable`,
        },
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
    if (!options.fieldManager) {
      throw errors.invalid('PatchOptions', 'meta.k8s.io', '', [
        {
          type: 'FieldValueRequired',
          field: 'fieldManager',
          message: 'Required value: is required for apply patch',
        },
      ]);
    }
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
      ...(options.subresource ? { subresource: options.subresource } : {}),
      now: rfc3339(this.#clock()),
    });
    if (!live) {
      const { managedFields } = merged.metadata;
      const result = this.create(type, namespace, merged, {
        ...options,
        fieldManager: options.fieldManager,
      });
      if (!options.dryRun && managedFields) {
        // The create recorded an Update; an apply that creates owns its fields as Apply.
        const stored = this.#bucket(type).get(objectKey(namespace, name))!;
        stored.metadata.managedFields = managedFields;
        result.object.metadata.managedFields = clone(managedFields);
      }
      return result;
    }
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
    let next: KubeObject;
    if (options.subresource === 'status') {
      // The status endpoint changes status and nothing else.
      next = { ...clone(live), status: clone(incoming.status) };
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
    meta.namespace = live.metadata.namespace;
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
          {
            type: 'FieldValueForbidden',
            field: 'metadata.finalizers',
            message: `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers ${JSON.stringify(added)}`,
          },
        ]);
      }
    } else {
      delete meta.deletionTimestamp;
      delete meta.deletionGracePeriodSeconds;
    }
    if (!managedFieldsDone) meta.managedFields = live.metadata.managedFields;
    const warnings = this.#admit(type, next, live, options);
    if (type.group === '' && type.kind === 'Service') {
      const spec = next.spec as Record<string, unknown> | undefined;
      const liveSpec = live.spec as Record<string, unknown> | undefined;
      if (spec && liveSpec?.clusterIP && !spec.clusterIP) {
        spec.clusterIP = liveSpec.clusterIP;
        spec.clusterIPs = liveSpec.clusterIPs;
      }
    }
    if (
      this.#tracksGeneration(type) &&
      !sameJson(specPart(next, type.statusSubresource), specPart(live, type.statusSubresource))
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
    // A write that changes nothing is a no-op: same resourceVersion, no event.
    if (sameJson(withoutVolatileMetadata(next), withoutVolatileMetadata(live))) {
      return { object: live, warnings, code: 200 };
    }
    if (options.dryRun) return { object: next, warnings, code: 200 };
    const finished =
      next.metadata.deletionTimestamp && (next.metadata.finalizers ?? []).length === 0;
    this.#commit(type, 'MODIFIED', next, live);
    if (finished)
      this.#remove(type, this.#bucket(type).get(objectKey(live.metadata.namespace, name))!);
    else this.#afterUpdate(type, next);
    return {
      object: clone(this.#bucket(type).get(objectKey(live.metadata.namespace, name)) ?? next),
      warnings,
      code: 200,
    };
  }

  delete(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    options: DeleteOptions = {},
  ): WriteResult {
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
    const finalizers = [...(live.metadata.finalizers ?? [])];
    if (!live.metadata.deletionTimestamp) {
      if (options.propagationPolicy === 'Orphan') finalizers.push('orphan');
      if (options.propagationPolicy === 'Foreground') finalizers.push('foregroundDeletion');
    }
    const isNamespace = type.group === '' && type.kind === 'Namespace';
    if (finalizers.length === 0 && !isNamespace) {
      if (options.dryRun) return { object: live, warnings: [], code: 200 };
      const deleted = this.#remove(type, this.#bucket(type).get(objectKey(namespace, name))!);
      return { object: deleted, warnings: [], code: 200 };
    }
    if (live.metadata.deletionTimestamp) return { object: live, warnings: [], code: 202 };
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
    if (options.dryRun) return { object: next, warnings: [], code: 202 };
    this.#commit(type, 'MODIFIED', next, live);
    this.#afterUpdate(type, next);
    if (isNamespace) this.#scheduleNamespaceFinalization();
    if (this.garbageCollection) this.#scheduleGarbageCollection();
    return { object: clone(next), warnings: [], code: 202 };
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

  // ---- internals ------------------------------------------------------------

  #decode(type: ResourceType, body: unknown): KubeObject {
    if (!isRecord(body))
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
    if (!isRecord(object.metadata)) object.metadata = {};
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
      const problem = validateName(name, nameRuleFor(type.group, type.kind));
      if (problem) {
        fieldErrors.push({
          type: 'FieldValueInvalid',
          field: 'metadata.name',
          message: `Invalid value: ${JSON.stringify(name)}: ${problem}`,
        });
      }
    }
    fieldErrors.push(...validateLabelsAndAnnotations(object.metadata));
    if (type.builtin) {
      applyBuiltinDefaults(object);
      fieldErrors.push(...validateBuiltin(object, old));
      if (type.group === CRD_GROUP && type.kind === 'CustomResourceDefinition') {
        fieldErrors.push(...validateCRD(object, old));
      }
    } else if (type.schema) {
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
    return !type.builtin || GENERATION_KINDS.has(`${type.group}/${type.kind}`);
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
    const ns = this.#bucket(this.typeFor('', 'namespaces')!).get(objectKey(undefined, namespace));
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

  #allocateClusterIP(object: KubeObject) {
    const spec = (object.spec ??= {}) as Record<string, unknown>;
    if (spec.type === 'ExternalName' || spec.clusterIP === 'None') return;
    if (!spec.clusterIP) {
      const n = this.#nextClusterIP++;
      spec.clusterIP = `10.96.${Math.floor(n / 250)}.${(n % 250) + 1}`;
    }
    spec.clusterIPs = [spec.clusterIP];
  }

  #commit(
    type: ResourceType,
    eventType: 'ADDED' | 'MODIFIED' | 'DELETED',
    object: KubeObject,
    previous: KubeObject | undefined,
  ) {
    this.#rv++;
    object.metadata.resourceVersion = String(this.#rv);
    const key = objectKey(object.metadata.namespace, object.metadata.name!);
    if (eventType === 'DELETED') this.#bucket(type).delete(key);
    else this.#bucket(type).set(key, object);
    const entry: HistoryEntry = {
      rv: this.#rv,
      typeKey: typeKeyOf(type),
      type: eventType,
      object: clone(object),
      ...(previous ? { previous } : {}),
    };
    this.#history.push(entry);
    if (this.#history.length > this.#historySize) {
      const dropped = this.#history.splice(0, this.#history.length - this.#historySize);
      this.#compactedRV = dropped[dropped.length - 1]!.rv;
    }
    for (const watcher of this.#watchers) this.#deliver(watcher, entry);
    for (const listener of this.#listeners) listener(type, entry);
  }

  #remove(type: ResourceType, live: KubeObject): KubeObject {
    const deleted = clone(live);
    this.#commit(type, 'DELETED', deleted, live);
    this.#afterDelete(type, deleted);
    return clone(deleted);
  }

  #afterCreate(type: ResourceType, object: KubeObject) {
    if (type.group === CRD_GROUP && type.kind === 'CustomResourceDefinition')
      this.#registerCRD(object);
  }

  #afterUpdate(type: ResourceType, object: KubeObject) {
    if (
      type.group === CRD_GROUP &&
      type.kind === 'CustomResourceDefinition' &&
      !object.metadata.deletionTimestamp
    ) {
      this.#registerCRD(object);
    }
  }

  #afterDelete(type: ResourceType, object: KubeObject) {
    if (type.group === CRD_GROUP && type.kind === 'CustomResourceDefinition') {
      const registered = resourceTypeFromCRD(object);
      const served = this.#types.get(typeKeyOf(registered));
      if (served && !served.builtin) {
        for (const o of [...this.#bucket(served).values()])
          this.#commit(served, 'DELETED', clone(o), o);
        this.#types.delete(typeKeyOf(served));
        this.#objects.delete(typeKeyOf(served));
      }
    }
    if (this.garbageCollection) this.#scheduleGarbageCollection();
    if (type.namespaced) this.#scheduleNamespaceFinalization();
  }

  #gcScheduled = false;
  #namespacesScheduled = false;

  /** One collection pass after a burst of deletes, not one full scan per delete. */
  #scheduleGarbageCollection() {
    if (this.#gcScheduled) return;
    this.#gcScheduled = true;
    queueMicrotask(() => {
      this.#gcScheduled = false;
      this.collectGarbage();
    });
  }

  #scheduleNamespaceFinalization() {
    if (this.#namespacesScheduled) return;
    this.#namespacesScheduled = true;
    queueMicrotask(() => {
      this.#namespacesScheduled = false;
      this.finalizeNamespaces();
    });
  }

  #registerCRD(crd: KubeObject) {
    const type = resourceTypeFromCRD(crd);
    this.#types.set(typeKeyOf(type), type);
    const key = objectKey(undefined, crd.metadata.name!);
    const crdType = this.typeFor(CRD_GROUP, 'customresourcedefinitions')!;
    const stored = this.#bucket(crdType).get(key)!;
    const status = crdStatus(stored, rfc3339(this.#clock()));
    if (!sameJson(status, stored.status)) {
      const next = clone(stored);
      next.status = status;
      this.#commit(crdType, 'MODIFIED', next, stored);
    }
  }

  /**
   * The garbage collector: deletes objects all of whose owners are gone, and
   * finishes orphan and foreground deletions. Runs after every delete while
   * garbage collection is on; tests may call it directly.
   */
  collectGarbage(): void {
    const live = new Set<string>();
    for (const bucket of this.#objects.values()) {
      for (const o of bucket.values()) live.add(o.metadata.uid!);
    }
    for (const type of this.types()) {
      for (const o of [...this.#bucket(type).values()]) {
        const owners = o.metadata.ownerReferences ?? [];
        if (owners.length === 0) continue;
        if (owners.every((ref) => !live.has(ref.uid)) && !o.metadata.deletionTimestamp) {
          try {
            this.delete(type, o.metadata.namespace, o.metadata.name!, {
              propagationPolicy: 'Background',
            });
          } catch {
            // Already gone.
          }
        }
      }
    }
    this.#finishOrphanAndForeground();
  }

  #dependentsOf(uid: string): [ResourceType, KubeObject][] {
    const found: [ResourceType, KubeObject][] = [];
    for (const type of this.types()) {
      for (const o of this.#bucket(type).values()) {
        if (o.metadata.ownerReferences?.some((r) => r.uid === uid)) found.push([type, o]);
      }
    }
    return found;
  }

  #finishOrphanAndForeground() {
    for (const type of this.types()) {
      for (const o of [...this.#bucket(type).values()]) {
        const finalizers = o.metadata.finalizers ?? [];
        if (!o.metadata.deletionTimestamp) continue;
        if (finalizers.includes('orphan')) {
          for (const [depType, dep] of this.#dependentsOf(o.metadata.uid!)) {
            const next = clone(dep);
            next.metadata.ownerReferences = dep.metadata.ownerReferences!.filter(
              (r) => r.uid !== o.metadata.uid,
            );
            if (next.metadata.ownerReferences.length === 0) delete next.metadata.ownerReferences;
            this.#commit(depType, 'MODIFIED', next, dep);
          }
          this.#dropFinalizer(type, o, 'orphan');
        } else if (finalizers.includes('foregroundDeletion')) {
          const dependents = this.#dependentsOf(o.metadata.uid!);
          for (const [depType, dep] of dependents) {
            if (!dep.metadata.deletionTimestamp) {
              this.delete(depType, dep.metadata.namespace, dep.metadata.name!, {
                propagationPolicy: 'Foreground',
              });
            }
          }
          if (this.#dependentsOf(o.metadata.uid!).length === 0)
            this.#dropFinalizer(type, o, 'foregroundDeletion');
        }
      }
    }
  }

  #dropFinalizer(type: ResourceType, o: KubeObject, finalizer: string) {
    const current = this.#bucket(type).get(objectKey(o.metadata.namespace, o.metadata.name!));
    if (!current) return;
    const next = clone(current);
    next.metadata.finalizers = (current.metadata.finalizers ?? []).filter((f) => f !== finalizer);
    if (next.metadata.finalizers.length === 0) delete next.metadata.finalizers;
    this.#commit(type, 'MODIFIED', next, current);
    if (!next.metadata.finalizers)
      this.#remove(
        type,
        this.#bucket(type).get(objectKey(o.metadata.namespace, o.metadata.name!))!,
      );
  }

  /** The namespace controller: empties a terminating namespace, then removes it. */
  finalizeNamespaces(): void {
    const nsType = this.typeFor('', 'namespaces')!;
    for (const ns of [...this.#bucket(nsType).values()]) {
      if (!ns.metadata.deletionTimestamp) continue;
      const name = ns.metadata.name!;
      for (const type of this.types()) {
        if (!type.namespaced) continue;
        for (const o of [...this.#bucket(type).values()]) {
          if (o.metadata.namespace === name && !o.metadata.deletionTimestamp) {
            this.delete(type, name, o.metadata.name!);
          }
        }
      }
      const current = this.#bucket(nsType).get(objectKey(undefined, name));
      if (
        current &&
        this.#countIn(name) === 0 &&
        (current.metadata.finalizers ?? []).length === 0
      ) {
        const next = clone(current);
        next.spec = { ...(next.spec as object), finalizers: [] };
        this.#commit(nsType, 'DELETED', next, current);
      }
    }
  }

  #countIn(namespace: string): number {
    let n = 0;
    for (const type of this.types()) {
      if (!type.namespaced) continue;
      for (const o of this.#bucket(type).values()) if (o.metadata.namespace === namespace) n++;
    }
    return n;
  }

  // ---- watch ----------------------------------------------------------------

  /**
   * Starts a watch. Without a resourceVersion (or "0") it begins with ADDED
   * for every current object; with one it replays the history after it, or
   * sends a 410 Expired ERROR when that point is gone. Returns a stop function.
   */
  watch(
    type: ResourceType,
    namespace: string | undefined,
    options: WatchOptions,
    send: (event: WatchEvent) => void,
  ): () => void {
    const matches = this.#matcher(type, options);
    const watcher: Watcher = {
      typeKey: typeKeyOf(type),
      ...(type.namespaced && namespace !== undefined ? { namespace } : {}),
      matches,
      send,
    };
    const from = options.resourceVersion;
    if (!from || from === '0') {
      for (const o of this.list(type, namespace, options).items) send({ type: 'ADDED', object: o });
    } else {
      const rv = Number(from);
      if (!Number.isInteger(rv) || rv < 0)
        throw errors.badRequest(`invalid resource version: ${from}`);
      if (rv < this.#compactedRV) {
        send({
          type: 'ERROR',
          object: errors.gone(`too old resource version: ${rv} (${this.#compactedRV})`).toStatus(),
        });
        return () => {};
      }
      for (const entry of this.#history) if (entry.rv > rv) this.#deliver(watcher, entry);
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
      if (now && !before) watcher.send({ type: 'ADDED', object: clone(entry.object) });
      else if (now) watcher.send({ type: 'MODIFIED', object: clone(entry.object) });
      else if (before) watcher.send({ type: 'DELETED', object: clone(entry.object) });
      return;
    }
    if (now) watcher.send({ type: entry.type, object: clone(entry.object) });
  }

  /** Forgets the watch history: resuming from any earlier resourceVersion gets 410 Expired. */
  compactHistory(): void {
    this.#history.length = 0;
    this.#compactedRV = this.#rv;
  }

  /** Writes a status as a controller of the cluster would (no admission, own field manager). */
  writeStatus(
    type: ResourceType,
    object: KubeObject,
    status: unknown,
    manager: string,
  ): KubeObject | undefined {
    const live = this.tryGet(type, object.metadata.namespace, object.metadata.name!);
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

function encodeContinue(afterKey: string, rv: number): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start: afterKey })).toString(
    'base64url',
  );
}

function decodeContinue(token: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
      start?: unknown;
    };
    if (typeof parsed.start === 'string') return parsed.start;
  } catch {
    // fall through
  }
  throw errors.badRequest('continue key is not valid: invalid continue token');
}
