// The CEL rules of the MCPServer CRD. The API server evaluates them on every
// write; the reconciler evaluates the very same strings in the one CEL
// environment the local control plane uses too (kube/cel.ts), so an older CRD
// or a hand-edited object is held to the same rules.
import type { ValidationRule } from '@mcp-operator/kube-core/structural';
import {
  DNS1035_LABEL_FMT,
  DNS1035_LABEL_MAX_LENGTH,
  DNS1123_SUBDOMAIN_FMT,
} from '@mcp-operator/kube-core/names';
import { DEFAULTS, GATEWAY_METRICS_PORT, LIMITS } from './defaults.ts';

const noWhitespace = "!self.matches('\\\\s')";
const pathChars = "self.matches('^[A-Za-z0-9._~/-]*$')";
/** A regular expression inside a single-quoted CEL string: backslashes escaped. */
const celRegex = (re: string) => re.replaceAll('\\', '\\\\');
const dns1123Subdomain = celRegex(DNS1123_SUBDOMAIN_FMT);
/**
 * Kubernetes' quantity grammar: a signed decimal number and an optional
 * suffix, the exponent of at most three digits (kube takes up to int32, but
 * 1e99999999 CPUs is no request, and comparing it against a limit would
 * compute a number of 10^8 digits).
 */
export const QUANTITY_PATTERN =
  '^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]{1,3})?$';

/** validation.IsQualifiedName's name part, and an annotation key's prefix (a DNS subdomain, any case). */
const QUALIFIED_NAME = '[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?';
const KEY_PREFIX =
  '[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?([.][A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?)*';

/** A unique-names rule for a list of objects with a `name`. */
function uniqueNames(what: string): ValidationRule {
  return {
    rule: 'self.all(x, self.exists_one(y, y.name == x.name))',
    message: `${what} names must be unique; rename or remove the duplicate`,
  };
}

export const RULES = {
  name: [
    {
      rule: `self.metadata.name.size() <= ${DNS1035_LABEL_MAX_LENGTH}`,
      message: `metadata.name must be at most ${DNS1035_LABEL_MAX_LENGTH} characters: it names the Service and the container`,
    },
    {
      rule: `self.metadata.name.matches('^${celRegex(DNS1035_LABEL_FMT)}$')`,
      message:
        'metadata.name must be a DNS-1035 label: lower-case letters, digits and -, starting with a letter and ending with a letter or digit',
    },
  ],
  image: [{ rule: noWhitespace, message: 'image must not contain whitespace' }],
  imageTag: [
    {
      rule: "self == '' || self.matches('^[A-Za-z0-9_][A-Za-z0-9_.-]*$')",
      message:
        "imageTag must be an image tag: letters, digits, '_', '.' and '-', not starting with '.' or '-'",
    },
  ],
  registry: [
    {
      rule: `${noWhitespace} && !self.contains('://')`,
      message:
        'registryOverride must be a registry host such as registry.example.com:5000 (optionally with a path), without a scheme or whitespace',
    },
  ],
  ingressHost: [
    {
      rule: `self.matches('^(\\\\*\\\\.)?${dns1123Subdomain}$')`,
      message:
        'ingressHost must be a lower-case DNS name such as mcp.example.com, or a wildcard such as *.example.com',
    },
    {
      // kube-apiserver refuses an Ingress rule whose host is an IP address.
      rule: "!self.matches('^[0-9]+([.][0-9]+){3}$')",
      message: 'ingressHost must be a DNS name, not an IP address',
    },
  ],
  ingressClass: [
    {
      rule: `self.matches('^${dns1123Subdomain}$')`,
      message: 'ingressClass must be the name of an IngressClass (a lower-case DNS subdomain)',
    },
  ],
  ingressPath: [
    {
      rule: pathChars,
      message: "ingressPath may contain only letters, digits and '-', '.', '_', '~', '/'",
    },
  ],
  publicPathPrefix: [
    {
      rule: pathChars,
      message: "publicPathPrefix may contain only letters, digits and '-', '.', '_', '~', '/'",
    },
    {
      rule: "self == '' || self.matches('[^/]')",
      message:
        'publicPathPrefix must contain a character other than /; leave it empty to route on ingressPath instead',
    },
  ],
  stripPrefix: [
    {
      rule: pathChars,
      message: "gateway.stripPrefix may contain only letters, digits and '-', '.', '_', '~', '/'",
    },
  ],
  upstreamURL: [
    {
      rule: "self == '' || self.matches('^https?://[^\\\\s/]+(/[^\\\\s]*)?$')",
      message:
        'gateway.upstreamURL must be an http:// or https:// URL such as http://127.0.0.1:8088',
    },
  ],
  teamID: [{ rule: noWhitespace, message: 'teamID must not contain whitespace' }],
  envName: [
    {
      rule: "self.matches('^[-._a-zA-Z][-._a-zA-Z0-9]*$')",
      message:
        "environment variable names may contain only letters, digits, '_', '-' and '.', and must not start with a digit",
    },
  ],
  quantity: [
    {
      rule: `self.matches('${QUANTITY_PATTERN}')`,
      message: 'must be a Kubernetes quantity such as 500m, 2, 64Mi or 1Gi',
    },
    {
      // kube-apiserver refuses a container's negative request or limit.
      rule: "!self.startsWith('-')",
      message: 'must not be negative',
    },
  ],
  // kube-apiserver's ValidateAnnotations on the Ingress they are copied to:
  // a prefix of at most 253 characters and one '/', a name of at most 63.
  annotationKeys: {
    rule: `self.all(k, k.matches('^([^/]{1,253}/)?[^/]{1,63}$') && k.matches('^(${KEY_PREFIX}/)?${QUALIFIED_NAME}$'))`,
    message:
      "ingressAnnotations keys must be annotation keys such as example.com/name: an optional DNS subdomain and '/', then at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit",
  },
  // A CRD cannot bound a map's keys (no propertyNames): a rule does.
  labelKeys: {
    rule: `self.all(k, k.size() <= ${LIMITS.annotationKey})`,
    message: `label keys must be at most ${LIMITS.annotationKey} characters`,
  },
  snippetAnnotations: {
    rule: "self.all(k, !k.endsWith('-snippet') && !k.endsWith('-snippets'))",
    message:
      'ingressAnnotations may not set *-snippet annotations, which inject proxy configuration; remove them (a cluster admin can allow them with MCP_ALLOW_SNIPPET_ANNOTATIONS=true)',
  },
  uniqueTools: uniqueNames('tool'),
  uniquePrompts: uniqueNames('prompt'),
  uniqueResources: uniqueNames('mcpResources'),
  uniqueEnvVars: uniqueNames('envVars'),
  uniqueSecretEnvVars: uniqueNames('secretEnvVars'),
  spec: [
    {
      rule: '!has(self.envVars) || !has(self.secretEnvVars) || self.envVars.all(e, !self.secretEnvVars.exists(s, s.name == e.name))',
      message:
        'an environment variable name may appear in envVars or in secretEnvVars, not in both',
    },
    {
      rule: `!has(self.gateway) || (has(self.gateway.enabled) && !self.gateway.enabled) || (has(self.gateway.port) ? self.gateway.port : ${DEFAULTS.gatewayPort}) != (has(self.port) ? self.port : ${DEFAULTS.port})`,
      message: 'gateway.port must differ from port: the sidecar and the server share the pod',
    },
    {
      // With the sidecar the Service also exposes its metrics port: two ports may not be the same.
      rule: `!has(self.gateway) || (has(self.gateway.enabled) && !self.gateway.enabled) || !has(self.servicePort) || self.servicePort != ${GATEWAY_METRICS_PORT}`,
      message: `servicePort must not be ${GATEWAY_METRICS_PORT}: with the gateway sidecar the Service exposes its metrics on that port`,
    },
  ],
} satisfies Record<string, ValidationRule | ValidationRule[]>;
