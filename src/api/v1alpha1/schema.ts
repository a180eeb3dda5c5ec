// The MCPServer resource, defined once. Types, runtime validation and the
// CRD's openAPIV3Schema all come from these zod schemas; descriptions and CEL
// rules travel as metadata.
import { z } from 'zod';
import type { ValidationRule } from '@mcp-operator/kube-core/structural';
import { API_VERSION, DEFAULTS, KIND, LIMITS } from './defaults.ts';
import { RULES } from './rules.ts';

interface FieldMeta {
  rules?: ValidationRule[];
  format?: string;
  maxProperties?: number;
  listType?: 'atomic' | 'map';
  listMapKeys?: string[];
}

/** Attaches the description (for `kubectl explain`) and CRD-only metadata. */
function describe<T extends z.ZodType>(schema: T, description: string, meta: FieldMeta = {}): T {
  return schema.meta({
    description,
    ...(meta.rules?.length ? { 'x-kubernetes-validations': meta.rules } : {}),
    ...(meta.format ? { format: meta.format } : {}),
    ...(meta.maxProperties !== undefined ? { maxProperties: meta.maxProperties } : {}),
    ...(meta.listType ? { 'x-kubernetes-list-type': meta.listType } : {}),
    ...(meta.listMapKeys ? { 'x-kubernetes-list-map-keys': meta.listMapKeys } : {}),
  });
}

const int32 = () => z.int32();
const port = () => int32().min(1).max(65535);
const boundedString = (max: number) => z.string().max(max);

/** A string→string map with a bound on its size (CEL cost and etcd size); its keys are bounded by a rule. */
function stringMap(valueMax: number, maxProperties: number) {
  return z
    .record(z.string(), boundedString(valueMax))
    .refine((map) => Object.keys(map).length <= maxProperties, {
      message: `must have at most ${maxProperties} entries`,
    });
}

const quantity = (description: string) =>
  describe(boundedString(LIMITS.quantity), description, { rules: RULES.quantity });

const resourceAmounts = (kind: 'requests' | 'limits') => {
  const d = DEFAULTS.resources[kind];
  return describe(
    z.object({
      cpu: quantity(
        `CPU ${kind === 'requests' ? 'request' : 'limit'}. Defaults to ${d.cpu}.`,
      ).optional(),
      memory: quantity(
        `Memory ${kind === 'requests' ? 'request' : 'limit'}. Defaults to ${d.memory}.`,
      ).optional(),
    }),
    kind === 'requests'
      ? 'Resources the container is guaranteed; each value is defaulted on its own.'
      : 'Most the container may use; each value is defaulted on its own.',
  );
};

export const ResourcesSchema = describe(
  z.object({
    requests: resourceAmounts('requests').optional(),
    limits: resourceAmounts('limits').optional(),
  }),
  'Compute resources of the container. A request may not exceed its limit.',
);

export const EnvVarSchema = z.object({
  name: describe(boundedString(LIMITS.shortString).min(1), 'Environment variable name.', {
    rules: RULES.envName,
  }),
  value: describe(boundedString(LIMITS.envValue), 'Literal value.').optional(),
});

export const SecretEnvVarSchema = z.object({
  name: describe(boundedString(LIMITS.shortString).min(1), 'Environment variable name.', {
    rules: RULES.envName,
  }),
  secretKeyRef: describe(
    z.object({
      name: describe(boundedString(LIMITS.shortString).min(1), 'Name of the Secret.'),
      key: describe(boundedString(LIMITS.shortString).min(1), 'Key within the Secret.'),
    }),
    'The Secret key whose value becomes the variable.',
  ),
});

export const GatewaySchema = z.object({
  enabled: describe(
    z.boolean(),
    'Run the MCP gateway sidecar. Unset inside a gateway block means true; with no gateway block the sidecar runs when the operator has a default gateway image.',
  ).optional(),
  image: describe(
    boundedString(LIMITS.image),
    "Sidecar image. Defaults to the operator's MCP_GATEWAY_PROXY_IMAGE; never rewritten to another registry.",
    { rules: RULES.image },
  ).optional(),
  port: describe(
    port(),
    `Port the sidecar listens on. Defaults to ${DEFAULTS.gatewayPort}; must differ from port.`,
    {
      format: 'int32',
    },
  ).optional(),
  upstreamURL: describe(
    boundedString(LIMITS.url),
    'Where the sidecar forwards requests. Defaults to http://127.0.0.1:<port>.',
    { rules: RULES.upstreamURL },
  ).optional(),
  stripPrefix: describe(
    boundedString(LIMITS.path),
    'Path prefix the sidecar strips before forwarding.',
    { rules: RULES.stripPrefix },
  ).optional(),
  resources: ResourcesSchema.optional(),
});

const level = (what: string) => z.enum(['low', 'medium', 'high']).meta({ description: what });
const labels = () =>
  describe(stringMap(LIMITS.shortString, LIMITS.map), 'Free-form labels.', {
    rules: [RULES.labelKeys],
    maxProperties: LIMITS.map,
  });
const itemName = (what: string) =>
  describe(boundedString(LIMITS.shortString).min(1), `Name of the ${what}; unique in this list.`);
const itemDescription = () => describe(boundedString(LIMITS.description), 'What it does.');

export const ToolSchema = z.object({
  name: itemName('tool'),
  description: itemDescription().optional(),
  requiredTrust: level('Trust a caller needs to use the tool.').default(DEFAULTS.requiredTrust),
  sideEffect: z
    .enum(['read', 'write', 'destructive'])
    .meta({ description: 'What calling the tool does to the world.' }),
  riskLevel: level('How risky the tool is.').optional(),
  labels: labels().optional(),
});

export const InventoryItemSchema = (what: string) =>
  z.object({
    name: itemName(what),
    description: itemDescription().optional(),
    labels: labels().optional(),
  });

const list = <T extends z.ZodType>(item: T) => z.array(item).max(LIMITS.list);

export const MCPServerSpecSchema = describe(
  z.object({
    image: describe(
      boundedString(LIMITS.image).min(1),
      'Container image of the MCP server, e.g. ghcr.io/acme/weather or registry.example.com/team/server:v1.',
      { rules: RULES.image },
    ),
    imageTag: describe(
      boundedString(128),
      `Tag appended when image has neither tag nor digest. Defaults to ${DEFAULTS.imageTag}.`,
      { rules: RULES.imageTag },
    ).optional(),
    registryOverride: describe(
      boundedString(LIMITS.shortString),
      "Registry host (optionally :port and a path) that replaces the image's registry.",
      { rules: RULES.registry },
    ).optional(),
    useProvisionedRegistry: describe(
      z.boolean(),
      "Pull from the operator's provisioned registry.",
    ).optional(),
    imagePullSecrets: describe(
      list(boundedString(LIMITS.shortString)),
      'Names of image pull Secrets in the namespace; blank entries are skipped.',
    ).optional(),
    replicas: describe(int32().min(0), 'Number of server pods.', { format: 'int32' }).default(
      DEFAULTS.replicas,
    ),
    port: describe(port(), 'Container port the MCP server listens on.', {
      format: 'int32',
    }).default(DEFAULTS.port),
    servicePort: describe(port(), 'Port of the Service.', { format: 'int32' }).default(
      DEFAULTS.servicePort,
    ),
    ingressPath: describe(
      boundedString(LIMITS.path),
      'Ingress path, used only when publicPathPrefix is empty. Defaults to /<metadata.name>/mcp.',
      { rules: RULES.ingressPath },
    ).optional(),
    ingressHost: describe(
      boundedString(LIMITS.shortString),
      "Host the Ingress routes. Defaults to the operator's MCP_DEFAULT_INGRESS_HOST when neither ingressHost nor publicPathPrefix is set; otherwise the route matches every host.",
      { rules: RULES.ingressHost },
    ).optional(),
    publicPathPrefix: describe(
      boundedString(LIMITS.path),
      'Public path prefix: the server is served at /<publicPathPrefix>/mcp. Defaults to metadata.name. Setting it without ingressHost routes on the path alone, on every host.',
      { rules: RULES.publicPathPrefix },
    ).optional(),
    ingressClass: describe(boundedString(LIMITS.shortString), 'IngressClass of the Ingress.', {
      rules: RULES.ingressClass,
    }).default(DEFAULTS.ingressClass),
    ingressAnnotations: describe(
      stringMap(LIMITS.annotationValue, LIMITS.map),
      "Annotations for the Ingress, merged over the class's defaults (these win).",
      { rules: [RULES.annotationKeys, RULES.snippetAnnotations], maxProperties: LIMITS.map },
    ).optional(),
    resources: ResourcesSchema.optional(),
    envVars: describe(
      list(EnvVarSchema),
      'Literal environment variables of the server container. MCP_PATH is set by the operator.',
      { rules: [RULES.uniqueEnvVars] },
    ).optional(),
    secretEnvVars: describe(
      list(SecretEnvVarSchema),
      'Environment variables of the server container taken from Secrets.',
      { rules: [RULES.uniqueSecretEnvVars] },
    ).optional(),
    gateway: describe(GatewaySchema, 'The MCP gateway sidecar in front of the server.').optional(),
    teamID: describe(boundedString(LIMITS.teamID), 'Owning team.', {
      rules: RULES.teamID,
    }).optional(),
    description: describe(boundedString(LIMITS.description), 'What the server is for.').optional(),
    tools: describe(list(ToolSchema), 'Declared tool inventory.', {
      rules: [RULES.uniqueTools],
    }).optional(),
    prompts: describe(list(InventoryItemSchema('prompt')), 'Declared prompt inventory.', {
      rules: [RULES.uniquePrompts],
    }).optional(),
    mcpResources: describe(
      list(InventoryItemSchema('resource')),
      'Declared MCP resource inventory.',
      { rules: [RULES.uniqueResources] },
    ).optional(),
  }),
  'Desired state of the MCP server.',
  { rules: RULES.spec },
);

export const PHASES = ['Ready', 'PartiallyReady', 'Pending', 'Error'] as const;

export const ConditionSchema = z.object({
  type: describe(boundedString(316).min(1), 'Condition type, e.g. Ready.'),
  status: z.enum(['True', 'False', 'Unknown']).meta({ description: 'True, False or Unknown.' }),
  observedGeneration: describe(z.int().min(0), 'Generation the condition describes.', {
    format: 'int64',
  }).optional(),
  lastTransitionTime: describe(z.string(), 'When status last changed.', {
    format: 'date-time',
  }),
  reason: describe(boundedString(1024).min(1), 'CamelCase reason.'),
  message: describe(boundedString(LIMITS.message), 'Human-readable details.'),
});

export const MCPServerStatusSchema = describe(
  z.object({
    phase: z
      .enum(PHASES)
      .meta({ description: 'Summary: Ready, PartiallyReady, Pending or Error.' })
      .optional(),
    message: describe(
      boundedString(LIMITS.message),
      'What is not ready and what to do.',
    ).optional(),
    deploymentReady: describe(
      z.boolean(),
      'The Deployment is rolled out and available.',
    ).optional(),
    serviceReady: describe(z.boolean(), 'The Service exists with a cluster IP.').optional(),
    ingressReady: describe(
      z.boolean(),
      'The Ingress is ready (see MCP_INGRESS_READINESS_MODE).',
    ).optional(),
    gatewayReady: describe(
      z.boolean(),
      'The gateway sidecar is running (false when there is none).',
    ).optional(),
    url: describe(boundedString(LIMITS.url), 'Canonical public MCP URL.').optional(),
    image: describe(
      boundedString(LIMITS.image),
      'Resolved server image that is deployed.',
    ).optional(),
    observedGeneration: describe(z.int().min(0), 'metadata.generation this status describes.', {
      format: 'int64',
    }).optional(),
    conditions: describe(
      z.array(ConditionSchema).max(LIMITS.conditions),
      'Standard conditions; Ready first.',
      {
        listType: 'map',
        listMapKeys: ['type'],
      },
    ).optional(),
  }),
  'Observed state, written by the operator.',
);

export const ObjectMetaSchema = z.looseObject({
  name: z.string(),
  generateName: z.string().optional(),
  namespace: z.string().optional(),
  uid: z.string().optional(),
  resourceVersion: z.string().optional(),
  generation: z.number().optional(),
  creationTimestamp: z.string().optional(),
  deletionTimestamp: z.string().optional(),
  labels: z.record(z.string(), z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
  finalizers: z.array(z.string()).optional(),
  ownerReferences: z.array(z.looseObject({})).optional(),
});

export const MCPServerSchema = describe(
  z.object({
    apiVersion: describe(z.literal(API_VERSION), 'API version of this object.'),
    kind: describe(z.literal(KIND), 'Kind of this object.'),
    metadata: ObjectMetaSchema,
    spec: MCPServerSpecSchema,
    status: MCPServerStatusSchema.optional(),
  }),
  'An MCP server the operator runs: a Deployment (optionally with a gateway sidecar), a Service and an Ingress.',
  { rules: RULES.name },
);

/** An MCPServer as stored (static defaults filled in). */
export type MCPServer = z.output<typeof MCPServerSchema>;
/** An MCPServer as a user writes it. */
export type MCPServerInput = z.input<typeof MCPServerSchema>;
export type MCPServerSpec = z.output<typeof MCPServerSpecSchema>;
export type MCPServerSpecInput = z.input<typeof MCPServerSpecSchema>;
export type MCPServerStatus = z.output<typeof MCPServerStatusSchema>;
export type Condition = z.output<typeof ConditionSchema>;
export type Phase = (typeof PHASES)[number];
export type Resources = z.output<typeof ResourcesSchema>;
