// What the local API server knows of one built-in kind, in one place, as
// kube-apiserver keeps a registry strategy (pkg/registry/<group>/<kind>/strategy.go)
// and a REST storage per resource: names and scope, subresources, the
// generation rule, admission (defaults and validation), write hooks, merge
// rules, printer, selectable fields, the DELETE answer and the wire schemas.
import type { FieldError } from '../errors.ts';
import type { Verb } from '../faults.ts';
import type { NameRule } from '../metadata.ts';
import type { MergeTable } from '../patch/merge-rules.ts';
import type { Authorizer } from '../rbac/authorizer.ts';
import type { UserInfo } from '../rbac/user.ts';
import type { KubeObject } from '../types.ts';
import type { SelectableFields } from './field-labels.ts';
import type { Printer } from './print.ts';

/** What the store lends a write hook. */
export interface WriteContext {
  /** The next free cluster IP; undefined when the plane does not allocate them. */
  allocateClusterIP: (() => string) | undefined;
}

/**
 * A resource served from another resource's storage (kube-apiserver's
 * cohabitating resources), with the conversions between the two versions.
 */
export interface SharedStorage {
  group: string;
  plural: string;
  toStorage(object: KubeObject): KubeObject;
  fromStorage(object: KubeObject): KubeObject;
}

/** Who asks, and the authorizer that decides for the server: what a review answers with. */
export interface Requester {
  user: UserInfo;
  authorizer: Authorizer;
}

/** A `scale` subresource serving an autoscaling/v1 Scale of the object. */
export interface ScaleSubresource {
  toScale(object: KubeObject): KubeObject;
}

export interface KindStrategy {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly plural: string;
  readonly namespaced: boolean;
  readonly shortNames: readonly string[];
  readonly categories: readonly string[];
  /** Whether a `status` subresource exists (status is ignored on the main endpoint). */
  readonly statusSubresource: boolean;
  readonly scale?: ScaleSubresource;
  /** Whether writes bump metadata.generation when the spec changes. */
  readonly tracksGeneration: boolean;
  readonly nameRule: NameRule;
  /**
   * Whether a DELETE that removes the object answers with it rather than a
   * Status (`ReturnDeletedObject: true` in its kube-apiserver REST storage).
   */
  readonly returnsDeletedObject: boolean;
  readonly storedAs?: SharedStorage;
  /** What decoding a request body into the internal type changes, in place (not for status writes). */
  readonly decode?: (object: KubeObject) => void;
  /** Server-side defaults, in place. */
  readonly defaults?: (object: KubeObject) => void;
  /** Validation of a create (old undefined) or an update, immutable fields included. */
  readonly validate?: (object: KubeObject, old: KubeObject | undefined) => FieldError[];
  /** After admission of a create, in place (PrepareForCreate's server-filled fields). */
  readonly beforeCreate?: (object: KubeObject, context: WriteContext) => void;
  /** After admission of an update, in place: what the live object keeps. */
  readonly beforeUpdate?: (next: KubeObject, live: KubeObject) => void;
  /** Strategic merge patch and server-side apply rules below the object root (ObjectMeta's come free). */
  readonly mergeRules: MergeTable;
  /** The server-side printer; the default convertor (Name, Created At) when absent. */
  readonly printer?: Printer;
  /** The field selectors; metadata.name and metadata.namespace when absent. */
  readonly selectableFields?: SelectableFields;
  /** The OpenAPI component name (openapi/components.ts generates the schemas). */
  readonly openapi: string;
  /** The protobuf message (protobuf/schema holds the wire schema); JSON only when absent. */
  readonly protobuf?: string;
  /** The verbs the resource serves (discovery lists them); all eight when absent. */
  readonly verbs?: readonly Exclude<Verb, 'discovery'>[];
  /**
   * A kind that is never stored (the self reviews, whose REST storage only
   * implements Create): the answer to a create, computed for the requester.
   */
  readonly answer?: (object: KubeObject, requester: Requester) => KubeObject;
}

export type KindOptions = Partial<
  Omit<KindStrategy, 'group' | 'version' | 'kind' | 'plural' | 'openapi'>
>;

/** A strategy with kube's usual answers for what `options` leaves out. */
export function kindStrategy(
  group: string,
  version: string,
  kind: string,
  plural: string,
  schemas: { openapi: string; protobuf?: string },
  options: KindOptions = {},
): KindStrategy {
  return {
    group,
    version,
    kind,
    plural,
    namespaced: true,
    shortNames: [],
    categories: [],
    statusSubresource: false,
    tracksGeneration: false,
    nameRule: 'subdomain',
    returnsDeletedObject: false,
    mergeRules: {},
    ...schemas,
    ...options,
  };
}
