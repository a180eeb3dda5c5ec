// Go's %#v of the internal apiextensions structs kube puts into CRD field
// errors as bad values. Pointers to non-nil structs print as addresses in
// kube, which differ on every run; they print as 0xc000000000 here.
import { GoLiteral } from './field.ts';
import { goQuote, goStrings } from '@mcp-operator/kube-core/go-format';
import { isObject } from '@mcp-operator/kube-core/json';

const POINTER = '0xc000000000';

function str(v: unknown): string {
  return goQuote(typeof v === 'string' ? v : '');
}

function ptr(type: string, present: boolean): string {
  return `(*${type})(${present ? POINTER : 'nil'})`;
}

/** apiextensions.ValidationRule{...} of an x-kubernetes-validations entry. */
export function validationRuleLiteral(rule: Record<string, unknown>): GoLiteral {
  return new GoLiteral(
    `apiextensions.ValidationRule{Rule:${str(rule.rule)}, Message:${str(rule.message)}, MessageExpression:${str(
      rule.messageExpression,
    )}, Reason:${ptr('apiextensions.FieldValueErrorReason', rule.reason !== undefined)}, FieldPath:${str(
      rule.fieldPath,
    )}, OptionalOldSelf:${ptr('bool', rule.optionalOldSelf !== undefined)}}`,
  );
}

function columnLiteral(c: Record<string, unknown>): string {
  const priority = typeof c.priority === 'number' ? c.priority : 0;
  return `apiextensions.CustomResourceColumnDefinition{Name:${str(c.name)}, Type:${str(c.type)}, Format:${str(
    c.format,
  )}, Description:${str(c.description)}, Priority:${priority}, JSONPath:${str(c.jsonPath)}}`;
}

/** One internal CustomResourceDefinitionVersion (after per-version fields were hoisted or kept). */
export interface InternalVersion {
  raw: Record<string, unknown>;
  schema?: unknown;
  subresources?: unknown;
  columns?: unknown[];
}

function versionLiteral(v: InternalVersion): string {
  const r = v.raw;
  const columns = v.columns?.length
    ? `[]apiextensions.CustomResourceColumnDefinition{${v.columns
        .map((c) => columnLiteral(isObject(c) ? c : {}))
        .join(', ')}}`
    : '[]apiextensions.CustomResourceColumnDefinition(nil)';
  return `apiextensions.CustomResourceDefinitionVersion{Name:${str(r.name)}, Served:${r.served === true}, Storage:${
    r.storage === true
  }, Deprecated:${r.deprecated === true}, DeprecationWarning:${ptr('string', typeof r.deprecationWarning === 'string')}, Schema:${ptr(
    'apiextensions.CustomResourceValidation',
    v.schema !== undefined,
  )}, Subresources:${ptr('apiextensions.CustomResourceSubresources', v.subresources !== undefined)}, AdditionalPrinterColumns:${columns}, SelectableFields:[]apiextensions.SelectableField(nil)}`;
}

/** []apiextensions.CustomResourceDefinitionVersion{...} of spec.versions. */
export function versionsLiteral(versions: InternalVersion[] | undefined): GoLiteral {
  if (!versions) return new GoLiteral('[]apiextensions.CustomResourceDefinitionVersion(nil)');
  return new GoLiteral(
    `[]apiextensions.CustomResourceDefinitionVersion{${versions.map(versionLiteral).join(', ')}}`,
  );
}

/** []string{...} (or its nil form). */
export function stringsLiteral(values: string[] | undefined): GoLiteral {
  return new GoLiteral(goStrings(values));
}

/** The root schema struct, which kube prints in full; abbreviated here. */
export function schemaPropsLiteral(): GoLiteral {
  return new GoLiteral('apiextensions.JSONSchemaProps{...}');
}
