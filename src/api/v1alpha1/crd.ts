// Generates the MCPServer CRD from the zod schema: the openAPIV3Schema, the
// names, the status subresource and the printer columns.
import { z } from 'zod';
import { isObject } from '@mcp-operator/kube-core/json';
import type { StructuralSchema } from '@mcp-operator/kube-core/structural';
import { toYaml } from '../../kube/yaml.ts';
import {
  CATEGORIES,
  CRD_NAME,
  GROUP,
  KIND,
  LIST_KIND,
  PLURAL,
  SHORT_NAMES,
  SINGULAR,
  VERSION,
} from './defaults.ts';
import { RULES } from './rules.ts';
import { MCPServerSchema } from './schema.ts';

export interface CrdOptions {
  /** Leave out the ban on ingress-nginx snippet annotations (MCP_ALLOW_SNIPPET_ANNOTATIONS). */
  allowSnippetAnnotations?: boolean;
}

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const INT64_MIN = Number.MIN_SAFE_INTEGER;
const INT64_MAX = Number.MAX_SAFE_INTEGER;

/** Reduces zod's JSON Schema to the structural OpenAPI v3 subset kube-apiserver accepts. */
function toStructural(node: Record<string, unknown>, options: CrdOptions): StructuralSchema {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    switch (key) {
      case '$schema':
      case 'propertyNames': // map keys are strings already; bounds live in maxProperties
        break;
      case 'properties':
        out.properties = Object.fromEntries(
          Object.entries(value as Record<string, Record<string, unknown>>).map(([k, v]) => [
            k,
            toStructural(v, options),
          ]),
        );
        break;
      case 'items':
      case 'additionalProperties':
        if (isObject(value)) {
          out[key] = toStructural(value, options);
        }
        break;
      case 'minimum':
        if (value !== INT32_MIN && value !== INT64_MIN) out.minimum = value;
        break;
      case 'maximum':
        if (value !== INT32_MAX && value !== INT64_MAX) out.maximum = value;
        break;
      case 'x-kubernetes-validations': {
        const rules = (value as { rule: string }[]).filter(
          (r) => !(options.allowSnippetAnnotations && r.rule === RULES.snippetAnnotations.rule),
        );
        if (rules.length) out[key] = rules;
        break;
      }
      default:
        out[key] = value;
    }
  }
  return out;
}

/** The CRD's openAPIV3Schema. */
export function mcpServerOpenAPISchema(options: CrdOptions = {}): StructuralSchema {
  const json = z.toJSONSchema(MCPServerSchema, { io: 'input', target: 'openapi-3.0' });
  const schema = toStructural(json, options);
  const properties = schema.properties!;
  properties.apiVersion = {
    type: 'string',
    description: 'APIVersion defines the versioned schema of this representation of an object.',
  };
  properties.kind = {
    type: 'string',
    description: 'Kind is a string value representing the REST resource this object represents.',
  };
  properties.metadata = { type: 'object' };
  schema.required = ['spec'];
  return schema;
}

export const PRINTER_COLUMNS = [
  { name: 'Phase', type: 'string', jsonPath: '.status.phase', description: 'Summary phase.' },
  {
    name: 'Ready',
    type: 'string',
    jsonPath: '.status.conditions[?(@.type=="Ready")].status',
    description: 'Ready condition.',
  },
  { name: 'URL', type: 'string', jsonPath: '.status.url', description: 'Public MCP URL.' },
  { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
  {
    name: 'Team',
    type: 'string',
    jsonPath: '.spec.teamID',
    priority: 1,
    description: 'Owning team.',
  },
  {
    name: 'Gateway',
    type: 'boolean',
    jsonPath: '.status.gatewayReady',
    priority: 1,
    description: 'Gateway sidecar ready.',
  },
  {
    name: 'Image',
    type: 'string',
    jsonPath: '.status.image',
    priority: 1,
    description: 'Deployed image.',
  },
];

/** The MCPServer CustomResourceDefinition as a plain object. */
export function mcpServerCRD(options: CrdOptions = {}) {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: CRD_NAME,
      labels: {
        'app.kubernetes.io/name': 'mcp-operator',
        'app.kubernetes.io/part-of': 'mcp-runtime',
      },
    },
    spec: {
      group: GROUP,
      names: {
        kind: KIND,
        listKind: LIST_KIND,
        plural: PLURAL,
        singular: SINGULAR,
        shortNames: [...SHORT_NAMES],
        categories: [...CATEGORIES],
      },
      scope: 'Namespaced',
      versions: [
        {
          name: VERSION,
          served: true,
          storage: true,
          schema: { openAPIV3Schema: mcpServerOpenAPISchema(options) },
          subresources: { status: {} },
          additionalPrinterColumns: PRINTER_COLUMNS,
        },
      ],
    },
  };
}

export const CRD_HEADER =
  '# Generated from src/api/v1alpha1 by `mcp-operator manifests crd`; do not edit by hand.\n';

/** The CRD as the YAML checked in under config/crd/. */
export function mcpServerCRDYaml(options: CrdOptions = {}): string {
  return CRD_HEADER + toYaml([mcpServerCRD(options)]);
}
