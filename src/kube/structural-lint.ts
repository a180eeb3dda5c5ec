// The API's checks of its own CRD schema before it ships: the rules
// kube-apiserver applies to a CRD's openAPIV3Schema ("structural schema"),
// every pattern and CEL rule compiled as kube compiles them (RE2, the one CEL
// environment), and the bounds the project wants under every rule. Returns
// every problem found, each with its schema path.
import { compileRule, declType, minSerializedSize } from '@mcp-operator/kube-core/cel/check';
import {
  STATIC_ESTIMATED_COST_LIMIT,
  STATIC_ESTIMATED_CRD_COST_LIMIT,
  costErrorMessage,
  estimateCost,
  maxCardinality,
  multiplyCost,
} from '@mcp-operator/kube-core/cel/cost';
import { compileRegexp } from '@mcp-operator/kube-core/re2';
import { mapValueSchema, type StructuralSchema } from '@mcp-operator/kube-core/structural';

const ALLOWED_KEYS = new Set([
  'type',
  'description',
  'properties',
  'items',
  'additionalProperties',
  'required',
  'enum',
  'default',
  'format',
  'pattern',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'minProperties',
  'maxProperties',
  'nullable',
  'title',
  'example',
  'x-kubernetes-validations',
  'x-kubernetes-int-or-string',
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-embedded-resource',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-map-type',
]);

const TYPES = new Set(['object', 'array', 'string', 'integer', 'number', 'boolean']);

/** Problems that make kube-apiserver reject the schema (cost budget included), or that the project does not allow. */
export function structuralSchemaProblems(root: StructuralSchema): string[] {
  const problems: string[] = [];
  let totalCost = 0;
  const walk = (
    node: StructuralSchema,
    path: string,
    isRoot: boolean,
    underRule: boolean,
    cardinality: number | undefined,
  ) => {
    const raw = node as Record<string, unknown>;
    for (const key of Object.keys(raw)) {
      if (!ALLOWED_KEYS.has(key))
        problems.push(`${path}: ${key} is not allowed in a structural schema`);
    }
    const untyped =
      node['x-kubernetes-int-or-string'] || node['x-kubernetes-preserve-unknown-fields'];
    if (typeof raw.type !== 'string' || !TYPES.has(raw.type)) {
      if (!untyped) problems.push(`${path}: type must be one of ${[...TYPES].join(', ')}`);
    }
    if (node.additionalProperties !== undefined) {
      if (typeof node.additionalProperties !== 'object') {
        problems.push(`${path}: additionalProperties must be a schema, not a boolean`);
      }
      if (node.properties)
        problems.push(`${path}: properties and additionalProperties are exclusive`);
    }
    if (node.type === 'array' && !node.items) problems.push(`${path}: an array needs items`);
    // Root rules may only read metadata.name and generateName, which the API
    // server bounds itself; every other rule bounds what lies beneath it.
    const ruled = underRule || (!isRoot && (node['x-kubernetes-validations']?.length ?? 0) > 0);
    if (ruled) {
      if (node.type === 'string' && node.maxLength === undefined && !node.enum && !node.format) {
        problems.push(`${path}: a string under a CEL rule needs maxLength`);
      }
      if (node.type === 'array' && node.maxItems === undefined) {
        problems.push(`${path}: a list under a CEL rule needs maxItems`);
      }
      if (node.type === 'object' && node.additionalProperties && node.maxProperties === undefined) {
        problems.push(`${path}: a map under a CEL rule needs maxProperties`);
      }
    }
    if (node.pattern) {
      // apiextensions' validateValueValidation: regexp.Compile, so RE2.
      const re = compileRegexp(node.pattern);
      if (re instanceof Error) {
        problems.push(
          `${path}.pattern: must be a valid regular expression, but isn't: ${re.message}`,
        );
      }
    }
    const self = declType(node, isRoot || !!node['x-kubernetes-embedded-resource']);
    (node['x-kubernetes-validations'] ?? []).forEach((rule, i) => {
      if (!rule.rule) problems.push(`${path}: a validation rule needs rule`);
      if (!rule.message) problems.push(`${path}: rule ${rule.rule} needs a message`);
      const compiled = rule.rule ? compileRule(rule.rule, self) : undefined;
      if (compiled?.error) {
        problems.push(`${path}.x-kubernetes-validations[${i}].rule: ${compiled.error}`);
      } else if (compiled?.checked) {
        // kube's cost budget, with the rule's cardinality as the CRD validation computes it
        const times = cardinality ?? maxCardinality(minSerializedSize(node, isRoot));
        const cost = multiplyCost(estimateCost(compiled.checked, self), times);
        totalCost += cost;
        if (cost > STATIC_ESTIMATED_COST_LIMIT) {
          problems.push(
            `${path}.x-kubernetes-validations[${i}].rule: ${costErrorMessage('estimated rule cost', cost, STATIC_ESTIMATED_COST_LIMIT)}`,
          );
        }
      }
    });
    if (node['x-kubernetes-list-type'] === 'map' && !node['x-kubernetes-list-map-keys']?.length) {
      problems.push(`${path}: a map list needs x-kubernetes-list-map-keys`);
    }
    for (const [name, child] of Object.entries(node.properties ?? {})) {
      if (isRoot && name === 'metadata') {
        const extra = Object.keys(child).filter((k) => k !== 'type');
        if (child.type !== 'object' || extra.length > 0) {
          problems.push(`${path}.properties.metadata: may only be {type: object}`);
        }
        continue;
      }
      walk(child, `${path}.properties.${name}`, false, ruled, cardinality);
    }
    const bounded = (bound: number | undefined) =>
      cardinality === undefined || bound === undefined ? undefined : cardinality * bound;
    if (node.items) walk(node.items, `${path}.items`, false, ruled, bounded(node.maxItems));
    const values = mapValueSchema(node);
    if (values) {
      walk(values, `${path}.additionalProperties`, false, ruled, bounded(node.maxProperties));
    }
  };
  walk(root, 'openAPIV3Schema', true, false, 1);
  if (totalCost > STATIC_ESTIMATED_CRD_COST_LIMIT) {
    const name = 'x-kubernetes-validations estimated rule cost total for entire OpenAPIv3 schema';
    problems.push(
      `openAPIV3Schema: ${costErrorMessage(name, totalCost, STATIC_ESTIMATED_CRD_COST_LIMIT)}`,
    );
  }
  return problems;
}

/** Every field without a description, so `kubectl explain` never comes up empty. */
export function undescribedFields(root: StructuralSchema): string[] {
  const missing: string[] = [];
  const walk = (node: StructuralSchema, path: string) => {
    if (!node.description) missing.push(path);
    for (const [name, child] of Object.entries(node.properties ?? {}))
      walk(child, `${path}.${name}`);
    if (node.items?.properties) {
      for (const [name, child] of Object.entries(node.items.properties))
        walk(child, `${path}[].${name}`);
    }
  };
  for (const [name, child] of Object.entries(root.properties ?? {})) {
    if (name !== 'metadata') walk(child, name); // the API server serves metadata's own docs
  }
  return missing;
}
