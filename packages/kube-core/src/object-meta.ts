// The JSON fields of metav1.ObjectMeta and of the structs inside it, as
// kube-apiserver's decoder knows them: what strict field validation accepts in
// `metadata` and what coercion to ObjectMeta keeps. One list for the API's
// offline validation and the local control plane.

export const OBJECT_META_FIELDS: ReadonlySet<string> = new Set([
  'name',
  'generateName',
  'namespace',
  'selfLink',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'ownerReferences',
  'finalizers',
  'managedFields',
]);

export const OWNER_REFERENCE_FIELDS: ReadonlySet<string> = new Set([
  'apiVersion',
  'kind',
  'name',
  'uid',
  'controller',
  'blockOwnerDeletion',
]);

export const MANAGED_FIELDS_ENTRY_FIELDS: ReadonlySet<string> = new Set([
  'manager',
  'operation',
  'apiVersion',
  'time',
  'fieldsType',
  'fieldsV1',
  'subresource',
]);
