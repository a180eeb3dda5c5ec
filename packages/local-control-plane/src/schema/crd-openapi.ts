// apiextensions-apiserver's checks of a CRD's openAPIV3Schema beyond
// structurality: the OpenAPI subset and Kubernetes extensions it accepts, and
// compilation of every x-kubernetes-validations rule (only where the schema
// at and below the rule is otherwise valid). Paths are kube's:
// `...openAPIV3Schema.properties[spec].x-kubernetes-validations[0].rule`.
import type { FieldError } from '../errors.ts';
import {
  compileExpression,
  compileMessageExpression,
  compileRule,
  declType,
  minSerializedSize,
} from '@mcp-operator/kube-core/cel/check';
import {
  STATIC_ESTIMATED_COST_LIMIT,
  STATIC_ESTIMATED_CRD_COST_LIMIT,
  costErrorMessage,
  estimateCost,
  maxCardinality,
  multiplyCost,
} from '@mcp-operator/kube-core/cel/cost';
import { validFieldPath } from '@mcp-operator/kube-core/cel/fieldpath';
import { child, fieldError, index, key } from './field.ts';
import { schemaPropsLiteral, validationRuleLiteral } from './gostruct.ts';
import { asObject, isObject } from '@mcp-operator/kube-core/json';

type Json = Record<string, unknown>;

const OPENAPI_TYPES = ['array', 'boolean', 'integer', 'number', 'object', 'string'];
const META_FIELDS = new Set(['metadata', 'kind', 'apiVersion']);
const REASONS = [
  'FieldValueDuplicate',
  'FieldValueForbidden',
  'FieldValueInvalid',
  'FieldValueRequired',
];

function props(s: Json): [string, Json][] {
  const p = asObject(s.properties);
  return p ? Object.entries(p).map(([k, v]) => [k, asObject(v) ?? {}]) : [];
}

function rules(s: Json): Json[] {
  return Array.isArray(s['x-kubernetes-validations'])
    ? s['x-kubernetes-validations'].map((r) => asObject(r) ?? {})
    : [];
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

interface Walk {
  schemaErrors: FieldError[];
  celErrors: FieldError[];
  /** Compile the rules (the schema is structural with valid defaults). */
  cel: boolean;
  /** The estimated cost of every rule so far (times its cardinality), for the schema's budget. */
  totalCost: number;
}

interface NodeOptions {
  isRoot: boolean;
  allowDefaults: boolean;
  disallowDefaultsReason: string;
  insideResourceMeta: boolean;
  /** The nearest ancestor below which old values do not correlate, if any. */
  uncorrelatable?: string;
  /** Whether `self` of this node is a resource root (the CRD root or an embedded resource). */
  resourceRoot: boolean;
  /** How often the node can occur (the maxItems/maxProperties above it); undefined when unbounded. */
  cardinality?: number;
}

function standardChecks(s: Json, path: string, o: NodeOptions, out: FieldError[]): void {
  const type = s.type;
  if (typeof type === 'string' && type && !OPENAPI_TYPES.includes(type)) {
    out.push(fieldError.notSupported(child(path, 'type'), type, OPENAPI_TYPES));
  }
  if (s.default !== undefined && !o.allowDefaults) {
    out.push(
      fieldError.forbidden(
        child(path, 'default'),
        o.disallowDefaultsReason
          ? `must not be set ${o.disallowDefaultsReason}`
          : 'must not be set',
      ),
    );
  }
  if (s.id !== undefined && s.id !== '')
    out.push(fieldError.forbidden(child(path, 'id'), 'id is not supported'));
  for (const [name, what] of [
    ['additionalItems', 'additionalItems'],
    ['patternProperties', 'patternProperties'],
    ['definitions', 'definitions'],
    ['dependencies', 'dependencies'],
    ['$ref', '$ref'],
  ] as const) {
    if (s[name] !== undefined)
      out.push(fieldError.forbidden(child(path, name), `${what} is not supported`));
  }
  if (type === 'null') {
    out.push(
      fieldError.forbidden(
        child(path, 'type'),
        'type cannot be set to null, use nullable as an alternative',
      ),
    );
  }
  if (Array.isArray(s.items)) {
    out.push(
      fieldError.forbidden(child(path, 'items'), 'items must be a schema object and not an array'),
    );
  }
  if (o.insideResourceMeta && s['x-kubernetes-embedded-resource'] === true) {
    out.push(
      fieldError.forbidden(
        child(path, 'x-kubernetes-embedded-resource'),
        'must not be used inside of resource meta',
      ),
    );
  }
}

function listAndMapChecks(s: Json, path: string, out: FieldError[]): void {
  const type = str(s.type);
  const listType = s['x-kubernetes-list-type'];
  const mapType = s['x-kubernetes-map-type'];
  const mapKeys = Array.isArray(s['x-kubernetes-list-map-keys'])
    ? (s['x-kubernetes-list-map-keys'] as string[])
    : [];
  const items = asObject(s.items);
  if (s['x-kubernetes-preserve-unknown-fields'] === false) {
    out.push(
      fieldError.invalid(
        child(path, 'x-kubernetes-preserve-unknown-fields'),
        false,
        'must be true or undefined',
      ),
    );
  }
  if (mapType !== undefined && type !== 'object') {
    const detail = 'must be object if x-kubernetes-map-type is specified';
    out.push(
      type
        ? fieldError.invalid(child(path, 'type'), type, detail)
        : fieldError.required(child(path, 'type'), detail),
    );
  }
  if (mapType !== undefined && mapType !== 'atomic' && mapType !== 'granular') {
    out.push(
      fieldError.notSupported(child(path, 'x-kubernetes-map-type'), mapType, [
        'atomic',
        'granular',
      ]),
    );
  }
  if (listType !== undefined && type !== 'array') {
    const detail = 'must be array if x-kubernetes-list-type is specified';
    out.push(
      type
        ? fieldError.invalid(child(path, 'type'), type, detail)
        : fieldError.required(child(path, 'type'), detail),
    );
  } else if (listType === 'set' && items) {
    const detail = 'must be atomic as item of a list with x-kubernetes-list-type=set';
    if (
      items.type === 'array' &&
      items['x-kubernetes-list-type'] !== undefined &&
      items['x-kubernetes-list-type'] !== 'atomic'
    ) {
      out.push(
        fieldError.invalid(
          child(child(path, 'items'), 'x-kubernetes-list-type'),
          items['x-kubernetes-list-type'],
          detail,
        ),
      );
    }
    if (items.type === 'object' && items['x-kubernetes-map-type'] !== 'atomic') {
      out.push(
        fieldError.invalid(
          child(child(path, 'items'), 'x-kubernetes-map-type'),
          items['x-kubernetes-list-type'] ?? null,
          detail,
        ),
      );
    }
  }
  if (listType !== undefined && !['atomic', 'set', 'map'].includes(listType as string)) {
    out.push(
      fieldError.notSupported(child(path, 'x-kubernetes-list-type'), listType, [
        'atomic',
        'set',
        'map',
      ]),
    );
  }
  if (mapKeys.length > 0) {
    if (listType === undefined) {
      out.push(
        fieldError.required(
          child(path, 'x-kubernetes-list-type'),
          'must be map if x-kubernetes-list-map-keys is non-empty',
        ),
      );
    } else if (listType !== 'map') {
      out.push(
        fieldError.invalid(
          child(path, 'x-kubernetes-list-type'),
          listType,
          'must be map if x-kubernetes-list-map-keys is non-empty',
        ),
      );
    }
  }
  if (listType === 'map') {
    if (mapKeys.length === 0) {
      out.push(
        fieldError.required(
          child(path, 'x-kubernetes-list-map-keys'),
          'must not be empty if x-kubernetes-list-type is map',
        ),
      );
    }
    if (!s.items)
      out.push(
        fieldError.required(
          child(path, 'items'),
          'must have a schema if x-kubernetes-list-type is map',
        ),
      );
    if (items && items.type !== 'object') {
      out.push(
        fieldError.invalid(
          child(child(path, 'items'), 'type'),
          str(items.type),
          "must be object if parent array's x-kubernetes-list-type is map",
        ),
      );
    }
    if (items && items.type === 'object') {
      const seen = new Set<string>();
      const itemProps = asObject(items.properties) ?? {};
      for (const k of mapKeys) {
        const p = asObject(itemProps[k]);
        if (p) {
          if (p.type === 'array' || p.type === 'object') {
            out.push(
              fieldError.invalid(
                child(key(child(child(path, 'items'), 'properties'), k), 'type'),
                str(items.type),
                "must be a scalar type if parent array's x-kubernetes-list-type is map",
              ),
            );
          }
        } else {
          out.push(
            fieldError.invalid(
              child(path, 'x-kubernetes-list-map-keys'),
              mapKeys,
              'entries must all be names of item properties',
            ),
          );
        }
        if (seen.has(k)) {
          out.push(
            fieldError.invalid(
              child(path, 'x-kubernetes-list-map-keys'),
              mapKeys,
              'must not contain duplicate entries',
            ),
          );
        }
        seen.add(k);
      }
    }
  }
  // validateMapListKeysMapSet
  if (items && (listType === 'set' || listType === 'map')) {
    if (items.nullable === true) {
      out.push(
        fieldError.forbidden(
          child(child(path, 'items'), 'nullable'),
          `cannot be nullable when x-kubernetes-list-type is ${listType as string}`,
        ),
      );
    }
    if (listType === 'map') {
      const required = new Set(Array.isArray(items.required) ? (items.required as string[]) : []);
      const itemProps = asObject(items.properties) ?? {};
      for (const k of mapKeys) {
        const p = asObject(itemProps[k]);
        if (!p) continue;
        const keyPath = key(child(child(path, 'items'), 'properties'), k);
        if (!required.has(k) && p.default === undefined) {
          out.push(
            fieldError.required(
              child(keyPath, 'default'),
              'this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property',
            ),
          );
        }
        if (p.nullable === true) {
          out.push(
            fieldError.forbidden(
              child(keyPath, 'nullable'),
              'this property is in x-kubernetes-list-map-keys, so it cannot be nullable',
            ),
          );
        }
      }
    }
  }
}

function ruleChecks(
  s: Json,
  path: string,
  o: NodeOptions,
  walk: Walk,
  schemaErrorsBefore: number,
): void {
  const list = rules(s);
  if (list.length === 0) return;
  const base = child(path, 'x-kubernetes-validations');
  list.forEach((rule, i) => {
    const at = index(base, i);
    const ruleText = str(rule.rule).trim();
    const message = str(rule.message);
    const trimmedMessage = message.trim();
    if (!ruleText)
      walk.schemaErrors.push(fieldError.required(child(at, 'rule'), 'rule is not specified'));
    else if (message && !trimmedMessage) {
      walk.schemaErrors.push(
        fieldError.invalid(child(at, 'message'), message, 'message must be non-empty if specified'),
      );
    } else if (message.length > 2048) {
      walk.schemaErrors.push(
        fieldError.invalid(
          child(at, 'message'),
          `${message.slice(0, 10)}...`,
          'message must have a maximum length of 2048 characters',
        ),
      );
    } else if (/[\n\r]/.test(trimmedMessage)) {
      walk.schemaErrors.push(
        fieldError.invalid(child(at, 'message'), message, 'message must not contain line breaks'),
      );
    } else if (/[\n\r]/.test(ruleText) && !trimmedMessage) {
      walk.schemaErrors.push(
        fieldError.required(
          child(at, 'message'),
          'message must be specified if rule contains line breaks',
        ),
      );
    }
    const messageExpression = str(rule.messageExpression);
    if (messageExpression && !messageExpression.trim()) {
      walk.schemaErrors.push(
        fieldError.required(
          child(at, 'messageExpression'),
          'messageExpression must be non-empty if specified',
        ),
      );
    }
    if (rule.reason !== undefined && !REASONS.includes(str(rule.reason))) {
      walk.schemaErrors.push(fieldError.notSupported(child(at, 'reason'), rule.reason, REASONS));
    }
    const fieldPath = str(rule.fieldPath);
    if (fieldPath && !fieldPath.trim()) {
      walk.schemaErrors.push(
        fieldError.invalid(
          child(at, 'fieldPath'),
          fieldPath,
          'fieldPath must be non-empty if specified',
        ),
      );
    }
    if (/[\n\r]/.test(fieldPath)) {
      walk.schemaErrors.push(
        fieldError.invalid(
          child(at, 'fieldPath'),
          fieldPath,
          'fieldPath must not contain line breaks',
        ),
      );
    }
    if (fieldPath) {
      try {
        validFieldPath(fieldPath, s);
      } catch (e) {
        walk.schemaErrors.push(
          fieldError.invalid(
            child(at, 'fieldPath'),
            fieldPath,
            `fieldPath must be a valid path: ${(e as Error).message}`,
          ),
        );
      }
    }
  });
  // Rules compile only where the schema at and below them is otherwise valid.
  if (!walk.cel || walk.schemaErrors.length > schemaErrorsBefore) return;
  const self = declType(s, o.resourceRoot);
  // CELSchemaContext.MaxCardinality, or model.MaxCardinality of the node when a list or map above is unbounded
  const cardinality = o.cardinality ?? maxCardinality(minSerializedSize(s, o.resourceRoot));
  list.forEach((rule, i) => {
    const at = index(base, i);
    const ruleText = str(rule.rule);
    if (!ruleText.trim()) return;
    const compiled = compileRule(ruleText, self);
    if (!compiled.error && compiled.checked) {
      const cost = multiplyCost(estimateCost(compiled.checked, self), cardinality);
      if (cost > STATIC_ESTIMATED_COST_LIMIT) {
        walk.celErrors.push(
          fieldError.forbidden(
            child(at, 'rule'),
            costErrorMessage('estimated rule cost', cost, STATIC_ESTIMATED_COST_LIMIT),
          ),
        );
      }
      walk.totalCost += cost;
    }
    if (compiled.error) {
      walk.celErrors.push(
        fieldError.invalid(child(at, 'rule'), validationRuleLiteral(rule), compiled.error),
      );
    }
    const messageExpression = str(rule.messageExpression);
    if (messageExpression.trim()) {
      const err = compileMessageExpression(messageExpression, self);
      if (err)
        walk.celErrors.push(
          fieldError.invalid(child(at, 'messageExpression'), validationRuleLiteral(rule), err),
        );
      const checked = err ? undefined : compileExpression(messageExpression, self).checked;
      if (checked) {
        const cost = estimateCost(checked, self);
        if (cost > STATIC_ESTIMATED_COST_LIMIT) {
          walk.celErrors.push(
            fieldError.forbidden(
              child(at, 'messageExpression'),
              costErrorMessage(
                'estimated messageExpression cost',
                cost,
                STATIC_ESTIMATED_COST_LIMIT,
              ),
            ),
          );
        }
        walk.totalCost += cost;
      }
    }
    if (compiled.usesOldSelf && o.uncorrelatable !== undefined) {
      walk.celErrors.push(
        fieldError.invalid(
          child(at, 'rule'),
          ruleText,
          `oldSelf cannot be used on the uncorrelatable portion of the schema within ${o.uncorrelatable}`,
        ),
      );
    }
  });
}

/** The cardinality of a list's items or a map's values: unbounded unless both are bounded. */
function times(cardinality: number | undefined, bound: unknown): number | undefined {
  if (cardinality === undefined || typeof bound !== 'number') return undefined;
  return multiplyCost(cardinality, Math.max(0, bound)) || 0;
}

function openAPISchema(s: Json | undefined, path: string, o: NodeOptions, walk: Walk): void {
  if (!s) return;
  const before = walk.schemaErrors.length;
  standardChecks(s, path, o, walk.schemaErrors);
  if (s.uniqueItems === true) {
    walk.schemaErrors.push(
      fieldError.forbidden(
        child(path, 'uniqueItems'),
        'uniqueItems cannot be set to true since the runtime complexity becomes quadratic',
      ),
    );
  }
  const childOptions = (extra: Partial<NodeOptions>): NodeOptions => ({
    ...o,
    isRoot: false,
    resourceRoot: false,
    ...extra,
  });
  if (s.additionalProperties !== undefined) {
    if (
      props(s).length > 0 &&
      (s.additionalProperties === false || isObject(s.additionalProperties))
    ) {
      walk.schemaErrors.push(
        fieldError.forbidden(
          child(path, 'additionalProperties'),
          'additionalProperties and properties are mutual exclusive',
        ),
      );
    }
    const additional = asObject(s.additionalProperties);
    const sub = o.insideResourceMeta
      ? childOptions({
          allowDefaults: false,
          disallowDefaultsReason: 'inside additionalProperties applying to object metadata',
        })
      : childOptions({});
    openAPISchema(
      additional,
      child(path, 'additionalProperties'),
      {
        ...sub,
        resourceRoot: additional?.['x-kubernetes-embedded-resource'] === true,
        cardinality: times(o.cardinality, s.maxProperties),
      },
      walk,
    );
  }
  const embedded = s['x-kubernetes-embedded-resource'] === true;
  for (const [k, p] of props(s)) {
    let sub = childOptions({ resourceRoot: p['x-kubernetes-embedded-resource'] === true });
    if (s['x-kubernetes-map-type'] === 'atomic' && sub.uncorrelatable === undefined)
      sub = { ...sub, uncorrelatable: path };
    if ((o.isRoot || embedded) && META_FIELDS.has(k)) {
      sub = { ...sub, insideResourceMeta: true };
      if (o.isRoot)
        sub = { ...sub, allowDefaults: false, disallowDefaultsReason: `in top-level ${k}` };
    }
    openAPISchema(p, key(child(path, 'properties'), k), sub, walk);
  }
  openAPISchema(asObject(s.not), child(path, 'not'), childOptions({}), walk);
  for (const junctor of ['allOf', 'oneOf', 'anyOf'] as const) {
    const list = s[junctor];
    if (Array.isArray(list))
      list.forEach((x, i) =>
        openAPISchema(asObject(x), index(child(path, junctor), i), childOptions({}), walk),
      );
  }
  const items = asObject(s.items);
  if (items) {
    let sub = childOptions({
      resourceRoot: items['x-kubernetes-embedded-resource'] === true,
      cardinality: times(o.cardinality, s.maxItems),
    });
    if (s['x-kubernetes-list-type'] !== 'map' && sub.uncorrelatable === undefined)
      sub = { ...sub, uncorrelatable: path };
    openAPISchema(items, child(path, 'items'), sub, walk);
  }
  listAndMapChecks(s, path, walk.schemaErrors);
  ruleChecks(s, path, o, walk, before);
}

/**
 * ValidateCustomResourceDefinitionOpenAPISchema: schema errors first, then
 * the rules that fail to compile (compiled only when `cel` is set).
 */
export function validateOpenAPISchemaProps(root: Json, path: string, cel: boolean): FieldError[] {
  const walk: Walk = { schemaErrors: [], celErrors: [], cel, totalCost: 0 };
  openAPISchema(
    root,
    path,
    {
      isRoot: true,
      allowDefaults: true,
      disallowDefaultsReason: '',
      insideResourceMeta: false,
      resourceRoot: true,
      cardinality: 1,
    },
    walk,
  );
  if (walk.totalCost > STATIC_ESTIMATED_CRD_COST_LIMIT) {
    walk.celErrors.push(
      fieldError.forbidden(
        path,
        costErrorMessage(
          'x-kubernetes-validations estimated rule cost total for entire OpenAPIv3 schema',
          walk.totalCost,
          STATIC_ESTIMATED_CRD_COST_LIMIT,
        ),
      ),
    );
  }
  return [...walk.schemaErrors, ...walk.celErrors];
}

/** Root fields allowed with a status subresource (so that properties.status keeps its validation). */
const ROOT_FIELDS_IN_GO_ORDER: [string, boolean][] = [
  ['id', false],
  ['$schema', false],
  ['$ref', false],
  ['description', true],
  ['type', true],
  ['format', true],
  ['title', true],
  ['default', false],
  ['maximum', true],
  ['exclusiveMaximum', true],
  ['minimum', true],
  ['exclusiveMinimum', true],
  ['maxLength', true],
  ['minLength', true],
  ['pattern', true],
  ['maxItems', true],
  ['minItems', true],
  ['uniqueItems', true],
  ['multipleOf', true],
  ['enum', false],
  ['maxProperties', false],
  ['minProperties', false],
  ['required', true],
  ['items', true],
  ['allOf', false],
  ['oneOf', false],
  ['anyOf', false],
  ['not', false],
  ['properties', true],
  ['additionalProperties', false],
  ['patternProperties', false],
  ['dependencies', false],
  ['additionalItems', false],
  ['definitions', false],
  ['externalDocs', true],
  ['example', true],
  ['nullable', false],
  ['x-kubernetes-preserve-unknown-fields', true],
  ['x-kubernetes-embedded-resource', false],
  ['x-kubernetes-int-or-string', false],
  ['x-kubernetes-list-map-keys', false],
  ['x-kubernetes-list-type', false],
  ['x-kubernetes-map-type', false],
  ['x-kubernetes-validations', true],
];

function isZero(v: unknown): boolean {
  return (
    v === undefined ||
    v === null ||
    v === false ||
    v === '' ||
    v === 0 ||
    (Array.isArray(v) && v.length === 0) ||
    (isObject(v) && Object.keys(v).length === 0)
  );
}

/** With the status subresource, only some fields may sit at the schema root. */
export function validateRootForStatus(root: Json, path: string): FieldError[] {
  for (const [name, allowed] of ROOT_FIELDS_IN_GO_ORDER) {
    if (isZero(root[name])) continue;
    if (name === 'type') {
      if (root.type !== 'object') {
        return [
          fieldError.invalid(
            child(path, 'type'),
            root.type,
            'only "object" is allowed as the type at the root of the schema if the status subresource is enabled',
          ),
        ];
      }
      continue;
    }
    if (!allowed) {
      return [
        fieldError.invalid(
          path,
          schemaPropsLiteral(),
          'only [Description Type Format Title Maximum ExclusiveMaximum Minimum ExclusiveMinimum MaxLength MinLength Pattern MaxItems MinItems UniqueItems MultipleOf Required Items Properties ExternalDocs Example XPreserveUnknownFields XValidations] fields are allowed at the root of the schema if the status subresource is enabled',
        ),
      ];
    }
  }
  return [];
}
