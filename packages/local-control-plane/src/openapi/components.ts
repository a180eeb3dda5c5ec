// The component schemas of the built-in kinds, generated from the two
// descriptions the plane already keeps of them:
// - the protobuf wire schema (src/protobuf/schema): every message a served kind
//   reaches, its fields with their JSON names, scalar types, lists and maps,
//   inline (embedded) fields, and which fields the Go json tag requires;
// - the merge rules of each kind (src/kinds, src/patch/merge-rules.ts), walked
//   along the field paths they are written for: list types and map keys
//   (x-kubernetes-list-type / -list-map-keys), strategic merge patch strategies
//   and keys (x-kubernetes-patch-strategy / -merge-key), atomic maps and
//   structs (x-kubernetes-map-type) and the defaults of list keys;
// and, for what neither says, the table in facts.ts.
//
// The shape follows kube-apiserver's OpenAPI v3 (api/openapi-spec/v3): a field
// holding an object type is `allOf: [$ref]` with `default: {}`, a field of a
// type whose JSON is not an object (Time, Quantity, IntOrString, …) a bare
// `$ref`; every list says its list type; a field the Go json tag requires
// (no omitempty) is listed in `required` and, when scalar, defaults to its
// zero value.
import { deepEqual } from '@mcp-operator/kube-core/json';
import { KINDS } from '../kinds/index.ts';
import { mergeInfoForBuiltin } from '../patch/merge-info.ts';
import {
  fromTable,
  type ListType,
  type MergeInfo,
  type PatchStrategy,
} from '../patch/merge-rules.ts';
import {
  fieldsOf,
  goTagsOf,
  JSON_FORMS,
  lookupMessage,
  messageName,
  WELL_KNOWN,
  type FieldInfo,
  type MessageType,
} from '../protobuf/schema.ts';
import {
  COMPONENT_FACTS,
  EXTRA_COMPONENTS,
  OPAQUE_COMPONENTS,
  type ComponentFacts,
} from './facts.ts';
import {
  API_VERSION_DOC,
  componentName,
  gvk,
  KIND_DOC,
  METADATA_DOC,
  ref,
  type Schema,
} from './shared.ts';

/** A message the generator starts from: a served kind, or a type the operations use. */
export interface Root {
  message: MessageType;
  /** The merge rules below the message, by field path from it. */
  merge: MergeInfo;
  /** For a served kind: its GVK (the schema gets apiVersion, kind and the GVK). */
  kind?: { group: string; version: string; kind: string };
}

export interface GeneratorInput {
  roots: readonly Root[];
  /** By component name. */
  facts: Readonly<Record<string, ComponentFacts>>;
  /** The schemas of messages whose JSON is not an object of their fields, by component name. */
  opaque: Readonly<Record<string, Schema>>;
}

/** A field of a message as it sits in the JSON object: inline (embedded) fields flattened. */
interface JsonField {
  info: FieldInfo;
  /** The message declaring it (the embedded one for a flattened field). */
  owner: MessageType;
}

function jsonFields(type: MessageType): JsonField[] {
  return fieldsOf(type).flatMap((info) =>
    info.inline && info.message ? jsonFields(info.message) : [{ info, owner: type }],
  );
}

/** What the merge rules say of one field of one component, over every path reaching it. */
interface MergeFacts {
  list?: ListType;
  smp?: PatchStrategy;
  atomicMap?: boolean;
}

const isDefaultList = (t: ListType) => t.type === 'atomic';
const isDefaultSmp = (s: PatchStrategy) => s.strategy === 'replace';

/**
 * Walks every root's message tree along its field paths and records, for each
 * component and field, what the merge rules say there. A message reached by
 * several paths (PodSpec from Pod and from a Deployment's template) must be
 * told the same by each, or not told (the defaults: atomic lists, replace);
 * differing rules cannot be one component and are an error.
 */
class MergeFactsCollector {
  readonly fields = new Map<string, Map<string, MergeFacts>>();
  /** Components an object path calls atomic (+structType=atomic). */
  readonly atomic = new Set<string>();
  /** Defaults of list-map keys, by component and field (ContainerPort.protocol: TCP). */
  readonly keyDefaults = new Map<string, Map<string, unknown>>();

  constructor(private readonly isOpaque: (type: MessageType) => boolean) {}

  collect(root: Root): void {
    this.#walk(root.message, [], root.merge, new Set());
  }

  #walk(type: MessageType, path: string[], merge: MergeInfo, stack: Set<MessageType>): void {
    if (stack.has(type) || this.isOpaque(type)) return;
    stack.add(type);
    const name = componentName(messageName(type));
    for (const { info } of jsonFields(type)) {
      const at = [...path, info.jsonName];
      if (info.mapKey !== undefined) {
        if (merge.mapType?.(at) === 'atomic') this.#note(name, info.jsonName, { atomicMap: true });
      } else if (info.repeated) {
        const list = merge.listType(at);
        this.#note(name, info.jsonName, { list, smp: merge.patchStrategy(at) });
        if (list.type === 'map' && list.keyDefaults && info.message) {
          const item = componentName(messageName(info.message));
          const defaults = this.keyDefaults.get(item) ?? new Map<string, unknown>();
          for (const [key, value] of Object.entries(list.keyDefaults)) defaults.set(key, value);
          this.keyDefaults.set(item, defaults);
        }
      }
      if (info.message) {
        // The object of a list item or map value sits at the list's or map's path.
        if (info.mapKey === undefined && merge.mapType?.(at) === 'atomic') {
          this.atomic.add(componentName(messageName(info.message)));
        }
        this.#walk(info.message, at, merge, stack);
      }
    }
    stack.delete(type);
  }

  #note(component: string, field: string, facts: MergeFacts): void {
    const byField = this.fields.get(component) ?? new Map<string, MergeFacts>();
    this.fields.set(component, byField);
    const seen = byField.get(field) ?? {};
    const where = `${component}.${field}`;
    byField.set(field, {
      list: pick(seen.list, facts.list, isDefaultList, where),
      smp: pick(seen.smp, facts.smp, isDefaultSmp, where),
      atomicMap: Boolean(seen.atomicMap) || Boolean(facts.atomicMap),
    });
  }
}

function pick<T>(
  seen: T | undefined,
  next: T | undefined,
  isDefault: (value: T) => boolean,
  where: string,
): T | undefined {
  if (seen === undefined || isDefault(seen)) return next ?? seen;
  if (next === undefined || isDefault(next) || deepEqual(seen, next)) return seen;
  throw new Error(
    `merge rules disagree on ${where}: ${JSON.stringify(seen)} and ${JSON.stringify(next)}`,
  );
}

const INT32 = new Set(['int32', 'uint32', 'sint32', 'fixed32', 'sfixed32']);
const INT64 = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);

/** The schema of a protobuf scalar, as Go's encoding/json writes the Go type behind it. */
function scalarSchema(type: string): Schema {
  if (type === 'string') return { type: 'string' };
  if (type === 'bool') return { type: 'boolean' };
  if (type === 'bytes') return { type: 'string', format: 'byte' };
  if (INT32.has(type)) return { type: 'integer', format: 'int32' };
  if (INT64.has(type)) return { type: 'integer', format: 'int64' };
  if (type === 'double' || type === 'float') return { type: 'number', format: type };
  throw new Error(`no OpenAPI type for the protobuf scalar ${type}`);
}

/** The zero value Go writes for a scalar that is never omitted (none for []byte, nil). */
function zeroOf(type: string): unknown {
  if (type === 'string') return '';
  if (type === 'bool') return false;
  if (type === 'bytes') return undefined;
  return 0;
}

function withDefault(schema: Schema, value: unknown): Schema {
  return value === undefined ? schema : { ...schema, default: value };
}

class Generator {
  readonly #merge: MergeFactsCollector;
  readonly #schemas: Record<string, Schema> = {};
  readonly #kinds = new Map<string, Root['kind']>();

  constructor(private readonly input: GeneratorInput) {
    this.#merge = new MergeFactsCollector((type) => this.#opaque(type) !== undefined);
  }

  run(): Record<string, Schema> {
    for (const root of this.input.roots) {
      this.#merge.collect(root);
      if (root.kind) this.#kinds.set(componentName(messageName(root.message)), root.kind);
    }
    for (const root of this.input.roots) this.#component(root.message);
    return this.#schemas;
  }

  #opaque(type: MessageType): Schema | undefined {
    return this.input.opaque[componentName(messageName(type))];
  }

  /** Builds the component of a message and of every message it refers to. */
  #component(type: MessageType): string {
    const name = componentName(messageName(type));
    if (this.#schemas[name]) return name;
    const opaque = this.#opaque(type);
    if (opaque) {
      this.#schemas[name] = opaque;
      return name;
    }
    this.#schemas[name] = { type: 'object' }; // first: a recursive type refers to itself
    const facts = this.input.facts[name] ?? {};
    const kind = this.#kinds.get(name);
    const fields = jsonFields(type);
    const properties: Record<string, Schema> = {};
    for (const field of fields) properties[field.info.jsonName] = this.#field(name, field, facts);
    if (kind || facts.typeMeta) {
      properties.apiVersion = { description: API_VERSION_DOC, type: 'string' };
      properties.kind = { description: KIND_DOC, type: 'string' };
    }
    if (kind && properties.metadata) {
      properties.metadata = { ...properties.metadata, description: METADATA_DOC };
    }
    // Scalars without omitempty, and what the table adds, in the Go struct's order.
    const required = fields
      .filter(
        ({ info, owner }) =>
          facts.required?.includes(info.jsonName) ||
          (info.mapKey === undefined &&
            !info.repeated &&
            !info.message &&
            !goTagsOf(owner, info.id).omitempty),
      )
      .map(({ info }) => info.jsonName);
    const groupVersionKind = kind ?? facts.gvk;
    this.#schemas[name] = {
      ...(facts.description ? { description: facts.description } : {}),
      type: 'object',
      ...(Object.keys(properties).length ? { properties: sortKeys(properties) } : {}),
      ...(required.length ? { required } : {}),
      ...(facts.atomic || this.#merge.atomic.has(name)
        ? { 'x-kubernetes-map-type': 'atomic' }
        : {}),
      ...(groupVersionKind
        ? {
            'x-kubernetes-group-version-kind': [
              gvk(groupVersionKind.group, groupVersionKind.version, groupVersionKind.kind),
            ],
          }
        : {}),
    };
    return name;
  }

  #field(component: string, { info, owner }: JsonField, facts: ComponentFacts): Schema {
    const merge = this.#merge.fields.get(component)?.get(info.jsonName) ?? {};
    const extra = facts.fields?.[info.jsonName] ?? {};
    const keyDefault = this.#merge.keyDefaults.get(component)?.get(info.jsonName);
    if (info.mapKey !== undefined) {
      return {
        type: 'object',
        additionalProperties: this.#value(info),
        ...(merge.atomicMap || extra.atomicMap ? { 'x-kubernetes-map-type': 'atomic' } : {}),
      };
    }
    if (info.repeated) {
      const list = extra.set ? { type: 'set' as const } : (merge.list ?? { type: 'atomic' });
      const smp = merge.smp ?? { strategy: 'replace' };
      let strategy = smp.strategy === 'replace' ? undefined : 'merge';
      if (extra.retainKeys) strategy = strategy ? `${strategy},retainKeys` : 'retainKeys';
      return {
        type: 'array',
        items: this.#value(info),
        ...(list.type === 'map' ? { 'x-kubernetes-list-map-keys': list.keys } : {}),
        'x-kubernetes-list-type': list.type,
        ...(smp.strategy === 'merge' ? { 'x-kubernetes-patch-merge-key': smp.mergeKey } : {}),
        ...(strategy ? { 'x-kubernetes-patch-strategy': strategy } : {}),
      };
    }
    const retainKeys = extra.retainKeys ? { 'x-kubernetes-patch-strategy': 'retainKeys' } : {};
    if (info.message) return { ...this.#reference(info.message), ...retainKeys };
    const tags = goTagsOf(owner, info.id);
    const zero = !tags.omitempty && !tags.pointer ? zeroOf(info.type) : undefined;
    return withDefault(scalarSchema(info.type), keyDefault ?? zero);
  }

  /** A list item or a map value. */
  #value(info: FieldInfo): Schema {
    if (info.message) return this.#reference(info.message);
    return withDefault(scalarSchema(info.type), zeroOf(info.type));
  }

  /** A field holding a message: kube's allOf wrapping for objects, a bare $ref otherwise. */
  #reference(type: MessageType): Schema {
    const name = this.#component(type);
    const opaque = this.#opaque(type);
    if (opaque && opaque.type !== 'object') return ref(name);
    return { allOf: [ref(name)], default: {} };
  }
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(
    Object.keys(record)
      .sort()
      .map((k) => [k, record[k]!]),
  );
}

/** Generates the component schemas of the roots' messages and every message they reach. */
export function generateComponents(input: GeneratorInput): Record<string, Schema> {
  return new Generator(input).run();
}

// ---- the built-in kinds ------------------------------------------------------

const META = 'k8s.io.apimachinery.pkg.apis.meta.v1';

/** The messages generation starts from: each served kind, and those the operations use. */
export function builtinRoots(): Root[] {
  const roots: Root[] = [];
  // A kind without a wire schema gets no component (its documents then describe
  // it as preserving unknown fields, as they do a custom resource without a schema).
  for (const kind of KINDS) {
    if (!kind.protobuf) continue;
    roots.push({
      message: lookupMessage(kind.protobuf),
      merge: mergeInfoForBuiltin(kind.group, kind.version, kind.kind),
      kind: { group: kind.group, version: kind.version, kind: kind.kind },
    });
  }
  // DELETE bodies and answers, and watch events.
  for (const name of ['DeleteOptions', 'Status', 'WatchEvent']) {
    roots.push({ message: lookupMessage(`${META}.${name}`), merge: fromTable({}) });
  }
  return roots;
}

/**
 * The schemas of the messages the wire schema says have a JSON form of their
 * own (WELL_KNOWN, JSON_FORMS), by component name, from the table.
 */
function opaqueComponents(): Record<string, Schema> {
  const out: Record<string, Schema> = {};
  for (const message of [...Object.values(WELL_KNOWN), ...Object.values(JSON_FORMS)]) {
    const name = componentName(message);
    const schema = OPAQUE_COMPONENTS[name];
    if (!schema) throw new Error(`no OpenAPI schema for ${message}, whose JSON is its own`);
    out[name] = schema;
  }
  return out;
}

let cache: Record<string, Schema> | undefined;

/** Every built-in component schema, meta types included (built once, never mutated). */
export function builtinComponents(): Record<string, Schema> {
  cache ??= {
    ...generateComponents({
      roots: builtinRoots(),
      facts: COMPONENT_FACTS,
      opaque: opaqueComponents(),
    }),
    ...EXTRA_COMPONENTS,
  };
  return cache;
}
