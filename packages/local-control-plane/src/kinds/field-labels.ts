// The field selectors a resource supports, as kube-apiserver decides them, and
// the pieces the registry entries build theirs from. selectors.ts parses a
// selector against them.
import { goQuote } from '@mcp-operator/kube-core/go-format';
import type { KubeObject } from '../types.ts';

export type Getter = (obj: KubeObject) => string | undefined;

/**
 * The field selectors one resource supports, as kube-apiserver decides them:
 * the kind's field label conversion function (AddFieldLabelConversionFunc)
 * says which labels a request may use and words the refusal, and the
 * registry's selectable fields (GetAttrs) say what each label reads on the
 * stored object (missing fields read as "").
 */
export interface SelectableFields {
  /** What a request's label reads on the stored object; undefined when the label is not supported. */
  resolve(label: string): Getter | undefined;
  /** kube-apiserver's message refusing a label (a 400). */
  unsupported(label: string): string;
}

export function at(...path: string[]): Getter {
  return (obj) => {
    let node: unknown = obj;
    for (const key of path) {
      if (node === null || typeof node !== 'object' || Array.isArray(node)) return undefined;
      node = (node as Record<string, unknown>)[key];
    }
    if (typeof node === 'string') return node;
    if (typeof node === 'number' || typeof node === 'boolean') return String(node);
    return undefined;
  };
}

export const NAME: Record<string, Getter> = { 'metadata.name': at('metadata', 'name') };
export const NAME_AND_NAMESPACE: Record<string, Getter> = {
  ...NAME,
  'metadata.namespace': at('metadata', 'namespace'),
};

const own = (fields: Record<string, Getter>, label: string) =>
  Object.prototype.hasOwnProperty.call(fields, label) ? fields[label] : undefined;

/**
 * runtime.DefaultMetaV1FieldSelectorConversion, for kinds that register no
 * conversion function of their own (ConfigMap, Deployment, Ingress, Lease…):
 * metadata.name and metadata.namespace, and a refusal that names them.
 */
export const DEFAULT_SELECTABLE_FIELDS: SelectableFields = {
  resolve: (label) => own(NAME_AND_NAMESPACE, label),
  unsupported: (label) =>
    `${goQuote(label)} is not a known field selector: only "metadata.name", "metadata.namespace"`,
};

/** A kind with a conversion function of its own: exactly these labels, refused as "field label not supported". */
export function only(fields: Record<string, Getter>): SelectableFields {
  return {
    resolve: (label) => own(fields, label),
    unsupported: (label) => `field label not supported: ${label}`,
  };
}
