// Validates an MCPServer the way the API server would (the zod schema's
// structure plus the CRD's CEL rules), then the checks the API server cannot
// make. Every violation is reported at once, each with its field path.
import type { z } from 'zod';
import { evaluateValidationRules } from '@mcp-operator/kube-core/cel';
import { asObject, isObject, setKey } from '@mcp-operator/kube-core/json';
import { mapValueSchema, type StructuralSchema } from '@mcp-operator/kube-core/structural';
import { mcpServerOpenAPISchema } from './crd.ts';
import { DEFAULTS, GATEWAY_METRICS_PORT, LIMITS } from './defaults.ts';
import { effectiveResources, gatewayEnabled, gatewayPort } from './effective.ts';
import { compareQuantities, parseQuantity } from './quantity.ts';
import { QUANTITY_PATTERN } from './rules.ts';
import { MCPServerSchema } from './schema.ts';
import type { MCPServer, MCPServerSpecInput } from './schema.ts';
import {
  MANAGED_FIELDS_ENTRY_FIELDS,
  OBJECT_META_FIELDS,
  OWNER_REFERENCE_FIELDS,
} from '@mcp-operator/kube-core/object-meta';

export interface FieldViolation {
  /** Kubernetes-style field path, e.g. spec.tools[1].name */
  path: string;
  /** What is wrong and what to change. */
  message: string;
}

export interface ValidationOptions {
  /** MCP_ALLOW_SNIPPET_ANNOTATIONS */
  allowSnippetAnnotations?: boolean;
  /** MCP_GATEWAY_PROXY_IMAGE, which turns the sidecar on for servers without a gateway block. */
  gatewayProxyImage?: string;
  /**
   * 'reject' reports every field the CRD schema does not specify, as
   * kube-apiserver's strict field validation (kubectl's default) does; for
   * checking manifests. 'ignore' (the default) suits objects read from the API
   * server, which has pruned them already.
   */
  unknownFields?: 'ignore' | 'reject';
}

export type ValidationResult =
  { valid: true; server: MCPServer } | { valid: false; violations: FieldViolation[] };

export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => {
    if (typeof key === 'number') return `${out}[${key}]`;
    const name = String(key);
    if (out && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return `${out}[${name}]`;
    return out ? `${out}.${name}` : name;
  }, '');
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  // YAML's .nan and .inf: "must be a number, not a number" would say nothing.
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

const UNIT: Record<string, string> = { string: ' characters', array: ' items', set: ' items' };
/** zod's type names in the words describeType uses for the value found. */
const EXPECTED: Record<string, string> = {
  int: 'an integer',
  array: 'a list',
  object: 'an object',
  record: 'an object',
};

/** Turns a zod issue into a message that says what to change. */
function issueMessage(issue: z.core.$ZodIssue, input: unknown): string {
  const actual = issue.path.reduce<unknown>(
    (v, k) => (v && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined),
    input,
  );
  if (actual === undefined && (issue.code === 'invalid_type' || issue.code === 'invalid_value')) {
    return 'is required';
  }
  switch (issue.code) {
    case 'invalid_type': {
      const expected = EXPECTED[issue.expected] ?? `a ${issue.expected}`;
      return `must be ${expected}, not ${describeType(actual)}`;
    }
    case 'too_small':
      if (issue.origin === 'string' && Number(issue.minimum) === 1) return 'must not be empty';
      return `must be at least ${issue.minimum}${UNIT[issue.origin] ?? ''}`;
    case 'too_big':
      return `must be at most ${issue.maximum}${UNIT[issue.origin] ?? ''}`;
    case 'invalid_value':
      return `must be ${issue.values.length === 1 ? '' : 'one of '}${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`;
    default:
      return issue.message;
  }
}

function spec(input: unknown): MCPServerSpecInput | undefined {
  return asObject(asObject(input)?.spec) as MCPServerSpecInput | undefined;
}

const QUANTITY = new RegExp(QUANTITY_PATTERN);

/**
 * A quantity the CRD's rule accepts, parsed; undefined for anything else (the
 * rule reports it), so no text reaches the parser that it would choke on
 * (`1e999999999999` is past BigInt's range).
 */
function quantity(text: unknown): ReturnType<typeof parseQuantity> {
  return typeof text === 'string' && QUANTITY.test(text) ? parseQuantity(text) : undefined;
}

/** Checks the API server cannot make (before Kubernetes 1.29 CEL has no quantities). */
function operatorChecks(s: MCPServerSpecInput, options: ValidationOptions): FieldViolation[] {
  const violations: FieldViolation[] = [];
  const resourceBlocks: [string, MCPServerSpecInput['resources']][] = [
    ['spec.resources', s.resources],
  ];
  if (s.gateway && typeof s.gateway === 'object') {
    resourceBlocks.push(['spec.gateway.resources', s.gateway.resources]);
  }
  for (const [path, resources] of resourceBlocks) {
    if (resources !== undefined && (typeof resources !== 'object' || resources === null)) continue;
    const effective = effectiveResources(resources);
    for (const name of ['cpu', 'memory'] as const) {
      const request = quantity(effective.requests[name]);
      const limit = quantity(effective.limits[name]);
      if (request && limit && compareQuantities(request, limit) > 0) {
        violations.push({
          path: `${path}.requests.${name}`,
          message: `${name} request ${effective.requests[name]} exceeds its limit ${effective.limits[name]}; lower the request or raise limits.${name}`,
        });
      }
    }
  }
  // The Ingress carries them: kube-apiserver counts bytes, which no CRD rule can.
  if (isObject(s.ingressAnnotations)) {
    const utf8 = new TextEncoder();
    let bytes = 0;
    for (const [key, value] of Object.entries(s.ingressAnnotations)) {
      bytes +=
        utf8.encode(key).length + (typeof value === 'string' ? utf8.encode(value).length : 0);
    }
    if (bytes > LIMITS.ingressAnnotationBytes) {
      violations.push({
        path: 'spec.ingressAnnotations',
        message: `keys and values total ${bytes} bytes; at most ${LIMITS.ingressAnnotationBytes} fit on the Ingress (the API server's 256 KiB for annotations, less the ingress class's)`,
      });
    }
  }
  // With no gateway block the operator's default image can still turn the sidecar on.
  const port = s.port ?? DEFAULTS.port;
  if (!s.gateway && gatewayEnabled(s, { gatewayProxyImage: options.gatewayProxyImage ?? '' })) {
    if (gatewayPort(s) === port) {
      violations.push({
        path: 'spec.port',
        message: `port ${port} is the gateway sidecar's default port; choose another port or set gateway.port`,
      });
    }
    if (s.servicePort === GATEWAY_METRICS_PORT) {
      violations.push({
        path: 'spec.servicePort',
        message: `servicePort ${GATEWAY_METRICS_PORT} is the gateway sidecar's metrics port on the Service; choose another servicePort`,
      });
    }
  }
  return violations;
}

/**
 * The paths of the fields kube-apiserver's custom resource decoder would drop
 * and, under strict field validation, refuse (apiextensions-apiserver's
 * unstructuredSchemaCoercer: ObjectMeta's unknown fields, then structural
 * pruning along the schema). Paths as kube words them: `spec.replcas`,
 * `spec.tools[0].x`, map entries `spec.tools[0].labels.k.x`, `metadata.x`.
 * A map (`additionalProperties`) takes any key; under
 * x-kubernetes-preserve-unknown-fields unknown fields stay.
 */
export function unknownFieldPaths(input: unknown, schema: StructuralSchema): string[] {
  const metadata: string[] = [];
  const meta = isObject(input) ? input.metadata : undefined;
  const strip = (value: unknown, known: ReadonlySet<string>, path: string) => {
    if (!isObject(value)) return;
    for (const key of Object.keys(value)) if (!known.has(key)) metadata.push(`${path}.${key}`);
  };
  strip(meta, OBJECT_META_FIELDS, 'metadata');
  if (isObject(meta)) {
    const lists: [string, ReadonlySet<string>][] = [
      ['ownerReferences', OWNER_REFERENCE_FIELDS],
      ['managedFields', MANAGED_FIELDS_ENTRY_FIELDS],
    ];
    for (const [field, known] of lists) {
      const items = meta[field];
      if (Array.isArray(items)) {
        items.forEach((item, i) => strip(item, known, `metadata.${field}[${i}]`));
      }
    }
  }

  const pruned: string[] = [];
  const join = (path: string, key: string) => (path ? `${path}.${key}` : key);
  const walk = (value: unknown, s: StructuralSchema | undefined, path: string, root: boolean) => {
    const preserve = s?.['x-kubernetes-preserve-unknown-fields'] === true;
    if (Array.isArray(value)) {
      value.forEach((item, i) => walk(item, s?.items, `${path}[${i}]`, false));
      return;
    }
    if (!isObject(value)) return;
    const mapValues = s && mapValueSchema(s);
    for (const key of Object.keys(value)) {
      // apiVersion, kind and metadata of the resource are never pruned.
      if (root && (key === 'apiVersion' || key === 'kind' || key === 'metadata')) continue;
      // Own properties only: a key such as `constructor` or `__proto__` is a field like any other.
      const known =
        s?.properties && Object.hasOwn(s.properties, key) ? s.properties[key] : undefined;
      const child = known ?? mapValues;
      if (child) walk(value[key], child, join(path, key), false);
      else if (s?.additionalProperties === undefined && !preserve) pruned.push(join(path, key));
    }
  };
  walk(input, schema, '', true);
  return [...metadata.sort(), ...pruned.sort()];
}

/**
 * The value with every null of a field that is not nullable left out, as
 * kube-apiserver's custom resource decoder drops them before defaulting and
 * validation (PruneNonNullableNullsWithoutDefaults; a field with a default
 * gets it): `imageTag:` with no value in a manifest is no imageTag. Nulls in
 * lists stay (the API server refuses them too). The input is not changed.
 */
function withoutNulls(value: unknown, s: StructuralSchema | undefined): unknown {
  if (!s) return value;
  if (Array.isArray(value)) return value.map((item) => withoutNulls(item, s.items));
  if (!isObject(value)) return value;
  const values = mapValueSchema(s);
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const child = s.properties && Object.hasOwn(s.properties, key) ? s.properties[key] : values;
    if (v === null && child && !child.nullable) continue;
    setKey(out, key, withoutNulls(v, child));
  }
  return out;
}

let cachedSchemas: Map<boolean, ReturnType<typeof mcpServerOpenAPISchema>> | undefined;
function openAPISchema(allowSnippetAnnotations: boolean) {
  cachedSchemas ??= new Map();
  let schema = cachedSchemas.get(allowSnippetAnnotations);
  if (!schema) {
    schema = mcpServerOpenAPISchema({ allowSnippetAnnotations });
    cachedSchemas.set(allowSnippetAnnotations, schema);
  }
  return schema;
}

/** Validates an object as an MCPServer; on success returns it with static defaults filled in. */
export function validateMCPServer(
  manifest: unknown,
  options: ValidationOptions = {},
): ValidationResult {
  const schema = openAPISchema(options.allowSnippetAnnotations ?? false);
  const input = withoutNulls(manifest, schema);
  const parsed = MCPServerSchema.safeParse(input);
  const violations: FieldViolation[] = [];
  if (options.unknownFields === 'reject') {
    // kube-apiserver's words: `strict decoding error: unknown field "spec.replcas"`.
    for (const path of unknownFieldPaths(input, schema)) {
      violations.push({ path, message: `unknown field "${path}"` });
    }
  }
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      violations.push({ path: formatPath(issue.path), message: issueMessage(issue, input) });
    }
  }
  const hasName =
    typeof (input as { metadata?: { name?: unknown } } | null)?.metadata?.name === 'string';
  // The CRD's CEL rules, in the one environment the API server's stand-in uses too.
  for (const v of evaluateValidationRules(input, schema)) {
    // Root rules check metadata.name; without a name zod already said it is required.
    if (!v.path && !hasName) continue;
    // A rule that could not evaluate (`no such key: name` for a tool that is a string)
    // says nothing the type errors have not said (kube runs no rule on such an object).
    if (!parsed.success && CEL_EVALUATION_ERROR.test(v.detail)) continue;
    violations.push({ path: v.path || 'metadata.name', message: v.detail });
  }
  const s = spec(input);
  if (s) violations.push(...operatorChecks(s, options));
  if (violations.length > 0 || !parsed.success)
    return { valid: false, violations: dedupe(violations) };
  return { valid: true, server: parsed.data };
}

/** How kube-core's CEL words a rule that failed to evaluate, rather than evaluated to false. */
const CEL_EVALUATION_ERROR = / evaluating rule: |^'no such overload'/;

function dedupe(violations: FieldViolation[]): FieldViolation[] {
  const seen = new Set<string>();
  return violations.filter((v) => {
    const key = `${v.path}\u0000${v.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** One line per violation, as the status message, the CLI and Events show them. */
export function formatViolations(violations: readonly FieldViolation[]): string {
  return violations.map((v) => `${v.path}: ${v.message}`).join('; ');
}
