// What kube-apiserver checks on the objects the operator builds that the
// local control plane does not (yet) check itself: the plane validates names,
// labels and annotation keys, the Deployment selector and Ingress pathType and
// absolute paths; kube-apiserver also checks the rules below (the Go sources
// named beside each). The fuzz suite holds built objects to both.
import { isObject } from '@mcp-operator/kube-core/json';
import {
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isWildcardDNS1123Subdomain,
} from '@mcp-operator/kube-core/names';
import { compareQuantities, parseQuantity, quantitySign } from '@mcp-operator/kube-core/quantity';
import type { KubeObject } from '@mcp-operator/kube-core/port';

/** apimachinery/pkg/api/validation/objectmeta.go: TotalAnnotationSizeLimitB. */
const TOTAL_ANNOTATION_SIZE = 256 * 1024;
/** apimachinery validation.IsEnvVarName (the classic rule; 1.34 relaxed it). */
const ENV_VAR_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
/** networking/validation: invalidPathSequences and invalidPathSuffixes of Exact and Prefix paths. */
const INVALID_PATH_SEQUENCES = ['//', '/./', '/../', '%2f', '%2F'];
const INVALID_PATH_SUFFIXES = ['/..', '/.'];

function validPort(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 65535;
}

/** validation.IsValidPortName (IANA_SVC_NAME). */
function validPortName(name: unknown): boolean {
  return (
    typeof name === 'string' &&
    name.length <= 15 &&
    /^[-a-z0-9]+$/.test(name) &&
    /[a-z]/.test(name) &&
    !name.includes('--') &&
    !name.startsWith('-') &&
    !name.endsWith('-')
  );
}

/** netutils.ParseIPSloppy accepts it: an IPv4 address (leading zeros allowed) or an IPv6 one. */
function isIP(host: string): boolean {
  const v4 = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(host);
  if (v4) return v4.slice(1).every((octet) => Number(octet) <= 255);
  return host.includes(':');
}

function metadataProblems(o: KubeObject): string[] {
  const problems: string[] = [];
  const annotations = o.metadata.annotations ?? {};
  const size = Object.entries(annotations).reduce(
    (n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v),
    0,
  );
  if (size > TOTAL_ANNOTATION_SIZE) {
    problems.push(
      `metadata.annotations: Too long: must have at most ${TOTAL_ANNOTATION_SIZE} bytes`,
    );
  }
  return problems;
}

/** core/validation validateContainers, validateContainerPorts, validateEnv, ValidateResourceRequirements. */
function deploymentProblems(d: KubeObject): string[] {
  const problems: string[] = [];
  const spec = d.spec as Record<string, unknown>;
  const replicas = spec.replicas;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    problems.push(`spec.replicas: ${String(replicas)} must be a non-negative integer`);
  }
  const pod = (spec.template as { spec: { containers: Record<string, unknown>[] } }).spec;
  const containerNames = new Set<string>();
  pod.containers.forEach((c, i) => {
    const at = `spec.template.spec.containers[${i}]`;
    const name = String(c.name);
    for (const p of isDNS1123Label(name)) problems.push(`${at}.name: ${p}`);
    if (containerNames.has(name)) problems.push(`${at}.name: Duplicate value: ${name}`);
    containerNames.add(name);
    const image = c.image;
    if (typeof image !== 'string' || image.length === 0)
      problems.push(`${at}.image: Required value`);
    else if (image.trim() !== image) {
      problems.push(`${at}.image: must not have leading or trailing whitespace`);
    }
    const portNames = new Set<string>();
    for (const [j, p] of ((c.ports ?? []) as Record<string, unknown>[]).entries()) {
      if (!validPort(p.containerPort)) {
        problems.push(`${at}.ports[${j}].containerPort: ${String(p.containerPort)}`);
      }
      if (!validPortName(p.name) || portNames.has(String(p.name))) {
        problems.push(`${at}.ports[${j}].name: ${String(p.name)}`);
      }
      portNames.add(String(p.name));
    }
    for (const [j, e] of ((c.env ?? []) as { name: string }[]).entries()) {
      if (!ENV_VAR_NAME.test(e.name)) problems.push(`${at}.env[${j}].name: ${e.name}`);
    }
    for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
      const handler = c[probe] as
        { tcpSocket?: { port: unknown }; httpGet?: { port: unknown } } | undefined;
      const p = handler?.tcpSocket?.port ?? handler?.httpGet?.port;
      if (handler && !validPort(p)) problems.push(`${at}.${probe}: port ${String(p)}`);
    }
    const resources = (c.resources ?? {}) as Record<string, Record<string, string> | undefined>;
    for (const kind of ['requests', 'limits']) {
      for (const [name, text] of Object.entries(resources[kind] ?? {})) {
        const q = parseQuantity(text);
        if (!q) problems.push(`${at}.resources.${kind}[${name}]: ${text} is not a quantity`);
        else if (quantitySign(q) < 0) {
          problems.push(`${at}.resources.${kind}[${name}]: must be greater than or equal to 0`);
        }
      }
    }
    for (const [name, text] of Object.entries(resources.requests ?? {})) {
      const limit = resources.limits?.[name];
      const q = parseQuantity(text);
      const l = limit === undefined ? undefined : parseQuantity(limit);
      if (q && l && compareQuantities(q, l) > 0) {
        problems.push(
          `${at}.resources.requests[${name}]: must be less than or equal to ${name} limit of ${limit}`,
        );
      }
    }
  });
  return problems;
}

/** core/validation ValidateService: ports, targetPorts, unique names and port/protocol pairs. */
function serviceProblems(s: KubeObject): string[] {
  const problems: string[] = [];
  const ports = (s.spec as { ports: Record<string, unknown>[] }).ports;
  const names = new Set<string>();
  const pairs = new Set<string>();
  ports.forEach((p, i) => {
    const at = `spec.ports[${i}]`;
    if (!validPort(p.port)) problems.push(`${at}.port: ${String(p.port)}`);
    if (!validPort(p.targetPort)) problems.push(`${at}.targetPort: ${String(p.targetPort)}`);
    if (ports.length > 1 && !validPortName(p.name)) problems.push(`${at}.name: ${String(p.name)}`);
    const name = String(p.name);
    if (names.has(name)) problems.push(`${at}.name: Duplicate value: ${name}`);
    names.add(name);
    const pair = `${String(p.port)}/${String(p.protocol)}`;
    if (pairs.has(pair)) problems.push(`${at}: Duplicate value: ${pair}`);
    pairs.add(pair);
  });
  return problems;
}

/** networking/validation validateIngressRules and validateHTTPIngressPath. */
function ingressProblems(ing: KubeObject): string[] {
  const problems: string[] = [];
  const spec = ing.spec as {
    ingressClassName?: string;
    rules: {
      host?: string;
      http: {
        paths: {
          path: string;
          pathType: string;
          backend: { service: { name: string; port: { number: unknown } } };
        }[];
      };
    }[];
  };
  if (spec.ingressClassName !== undefined) {
    for (const p of isDNS1123Subdomain(spec.ingressClassName)) {
      problems.push(`spec.ingressClassName: ${p}`);
    }
  }
  spec.rules.forEach((rule, i) => {
    const host = rule.host;
    if (host !== undefined && host !== '') {
      if (isIP(host)) problems.push(`spec.rules[${i}].host: must be a DNS name, not an IP address`);
      const check = host.includes('*') ? isWildcardDNS1123Subdomain : isDNS1123Subdomain;
      for (const p of check(host)) problems.push(`spec.rules[${i}].host: ${p}`);
    }
    rule.http.paths.forEach((p, j) => {
      const at = `spec.rules[${i}].http.paths[${j}]`;
      if (!p.path.startsWith('/')) problems.push(`${at}.path: must be an absolute path`);
      if (p.pathType === 'Exact' || p.pathType === 'Prefix') {
        for (const seq of INVALID_PATH_SEQUENCES) {
          if (p.path.includes(seq)) problems.push(`${at}.path: must not contain '${seq}'`);
        }
        for (const suffix of INVALID_PATH_SUFFIXES) {
          if (p.path.endsWith(suffix)) problems.push(`${at}.path: cannot end with '${suffix}'`);
        }
      }
      for (const problem of isDNS1035Label(p.backend.service.name)) {
        problems.push(`${at}.backend.service.name: ${problem}`);
      }
      if (!validPort(p.backend.service.port.number)) {
        problems.push(
          `${at}.backend.service.port.number: ${String(p.backend.service.port.number)}`,
        );
      }
    });
  });
  return problems;
}

/** kube-apiserver's checks the local control plane leaves out, for one built object. */
export function kubeProblems(o: KubeObject): string[] {
  const problems = metadataProblems(o);
  if (!isObject(o.spec) && o.kind !== 'Secret') return [...problems, 'spec: Required value'];
  switch (o.kind) {
    case 'Deployment':
      return [...problems, ...deploymentProblems(o)];
    case 'Service':
      return [...problems, ...serviceProblems(o)];
    case 'Ingress':
      return [...problems, ...ingressProblems(o)];
    default:
      return problems;
  }
}
