// Shapes shared by the parts of the local API server.
import type { StructuralSchema } from '@mcp-operator/kube-core/structural';
import type {
  KubeObject as BaseKubeObject,
  ObjectMeta as BaseObjectMeta,
} from '@mcp-operator/kube-core/port';

/** The port's ObjectMeta with the fields the server itself manages typed precisely. */
export interface ObjectMeta extends BaseObjectMeta {
  deletionGracePeriodSeconds?: number;
  ownerReferences?: OwnerReference[];
  managedFields?: ManagedFieldsEntry[];
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time?: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Record<string, unknown>;
  subresource?: string;
}

/** Any Kubernetes object as JSON. */
export interface KubeObject extends BaseKubeObject {
  metadata: ObjectMeta;
}

export interface PrinterColumn {
  name: string;
  type: string;
  format?: string;
  description?: string;
  priority?: number;
  jsonPath: string;
}

/** A resource the server serves: a built-in, or one registered by a CRD. */
export interface ResourceType {
  group: string;
  version: string;
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  /** Whether a `status` subresource exists (status is ignored on the main endpoint). */
  statusSubresource: boolean;
  builtin: boolean;
  /** CRDs: the openAPIV3Schema; applied for pruning, defaulting and validation. */
  schema?: StructuralSchema;
  /** CRDs: additionalPrinterColumns. */
  printerColumns?: PrinterColumn[];
  /** CRDs: the version's selectableFields, as JSON paths (`.spec.color`). */
  selectableFields?: string[];
}

export { apiVersionOf } from '@mcp-operator/kube-core/port';
