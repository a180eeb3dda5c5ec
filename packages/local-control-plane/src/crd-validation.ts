// What kube-apiserver checks when a CustomResourceDefinition is created or
// updated, what it registers once the CRD is accepted, and the status it sets.
//
// kube validates the internal form of the CRD: v1 defaults applied
// (singular, listKind, conversion), and per-version schemas, subresources and
// printer columns that are identical in every version hoisted to the spec.
// Errors therefore name `spec.validation.openAPIV3Schema...`,
// `spec.subresources...` and `spec.additionalPrinterColumns[0]...` for the
// usual single-version CRD, as kube's messages do.
import { withSharedCostBudget } from '@mcp-operator/kube-core/cel';
import type { StructuralSchema } from '@mcp-operator/kube-core/structural';
import type { FieldError } from './errors.ts';
import type { KubeObject, PrinterColumn, ResourceType } from './types.ts';
import { child, fieldError, index, key } from './schema/field.ts';
import { stringsLiteral, versionsLiteral, type InternalVersion } from './schema/gostruct.ts';
import { validateOpenAPISchemaProps, validateRootForStatus } from './schema/crd-openapi.ts';
import { validateDefaults, validateStructural } from './schema/crd-structural.ts';
import { isDNS1035Label, isDNS1123Subdomain } from '@mcp-operator/kube-core/names';
import { asObject, clone, deepEqual } from '@mcp-operator/kube-core/json';

type Json = Record<string, unknown>;

const PRINTER_COLUMN_TYPES = ['boolean', 'date', 'integer', 'number', 'string'];
const PRINTER_COLUMN_FORMATS = [
  'byte',
  'date',
  'date-time',
  'double',
  'float',
  'int32',
  'int64',
  'password',
];
const APPROVAL_ANNOTATION = 'api-approved.kubernetes.io';

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** The CRD as kube validates it: v1 defaults applied, shared per-version parts hoisted. */
interface InternalCRD {
  name: string;
  annotations: Record<string, unknown>;
  group: string;
  scope: string;
  names: Json;
  versions?: InternalVersion[];
  validation?: Json;
  subresources?: Json;
  columns?: Json[];
  preserveUnknownFields: boolean;
  conversion: Json;
  storedVersions: string[];
}

function allIdentical(values: unknown[], present: (v: unknown) => boolean): boolean {
  return values.length > 0 && values.every((v) => present(v) && deepEqual(v, values[0]));
}

function internalize(crd: KubeObject): InternalCRD {
  const spec = asObject(crd.spec) ?? {};
  const names = { ...(asObject(spec.names) ?? {}) };
  const kind = str(names.kind);
  if (!str(names.singular)) names.singular = kind.toLowerCase();
  if (!str(names.listKind) && kind) names.listKind = `${kind}List`;
  const raw = Array.isArray(spec.versions)
    ? spec.versions.map((v) => asObject(v) ?? {})
    : undefined;
  const schemas = (raw ?? []).map((v) => asObject(v.schema));
  const subresources = (raw ?? []).map((v) => asObject(v.subresources));
  const columns = (raw ?? []).map((v) =>
    Array.isArray(v.additionalPrinterColumns) ? v.additionalPrinterColumns : undefined,
  );
  const hoistSchema = allIdentical(schemas, (s) => s !== undefined);
  const hoistSubresources = allIdentical(subresources, (s) => s !== undefined);
  const hoistColumns = allIdentical(columns, (c) => Array.isArray(c) && c.length > 0);
  const versions = raw?.map((v, i) => ({
    raw: v,
    schema: hoistSchema ? undefined : schemas[i],
    subresources: hoistSubresources ? undefined : subresources[i],
    columns: hoistColumns ? undefined : columns[i],
  }));
  // PrepareForCreate/Update record only the first storage version.
  const firstStorage = (raw ?? []).find((v) => v.storage === true);
  const storage = firstStorage ? [str(firstStorage.name)] : [];
  return {
    name: str(crd.metadata?.name),
    annotations: asObject(crd.metadata?.annotations) ?? {},
    group: str(spec.group),
    scope: str(spec.scope),
    names,
    versions,
    validation: hoistSchema ? schemas[0] : undefined,
    subresources: hoistSubresources ? subresources[0] : undefined,
    columns: hoistColumns ? (columns[0] as unknown[]).map((c) => asObject(c) ?? {}) : undefined,
    preserveUnknownFields: spec.preserveUnknownFields === true,
    conversion: asObject(spec.conversion) ?? { strategy: 'None' },
    storedVersions: storage,
  };
}

function validateNames(names: Json, path: string): FieldError[] {
  const errors: FieldError[] = [];
  for (const field of ['plural', 'singular'] as const) {
    const v = str(names[field]);
    const errs = isDNS1035Label(v);
    if (v && errs.length) errors.push(fieldError.invalid(child(path, field), v, errs.join(',')));
  }
  for (const field of ['kind', 'listKind'] as const) {
    const v = str(names[field]);
    const errs = isDNS1035Label(v.toLowerCase());
    if (v && errs.length) {
      errors.push(
        fieldError.invalid(
          child(path, field),
          v,
          `may have mixed case, but should otherwise match: ${errs.join(',')}`,
        ),
      );
    }
  }
  strings(names.shortNames).forEach((s, i) => {
    const errs = isDNS1035Label(s);
    if (errs.length)
      errors.push(fieldError.invalid(index(child(path, 'shortNames'), i), s, errs.join(',')));
  });
  const kind = str(names.kind);
  if (kind && kind === str(names.listKind)) {
    errors.push(
      fieldError.invalid(child(path, 'listKind'), kind, 'kind and listKind may not be the same'),
    );
  }
  strings(names.categories).forEach((c, i) => {
    const errs = isDNS1035Label(c);
    if (errs.length)
      errors.push(fieldError.invalid(index(child(path, 'categories'), i), c, errs.join(',')));
  });
  return errors;
}

function simpleJsonPath(s: string, path: string): FieldError[] {
  if (s.length === 0) return [fieldError.invalid(path, s, 'must not be empty')];
  if (!s.startsWith('.'))
    return [fieldError.invalid(path, s, 'must be a simple json path starting with .')];
  return [];
}

function validateColumn(col: Json, path: string): FieldError[] {
  const errors: FieldError[] = [];
  if (!str(col.name)) errors.push(fieldError.required(child(path, 'name')));
  const type = str(col.type);
  const typeDetail = `must be one of ${PRINTER_COLUMN_TYPES.join(',')}`;
  if (!type) errors.push(fieldError.required(child(path, 'type'), typeDetail));
  else if (!PRINTER_COLUMN_TYPES.includes(type))
    errors.push(fieldError.invalid(child(path, 'type'), type, typeDetail));
  const format = str(col.format);
  if (format && !PRINTER_COLUMN_FORMATS.includes(format)) {
    errors.push(
      fieldError.invalid(
        child(path, 'format'),
        format,
        `must be one of ${PRINTER_COLUMN_FORMATS.join(',')}`,
      ),
    );
  }
  const jsonPath = str(col.jsonPath);
  if (!jsonPath) errors.push(fieldError.required(child(path, 'JSONPath')));
  else errors.push(...simpleJsonPath(jsonPath, child(path, 'JSONPath')));
  return errors;
}

function validateSubresources(sub: Json | undefined, path: string): FieldError[] {
  const scale = asObject(sub?.scale);
  if (!scale) return [];
  const errors: FieldError[] = [];
  const checks: [string, string, string[], string][] = [
    ['specReplicasPath', 'scale.specReplicasPath', ['.spec.'], 'should be a json path under .spec'],
    [
      'statusReplicasPath',
      'scale.statusReplicasPath',
      ['.status.'],
      'should be a json path under .status',
    ],
  ];
  for (const [field, name, prefixes, detail] of checks) {
    const v = str(scale[field]);
    if (!v) errors.push(fieldError.required(child(path, name)));
    else {
      const errs = simpleJsonPath(v, child(path, name));
      if (errs.length) errors.push(...errs);
      else if (!prefixes.some((p) => v.startsWith(p)))
        errors.push(fieldError.invalid(child(path, name), v, detail));
    }
  }
  const selector = str(scale.labelSelectorPath);
  if (selector) {
    const errs = simpleJsonPath(selector, child(path, 'scale.labelSelectorPath'));
    if (errs.length) errors.push(...errs);
    else if (!selector.startsWith('.spec.') && !selector.startsWith('.status.')) {
      errors.push(
        fieldError.invalid(
          child(path, 'scale.labelSelectorPath'),
          selector,
          'should be a json path under either .spec or .status',
        ),
      );
    }
  }
  return errors;
}

/** validateCustomResourceDefinitionValidation: one openAPIV3Schema. */
function validateSchema(
  validation: Json | undefined,
  statusEnabled: boolean,
  path: string,
): FieldError[] {
  const schema = asObject(validation?.openAPIV3Schema);
  if (!schema) return [];
  const schemaPath = child(path, 'openAPIV3Schema');
  const errors: FieldError[] = [];
  if (statusEnabled) errors.push(...validateRootForStatus(schema, schemaPath));
  if (schema.nullable === true) {
    errors.push(
      fieldError.forbidden(
        child(path, 'openAPIV3Schema.nullable'),
        'nullable cannot be true at the root',
      ),
    );
  }
  const structural = validateStructural(schema, schemaPath);
  let cel = false;
  if (structural.length) errors.push(...structural);
  else {
    // ValidateDefaults runs the CEL rules of every default under one
    // RuntimeCELCostBudget: once it is spent, no further default's rules run.
    const defaults = withSharedCostBudget(() => validateDefaults(schema, schemaPath));
    if (defaults.length) errors.push(...defaults);
    else cel = true;
  }
  errors.push(...validateOpenAPISchemaProps(schema, schemaPath, cel));
  return errors;
}

function validateConversion(conversion: Json, path: string): FieldError[] {
  const errors: FieldError[] = [];
  const strategy = str(conversion.strategy);
  if (!strategy) errors.push(fieldError.required(child(path, 'strategy')));
  else if (strategy !== 'None' && strategy !== 'Webhook') {
    errors.push(fieldError.notSupported(child(path, 'strategy'), strategy, ['None', 'Webhook']));
  }
  const webhook = asObject(conversion.webhook);
  if (strategy === 'Webhook') {
    const config = asObject(webhook?.clientConfig);
    if (!config)
      errors.push(
        fieldError.required(
          child(path, 'webhookClientConfig'),
          'required when strategy is set to Webhook',
        ),
      );
    else if ((config.url === undefined) === (config.service === undefined)) {
      errors.push(
        fieldError.required(
          child(path, 'webhookClientConfig'),
          'exactly one of url or service is required',
        ),
      );
    }
    const reviewVersions = strings(webhook?.conversionReviewVersions);
    if (reviewVersions.length === 0)
      errors.push(fieldError.required(child(path, 'conversionReviewVersions')));
    else if (!reviewVersions.some((v) => v === 'v1' || v === 'v1beta1')) {
      errors.push(
        fieldError.invalid(
          child(path, 'conversionReviewVersions'),
          stringsLiteral(reviewVersions),
          'must include at least one of v1, v1beta1',
        ),
      );
    }
  } else if (webhook) {
    errors.push(
      fieldError.forbidden(
        child(path, 'webhookClientConfig'),
        'should not be set when strategy is not set to Webhook',
      ),
    );
  }
  return errors;
}

function validateSpec(c: InternalCRD): FieldError[] {
  const errors: FieldError[] = [];
  const spec = 'spec';
  if (!c.group) errors.push(fieldError.required(child(spec, 'group')));
  else {
    const errs = isDNS1123Subdomain(c.group);
    if (errs.length) errors.push(fieldError.invalid(child(spec, 'group'), c.group, errs.join(',')));
    else if (c.group.split('.').length < 2) {
      errors.push(
        fieldError.invalid(
          child(spec, 'group'),
          c.group,
          'should be a domain with at least one dot',
        ),
      );
    }
  }
  if (!c.scope) errors.push(fieldError.required(child(spec, 'scope')));
  else if (c.scope !== 'Cluster' && c.scope !== 'Namespaced') {
    errors.push(fieldError.notSupported(child(spec, 'scope'), c.scope, ['Cluster', 'Namespaced']));
  }
  const versions = c.versions ?? [];
  if (!c.validation) {
    versions.forEach((v, i) => {
      if (!asObject(v.schema)?.openAPIV3Schema) {
        errors.push(
          fieldError.required(
            child(child(index(child(spec, 'versions'), i), 'schema'), 'openAPIV3Schema'),
          ),
        );
      }
    });
  }
  const seen = new Set<string>();
  let unique = true;
  let storageCount = 0;
  versions.forEach((v, i) => {
    const name = str(v.raw.name);
    const vPath = index(child(spec, 'versions'), i);
    if (v.raw.storage === true) storageCount++;
    if (seen.has(name)) unique = false;
    seen.add(name);
    const errs = isDNS1035Label(name);
    if (errs.length) errors.push(fieldError.invalid(child(vPath, 'name'), name, errs.join(',')));
    errors.push(...validateVersion(c, v, vPath));
  });
  if (!unique)
    errors.push(
      fieldError.invalid(
        child(spec, 'versions'),
        versionsLiteral(c.versions),
        'must contain unique version names',
      ),
    );
  if (storageCount !== 1) {
    errors.push(
      fieldError.invalid(
        child(spec, 'versions'),
        versionsLiteral(c.versions),
        'must have exactly one version marked as storage version',
      ),
    );
  }
  const namesPath = child(spec, 'names');
  for (const field of ['plural', 'singular', 'kind', 'listKind']) {
    if (!str(c.names[field])) errors.push(fieldError.required(child(namesPath, field)));
  }
  errors.push(...validateNames(c.names, namesPath));
  errors.push(...validateSchema(c.validation, statusEnabled(c), child(spec, 'validation')));
  errors.push(...validateSubresources(c.subresources, child(spec, 'subresources')));
  (c.columns ?? []).forEach((col, i) => {
    errors.push(...validateColumn(col, index(child(spec, 'additionalPrinterColumns'), i)));
  });
  if (
    c.conversion.strategy !== undefined &&
    c.conversion.strategy !== 'None' &&
    c.preserveUnknownFields
  ) {
    errors.push(
      fieldError.invalid(
        child(child(spec, 'conversion'), 'strategy'),
        str(c.conversion.strategy),
        'must be None if spec.preserveUnknownFields is true',
      ),
    );
  }
  errors.push(...validateConversion(c.conversion, child(spec, 'conversion')));
  return errors;
}

function statusEnabled(c: InternalCRD, v?: InternalVersion): boolean {
  if (c.subresources?.status !== undefined) return true;
  if (v) return asObject(v.subresources)?.status !== undefined;
  return (c.versions ?? []).some((x) => asObject(x.subresources)?.status !== undefined);
}

function validateVersion(c: InternalCRD, v: InternalVersion, path: string): FieldError[] {
  const errors: FieldError[] = [];
  const { deprecated, deprecationWarning } = v.raw;
  if (deprecationWarning !== undefined && deprecationWarning !== null) {
    const w = str(deprecationWarning);
    const problems: string[] = [];
    if (deprecated !== true) problems.push('can only be set for deprecated versions');
    else {
      if (w.length > 256) problems.push('must be <= 256 characters long');
      if (w.length === 0) problems.push('must not be an empty string');
    }
    for (const p of problems)
      errors.push(fieldError.invalid(child(path, 'deprecationWarning'), w, p));
  }
  errors.push(...validateSchema(asObject(v.schema), statusEnabled(c, v), child(path, 'schema')));
  errors.push(...validateSubresources(asObject(v.subresources), child(path, 'subresources')));
  (v.columns ?? []).forEach((col, i) => {
    errors.push(
      ...validateColumn(asObject(col) ?? {}, index(child(path, 'additionalPrinterColumns'), i)),
    );
  });
  return errors;
}

function validateStoredVersions(
  stored: string[],
  versions: InternalVersion[] | undefined,
): FieldError[] {
  const path = 'status.storedVersions';
  if (stored.length === 0)
    return [
      fieldError.invalid(path, stringsLiteral(stored), 'must have at least one stored version'),
    ];
  const errors: FieldError[] = [];
  const remaining = new Map(stored.map((v, i) => [v, i]));
  for (const v of versions ?? []) {
    const name = str(v.raw.name);
    if (v.raw.storage === true && !remaining.has(name)) {
      errors.push(
        fieldError.invalid(path, stringsLiteral(stored), `must have the storage version ${name}`),
      );
    }
    remaining.delete(name);
  }
  for (const [v, i] of remaining) {
    errors.push(
      fieldError.invalid(
        index(path, i),
        v,
        `missing from spec.versions; ${v} was previously a storage version, and must remain in spec.versions until a storage migration ensures no data remains persisted in ${v} and removes ${v} from status.storedVersions`,
      ),
    );
  }
  return errors;
}

function isProtectedGroup(group: string): boolean {
  return ['k8s.io', 'kubernetes.io'].some((g) => group === g || group.endsWith(`.${g}`));
}

/**
 * Validates a CustomResourceDefinition on create (or on update, given the
 * stored CRD), with kube's paths and messages. metadata.name must be
 * `<plural>.<group>`; its other ObjectMeta checks (DNS subdomain, labels,
 * annotations) are the store's, and lead the list in kube.
 */
export function validateCRD(crd: KubeObject, oldCrd?: KubeObject): FieldError[] {
  const c = internalize(crd);
  const old = oldCrd ? internalize(oldCrd) : undefined;
  const errors: FieldError[] = [];
  const required = `${str(c.names.plural)}.${c.group}`;
  if (c.name && c.name !== required) {
    errors.push(
      fieldError.invalid('metadata.name', c.name, 'must be spec.names.plural+"."+spec.group'),
    );
  }
  errors.push(...validateSpec(c));
  if (old && oldCrd) {
    const established = crdEstablished(oldCrd);
    if (established) {
      if (c.scope !== old.scope)
        errors.push(fieldError.invalid('spec.scope', c.scope, 'field is immutable'));
      if (str(c.names.kind) !== str(old.names.kind)) {
        errors.push(fieldError.invalid('spec.names.kind', str(c.names.kind), 'field is immutable'));
      }
    }
    if (c.group !== old.group)
      errors.push(fieldError.invalid('spec.group', c.group, 'field is immutable'));
    if (str(c.names.plural) !== str(old.names.plural)) {
      errors.push(
        fieldError.invalid('spec.names.plural', str(c.names.plural), 'field is immutable'),
      );
    }
  }
  const stored = storedVersionsAfterWrite(crd, oldCrd);
  errors.push(...validateStoredVersions(stored, c.versions));
  if (isProtectedGroup(c.group)) {
    const approval = c.annotations[APPROVAL_ANNOTATION];
    if (typeof approval !== 'string' || !approval) {
      errors.push(
        fieldError.required(
          key('metadata.annotations', APPROVAL_ANNOTATION),
          `protected groups must have approval annotation "${APPROVAL_ANNOTATION}", see https://github.com/kubernetes/enhancements/pull/1111`,
        ),
      );
    }
  }
  if (c.preserveUnknownFields && !(old?.preserveUnknownFields ?? false)) {
    errors.push(
      fieldError.invalid(
        'spec.preserveUnknownFields',
        true,
        'cannot set to true, set x-kubernetes-preserve-unknown-fields to true in openAPIV3Schema instead',
      ),
    );
  }
  return errors;
}

function crdEstablished(crd: KubeObject): boolean {
  const conditions = asObject(crd.status)?.conditions;
  return (
    Array.isArray(conditions) &&
    conditions.some((x) => asObject(x)?.type === 'Established' && asObject(x)?.status === 'True')
  );
}

/** status.storedVersions after a write: the old ones plus the current storage version. */
function storedVersionsAfterWrite(crd: KubeObject, oldCrd?: KubeObject): string[] {
  const stored = oldCrd ? strings(asObject(oldCrd.status)?.storedVersions) : [];
  for (const v of internalize(crd).storedVersions) if (!stored.includes(v)) stored.push(v);
  return stored;
}

function servedVersion(crd: KubeObject): Json | undefined {
  const versions = Array.isArray(asObject(crd.spec)?.versions)
    ? (asObject(crd.spec)!.versions as unknown[]).map((v) => asObject(v) ?? {})
    : [];
  return (
    versions.find((v) => v.storage === true && v.served === true) ??
    versions.find((v) => v.served === true)
  );
}

/** The ResourceType a valid CRD registers: its served storage version (or first served version). */
export function resourceTypeFromCRD(crd: KubeObject): ResourceType {
  const c = internalize(crd);
  const version = servedVersion(crd) ?? {};
  const schema = asObject(asObject(version.schema)?.openAPIV3Schema) as
    StructuralSchema | undefined;
  const columns = Array.isArray(version.additionalPrinterColumns)
    ? version.additionalPrinterColumns
    : [];
  const printerColumns: PrinterColumn[] = columns.map((raw) => {
    const col = asObject(raw) ?? {};
    return {
      name: str(col.name),
      type: str(col.type),
      ...(str(col.format) ? { format: str(col.format) } : {}),
      ...(str(col.description) ? { description: str(col.description) } : {}),
      priority: typeof col.priority === 'number' ? col.priority : 0,
      jsonPath: str(col.jsonPath),
    };
  });
  const selectableFields = (
    Array.isArray(version.selectableFields) ? version.selectableFields : []
  ).flatMap((f) => {
    const jsonPath = asObject(f)?.jsonPath;
    return typeof jsonPath === 'string' ? [jsonPath] : [];
  });
  return {
    group: c.group,
    version: str(version.name),
    kind: str(c.names.kind),
    listKind: str(c.names.listKind),
    plural: str(c.names.plural),
    singular: str(c.names.singular),
    namespaced: c.scope === 'Namespaced',
    shortNames: strings(c.names.shortNames),
    categories: strings(c.names.categories),
    statusSubresource: asObject(asObject(version.subresources)?.status) !== undefined,
    builtin: false,
    ...(schema ? { schema } : {}),
    printerColumns,
    ...(selectableFields.length ? { selectableFields } : {}),
  };
}

/** The CRD with the defaults kube's decoder applies to apiextensions.k8s.io/v1 (a copy). */
export function applyCRDDefaults(crd: KubeObject): KubeObject {
  const copy = clone(crd);
  const spec = asObject(copy.spec);
  if (!spec) return copy;
  const names = asObject(spec.names);
  if (names) {
    const kind = str(names.kind);
    if (!str(names.singular)) names.singular = kind.toLowerCase();
    if (!str(names.listKind) && kind) names.listKind = `${kind}List`;
  }
  if (!asObject(spec.conversion)) spec.conversion = { strategy: 'None' };
  return copy;
}

/**
 * The status kube-apiserver gives an accepted CRD: NamesAccepted and
 * Established conditions, acceptedNames (the spec's names, defaulted) and
 * storedVersions (kept from the prior status, plus the storage version). The
 * prior status is `oldCrd`'s, else the one `crd` carries (a stored CRD):
 * transition times of conditions already True are kept, so recomputing the
 * status of an unchanged CRD yields the same status.
 */
export function crdStatus(
  crd: KubeObject,
  now: string,
  oldCrd?: KubeObject,
): Record<string, unknown> {
  const c = internalize(crd);
  const accepted: Record<string, unknown> = {
    plural: str(c.names.plural),
    singular: str(c.names.singular),
  };
  const shortNames = strings(c.names.shortNames);
  if (shortNames.length) accepted.shortNames = shortNames;
  accepted.kind = str(c.names.kind);
  accepted.listKind = str(c.names.listKind);
  const categories = strings(c.names.categories);
  if (categories.length) accepted.categories = categories;
  // The status so far: the old CRD's, else the one the stored CRD carries.
  const prior = asObject((oldCrd ?? crd).status);
  const previous = Array.isArray(prior?.conditions)
    ? prior.conditions.map((x) => asObject(x) ?? {})
    : [];
  const since = (type: string) => {
    const prior = previous.find((p) => p.type === type && p.status === 'True');
    return str(prior?.lastTransitionTime) || now;
  };
  return {
    conditions: [
      {
        type: 'NamesAccepted',
        status: 'True',
        lastTransitionTime: since('NamesAccepted'),
        reason: 'NoConflicts',
        message: 'no conflicts found',
      },
      {
        type: 'Established',
        status: 'True',
        lastTransitionTime: since('Established'),
        reason: 'InitialNamesAccepted',
        message: 'the initial names have been accepted',
      },
    ],
    acceptedNames: accepted,
    storedVersions: storedVersionsAfterWrite(crd, oldCrd ?? crd),
  };
}
