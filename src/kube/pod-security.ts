// The Pod Security Standards, checked as Kubernetes v1.32 checks them: the
// checks of k8s.io/pod-security-admission v0.32 (staging/src/k8s.io/
// pod-security-admission/policy/check_*.go on release-1.32) at policy version
// v1.32, which is what `latest` means on a 1.32 apiserver (the newest check
// revision registered in 1.32 is the sysctls one for v1.32).
//
// A pure function of a pod (or a pod template): it returns what the
// PodSecurity admission plugin would warn about or refuse, one Violation per
// failed check, each with the check's ID, its forbidden reason and its
// forbidden detail, worded as the library words them, in the order the
// library evaluates them. The admission plugin prints a violation as
// `reason (detail)`, which is `message` here, and joins them with ", ".
//
// What this reproduces, and what it leaves out:
// - Restricted is every Baseline check except the three that a Restricted
//   check replaces (hostPathVolumes by restrictedVolumes, capabilities_baseline
//   by capabilities_restricted, seccompProfile_baseline by
//   seccompProfile_restricted), plus the Restricted checks.
// - Containers are visited as the library visits them: initContainers, then
//   containers, then ephemeralContainers. Names are listed in that order;
//   values collected into sets (types, capabilities, ports) are sorted by
//   bytes, as Go's sets.String.List() sorts them.
// - The v1.25 revisions of allowPrivilegeEscalation, capabilities_restricted
//   and seccompProfile_restricted pass a pod whose spec.os.name is "windows".
// - runAsNonRoot, runAsUser and procMount pass a pod with hostUsers: false only
//   when the apiserver has opted in (the alpha UserNamespacesPodSecurityStandards
//   feature gate, off by default in 1.32); `relaxForUserNamespacePods` is that
//   switch, off by default.
// - Not in 1.32: hostProbesAndHostLifecycle (v1.34), the unconditional
//   user-namespace relaxations and procMount_restricted (v1.35), `image`
//   volumes under Restricted (allowed from v1.33; in 1.32 one is a restricted
//   volume of type "unknown"), and the v1.37 sysctls.
// - Policy versions older than v1.32 (an `enforce-version` pin) are not
//   modelled, nor the pre-v1.19 seccomp annotations of seccompProfile_baseline.
import { goQuote } from '@mcp-operator/kube-core/go-format';

/** A check's ID, as pod-security-admission registers it. */
export type CheckId =
  | 'allowPrivilegeEscalation'
  | 'appArmorProfile'
  | 'capabilities_baseline'
  | 'capabilities_restricted'
  | 'hostNamespaces'
  | 'hostPathVolumes'
  | 'hostPorts'
  | 'privileged'
  | 'procMount'
  | 'restrictedVolumes'
  | 'runAsNonRoot'
  | 'runAsUser'
  | 'seLinuxOptions'
  | 'seccompProfile_baseline'
  | 'seccompProfile_restricted'
  | 'sysctls'
  | 'windowsHostProcess';

export interface Violation {
  check: CheckId;
  /** The check's ForbiddenReason, e.g. `allowPrivilegeEscalation != false`. */
  reason: string;
  /** The check's ForbiddenDetail, e.g. `container "x" must set securityContext.allowPrivilegeEscalation=false`. */
  detail: string;
  /** `reason (detail)`, as the admission warning and error print it. */
  message: string;
}

export interface Options {
  /**
   * The library's RelaxPolicyForUserNamespacePods(true), which a 1.32
   * apiserver calls only with the UserNamespacesPodSecurityStandards feature
   * gate on: runAsNonRoot, runAsUser and procMount then pass a pod that sets
   * hostUsers: false. Off by default, as the gate is.
   */
  relaxForUserNamespacePods?: boolean;
}

// The pod as JSON: every field optional, null the same as absent (a nil
// pointer once Go has decoded it).
type Maybe<T> = T | null | undefined;

export interface SeccompOrAppArmorProfile {
  type?: Maybe<string>;
  localhostProfile?: Maybe<string>;
}

export interface SELinuxOptions {
  user?: Maybe<string>;
  role?: Maybe<string>;
  type?: Maybe<string>;
  level?: Maybe<string>;
}

export interface WindowsOptions {
  hostProcess?: Maybe<boolean>;
}

export interface ContainerSecurityContext {
  allowPrivilegeEscalation?: Maybe<boolean>;
  appArmorProfile?: Maybe<SeccompOrAppArmorProfile>;
  capabilities?: Maybe<{ add?: Maybe<readonly string[]>; drop?: Maybe<readonly string[]> }>;
  privileged?: Maybe<boolean>;
  procMount?: Maybe<string>;
  runAsNonRoot?: Maybe<boolean>;
  runAsUser?: Maybe<number>;
  seLinuxOptions?: Maybe<SELinuxOptions>;
  seccompProfile?: Maybe<SeccompOrAppArmorProfile>;
  windowsOptions?: Maybe<WindowsOptions>;
}

export interface ContainerSpec {
  name?: Maybe<string>;
  ports?: Maybe<readonly { hostPort?: Maybe<number> }[]>;
  securityContext?: Maybe<ContainerSecurityContext>;
}

export interface PodSecurityContext {
  appArmorProfile?: Maybe<SeccompOrAppArmorProfile>;
  runAsNonRoot?: Maybe<boolean>;
  runAsUser?: Maybe<number>;
  seLinuxOptions?: Maybe<SELinuxOptions>;
  seccompProfile?: Maybe<SeccompOrAppArmorProfile>;
  sysctls?: Maybe<readonly { name?: Maybe<string>; value?: Maybe<string> }[]>;
  windowsOptions?: Maybe<WindowsOptions>;
}

/** A volume: its name and one source field (`configMap`, `hostPath`, …). */
export interface Volume {
  name?: Maybe<string>;
  [source: string]: unknown;
}

export interface PodSpec {
  containers?: Maybe<readonly ContainerSpec[]>;
  initContainers?: Maybe<readonly ContainerSpec[]>;
  ephemeralContainers?: Maybe<readonly ContainerSpec[]>;
  volumes?: Maybe<readonly Volume[]>;
  hostNetwork?: Maybe<boolean>;
  hostPID?: Maybe<boolean>;
  hostIPC?: Maybe<boolean>;
  hostUsers?: Maybe<boolean>;
  os?: Maybe<{ name?: Maybe<string> }>;
  securityContext?: Maybe<PodSecurityContext>;
}

/** A Pod or a pod template: the checks read only annotations and the spec. */
export interface PodLike {
  metadata?: Maybe<{ annotations?: Maybe<Readonly<Record<string, string>>> }>;
  spec: PodSpec;
}

/** Restricted at v1.32: what a `pod-security.kubernetes.io/enforce: restricted` namespace refuses. */
export function restrictedViolations(pod: PodLike, options: Options = {}): Violation[] {
  return evaluate(pod, options, 'restricted');
}

/** Baseline at v1.32: what a `pod-security.kubernetes.io/enforce: baseline` namespace refuses. */
export function baselineViolations(pod: PodLike, options: Options = {}): Violation[] {
  return evaluate(pod, options, 'baseline');
}

// ---------------------------------------------------------------------------
// The registry.

interface Failure {
  reason: string;
  detail: string;
}
type CheckFn = (pod: Pod) => Failure | undefined;

interface Check {
  id: CheckId;
  level: 'baseline' | 'restricted';
  /** The Restricted check that replaces this Baseline one at Restricted. */
  replacedBy?: CheckId;
  run: CheckFn;
}

/** The pod as the checks see it: nulls gone, the options at hand. */
interface Pod {
  annotations: Readonly<Record<string, string>>;
  spec: PodSpec;
  podContext: PodSecurityContext | undefined;
  /** Every container, in the library's visiting order. */
  containers: readonly ContainerSpec[];
  /** True when the user-namespace relaxation applies to this pod. */
  relaxed: boolean;
  windows: boolean;
}

function evaluate(pod: PodLike, options: Options, level: 'baseline' | 'restricted'): Violation[] {
  const spec = pod.spec;
  const view: Pod = {
    annotations: pod.metadata?.annotations ?? {},
    spec,
    podContext: spec.securityContext ?? undefined,
    containers: [
      ...(spec.initContainers ?? []),
      ...(spec.containers ?? []),
      ...(spec.ephemeralContainers ?? []),
    ],
    relaxed: options.relaxForUserNamespacePods === true && spec.hostUsers === false,
    windows: spec.os?.name === 'windows',
  };
  const violations: Violation[] = [];
  for (const check of CHECKS) {
    if (level === 'baseline' && check.level === 'restricted') continue;
    if (level === 'restricted' && check.replacedBy) continue;
    const failure = check.run(view);
    if (!failure) continue;
    const message = failure.detail ? `${failure.reason} (${failure.detail})` : failure.reason;
    violations.push({ check: check.id, ...failure, message });
  }
  return violations;
}

// ---------------------------------------------------------------------------
// Wording helpers, matching the library's joinQuote and pluralize.

const joinQuote = (items: readonly string[]) =>
  items.length === 0 ? '' : `"${items.join('", "')}"`;

const pluralize = (singular: string, plural: string, count: number) =>
  count === 1 ? singular : plural;

/** `container "a"` / `containers "a", "b"`. */
const containerList = (names: readonly string[]) =>
  `${pluralize('container', 'containers', names.length)} ${joinQuote(names)}`;

/** Distinct values in byte order (UTF-8 byte order is code point order). */
function sortedSet(values: Iterable<string>): string[] {
  return [...new Set(values)].sort(byCodePoint);
}

function byCodePoint(a: string, b: string): number {
  const x = a[Symbol.iterator]();
  const y = b[Symbol.iterator]();
  for (;;) {
    const p = x.next();
    const q = y.next();
    if (p.done || q.done) return (p.done ? 0 : 1) - (q.done ? 0 : 1);
    const d = p.value.codePointAt(0)! - q.value.codePointAt(0)!;
    if (d !== 0) return d;
  }
}

const nameOf = (c: ContainerSpec) => c.name ?? '';
const isSet = <T>(value: T): value is NonNullable<T> => value !== undefined && value !== null;

/**
 * The shared shape of the checks that look at a pod-level and a
 * container-level field: the setters named `pod and containers "a", "b"`.
 */
function setters(pod: boolean, containers: readonly string[]): string {
  const parts: string[] = [];
  if (pod) parts.push('pod');
  if (containers.length > 0) parts.push(containerList(containers));
  return parts.join(' and ');
}

// ---------------------------------------------------------------------------
// The checks, one per check file of the library, in file name order.

// check_allowPrivilegeEscalation.go (Restricted, v1.8 and v1.25): every
// container must set allowPrivilegeEscalation to false; absent counts as true.
// From v1.25 a Windows pod passes.
const allowPrivilegeEscalation: CheckFn = (pod) => {
  if (pod.windows) return undefined;
  const bad = pod.containers
    .filter((c) => c.securityContext?.allowPrivilegeEscalation !== false)
    .map(nameOf);
  if (bad.length === 0) return undefined;
  return {
    reason: 'allowPrivilegeEscalation != false',
    detail: `${containerList(bad)} must set securityContext.allowPrivilegeEscalation=false`,
  };
};

// check_appArmorProfile.go (Baseline, v1.0, amended in place for the v1.30
// fields): the appArmorProfile type of the pod and of each container, when
// set, is RuntimeDefault or Localhost; the deprecated per-container
// annotations are empty, runtime/default or localhost/<name>.
const APPARMOR_ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';
const appArmorTypeAllowed = (type: Maybe<string>) =>
  type === 'RuntimeDefault' || type === 'Localhost';
const appArmorAnnotationAllowed = (value: string) =>
  value === '' || value === 'runtime/default' || value.startsWith('localhost/');

const appArmorProfile: CheckFn = (pod) => {
  const badValues: string[] = [];
  const podProfile = pod.podContext?.appArmorProfile;
  let badPod = false;
  if (isSet(podProfile) && !appArmorTypeAllowed(podProfile.type)) {
    badPod = true;
    badValues.push(podProfile.type ?? '');
  }
  const badContainers: string[] = [];
  for (const c of pod.containers) {
    const profile = c.securityContext?.appArmorProfile;
    if (isSet(profile) && !appArmorTypeAllowed(profile.type)) {
      badContainers.push(nameOf(c));
      badValues.push(profile.type ?? '');
    }
  }
  const badAnnotations = Object.entries(pod.annotations)
    .filter(([k, v]) => k.startsWith(APPARMOR_ANNOTATION_PREFIX) && !appArmorAnnotationAllowed(v))
    .map(([k, v]) => `${k}=${goQuote(v)}`)
    .sort(byCodePoint);
  let who = setters(badPod, badContainers);
  if (badAnnotations.length > 0) {
    const annotations = pluralize('annotation', 'annotations', badAnnotations.length);
    who = who ? `${who} and ${annotations}` : annotations;
  }
  if (!who) return undefined;
  const values = [...sortedSet(badValues), ...badAnnotations];
  return {
    reason: pluralize('forbidden AppArmor profile', 'forbidden AppArmor profiles', values.length),
    detail: `${who} must not set AppArmor profile type to ${joinQuote(values)}`,
  };
};

// check_capabilities_baseline.go (Baseline, v1.0; replaced at Restricted):
// capabilities.add holds only capabilities of the container runtime's default
// set. NET_RAW is not among them.
const BASELINE_CAPABILITIES = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
]);

const capabilitiesBaseline: CheckFn = (pod) => {
  const bad: string[] = [];
  const forbidden: string[] = [];
  for (const c of pod.containers) {
    const extra = (c.securityContext?.capabilities?.add ?? []).filter(
      (cap) => !BASELINE_CAPABILITIES.has(cap),
    );
    if (extra.length === 0) continue;
    bad.push(nameOf(c));
    forbidden.push(...extra);
  }
  if (bad.length === 0) return undefined;
  return {
    reason: 'non-default capabilities',
    detail: `${containerList(bad)} must not include ${joinQuote(sortedSet(forbidden))} in securityContext.capabilities.add`,
  };
};

// check_capabilities_restricted.go (Restricted, v1.22 and v1.25): every
// container drops ALL and adds nothing but NET_BIND_SERVICE. A container with
// no capabilities at all fails the drop rule only. From v1.25 a Windows pod
// passes.
const capabilitiesRestricted: CheckFn = (pod) => {
  if (pod.windows) return undefined;
  const missingDropAll: string[] = [];
  const addingForbidden: string[] = [];
  const forbidden: string[] = [];
  for (const c of pod.containers) {
    const capabilities = c.securityContext?.capabilities;
    if (!isSet(capabilities)) {
      missingDropAll.push(nameOf(c));
      continue;
    }
    if (!(capabilities.drop ?? []).includes('ALL')) missingDropAll.push(nameOf(c));
    const extra = (capabilities.add ?? []).filter((cap) => cap !== 'NET_BIND_SERVICE');
    if (extra.length > 0) {
      addingForbidden.push(nameOf(c));
      forbidden.push(...extra);
    }
  }
  const details: string[] = [];
  if (missingDropAll.length > 0) {
    details.push(
      `${containerList(missingDropAll)} must set securityContext.capabilities.drop=["ALL"]`,
    );
  }
  if (addingForbidden.length > 0) {
    details.push(
      `${containerList(addingForbidden)} must not include ${joinQuote(sortedSet(forbidden))} in securityContext.capabilities.add`,
    );
  }
  if (details.length === 0) return undefined;
  return { reason: 'unrestricted capabilities', detail: details.join('; ') };
};

// check_hostNamespaces.go (Baseline, v1.0): hostNetwork, hostPID and hostIPC
// are unset or false.
const hostNamespaces: CheckFn = (pod) => {
  const shared: string[] = [];
  if (pod.spec.hostNetwork === true) shared.push('hostNetwork=true');
  if (pod.spec.hostPID === true) shared.push('hostPID=true');
  if (pod.spec.hostIPC === true) shared.push('hostIPC=true');
  if (shared.length === 0) return undefined;
  return { reason: 'host namespaces', detail: shared.join(', ') };
};

// check_hostPathVolumes.go (Baseline, v1.0; replaced at Restricted by
// restrictedVolumes): no hostPath volume.
const hostPathVolumes: CheckFn = (pod) => {
  const bad = (pod.spec.volumes ?? []).filter((v) => isSet(v.hostPath)).map((v) => v.name ?? '');
  if (bad.length === 0) return undefined;
  return {
    reason: 'hostPath volumes',
    detail: `${pluralize('volume', 'volumes', bad.length)} ${joinQuote(bad)}`,
  };
};

// check_hostPorts.go (Baseline, v1.0): no container port sets a hostPort
// other than 0.
const hostPorts: CheckFn = (pod) => {
  const bad: string[] = [];
  const ports: string[] = [];
  for (const c of pod.containers) {
    const used = (c.ports ?? [])
      .map((p) => p.hostPort)
      .filter((port): port is number => isSet(port) && port !== 0);
    if (used.length === 0) continue;
    bad.push(nameOf(c));
    ports.push(...used.map(String));
  }
  if (bad.length === 0) return undefined;
  const distinct = sortedSet(ports);
  return {
    reason: 'hostPort',
    detail: `${containerList(bad)} ${pluralize('uses', 'use', bad.length)} ${pluralize('hostPort', 'hostPorts', distinct.length)} ${distinct.join(', ')}`,
  };
};

// check_privileged.go (Baseline, v1.0): no container sets privileged: true.
const privileged: CheckFn = (pod) => {
  const bad = pod.containers.filter((c) => c.securityContext?.privileged === true).map(nameOf);
  if (bad.length === 0) return undefined;
  return {
    reason: 'privileged',
    detail: `${containerList(bad)} must not set securityContext.privileged=true`,
  };
};

// check_procMount.go (Baseline, v1.0): procMount is unset or Default. In 1.32
// the user-namespace relaxation applies only when opted into.
const procMount: CheckFn = (pod) => {
  if (pod.relaxed) return undefined;
  const bad: string[] = [];
  const types: string[] = [];
  for (const c of pod.containers) {
    const type = c.securityContext?.procMount;
    if (!isSet(type) || type === 'Default') continue;
    bad.push(nameOf(c));
    types.push(type);
  }
  if (bad.length === 0) return undefined;
  return {
    reason: 'procMount',
    detail: `${containerList(bad)} must not set securityContext.procMount to ${joinQuote(sortedSet(types))}`,
  };
};

// check_restrictedVolumes.go (Restricted, v1.0): every volume uses one of the
// allowed sources. A volume's type is named after the first restricted source
// it sets, in the library's order; a volume with none of them (an `image`
// volume in 1.32, or no source at all) is "unknown".
const ALLOWED_VOLUME_SOURCES = [
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
];
const RESTRICTED_VOLUME_SOURCES = [
  'hostPath',
  'gcePersistentDisk',
  'awsElasticBlockStore',
  'gitRepo',
  'nfs',
  'iscsi',
  'glusterfs',
  'rbd',
  'flexVolume',
  'cinder',
  'cephfs',
  'flocker',
  'fc',
  'azureFile',
  'vsphereVolume',
  'quobyte',
  'azureDisk',
  'photonPersistentDisk',
  'portworxVolume',
  'scaleIO',
  'storageos',
];

const restrictedVolumes: CheckFn = (pod) => {
  const bad: string[] = [];
  const types: string[] = [];
  for (const volume of pod.spec.volumes ?? []) {
    if (ALLOWED_VOLUME_SOURCES.some((source) => isSet(volume[source]))) continue;
    bad.push(volume.name ?? '');
    types.push(RESTRICTED_VOLUME_SOURCES.find((source) => isSet(volume[source])) ?? 'unknown');
  }
  if (bad.length === 0) return undefined;
  const distinct = sortedSet(types);
  return {
    reason: 'restricted volume types',
    detail: `${pluralize('volume', 'volumes', bad.length)} ${joinQuote(bad)} ${pluralize('uses', 'use', bad.length)} ${pluralize('restricted volume type', 'restricted volume types', distinct.length)} ${joinQuote(distinct)}`,
  };
};

// check_runAsNonRoot.go (Restricted, v1.0): runAsNonRoot is true at pod level
// or in every container; a container may leave it unset when the pod sets it
// true, and nothing may set it false. An explicit false is reported in place
// of any container that merely leaves it unset.
const runAsNonRoot: CheckFn = (pod) => {
  if (pod.relaxed) return undefined;
  const podValue = pod.podContext?.runAsNonRoot;
  const podFalse = podValue === false;
  const podTrue = podValue === true;
  const explicitlyBad: string[] = [];
  const implicitlyBad: string[] = [];
  for (const c of pod.containers) {
    const value = c.securityContext?.runAsNonRoot;
    if (isSet(value)) {
      if (value === false) explicitlyBad.push(nameOf(c));
    } else if (!podTrue) {
      implicitlyBad.push(nameOf(c));
    }
  }
  if (podFalse || explicitlyBad.length > 0) {
    return {
      reason: 'runAsNonRoot != true',
      detail: `${setters(podFalse, explicitlyBad)} must not set securityContext.runAsNonRoot=false`,
    };
  }
  if (implicitlyBad.length > 0) {
    return {
      reason: 'runAsNonRoot != true',
      detail: `pod or ${containerList(implicitlyBad)} must set securityContext.runAsNonRoot=true`,
    };
  }
  return undefined;
};

// check_runAsUser.go (Restricted, v1.23): neither the pod nor any container
// sets runAsUser: 0; unset is allowed.
const runAsUser: CheckFn = (pod) => {
  if (pod.relaxed) return undefined;
  const podRoot = pod.podContext?.runAsUser === 0;
  const bad = pod.containers.filter((c) => c.securityContext?.runAsUser === 0).map(nameOf);
  if (!podRoot && bad.length === 0) return undefined;
  return { reason: 'runAsUser=0', detail: `${setters(podRoot, bad)} must not set runAsUser=0` };
};

// check_seLinuxOptions.go (Baseline, v1.0 and v1.31): seLinuxOptions, at pod
// level or in a container, has a type of "", container_t, container_init_t,
// container_kvm_t or (from v1.31) container_engine_t, and no user or role.
const SELINUX_TYPES = new Set([
  '',
  'container_t',
  'container_init_t',
  'container_kvm_t',
  'container_engine_t',
]);

const seLinuxOptions: CheckFn = (pod) => {
  const badTypes: string[] = [];
  let userSet = false;
  let roleSet = false;
  const valid = (options: SELinuxOptions) => {
    let ok = true;
    const type = options.type ?? '';
    if (!SELINUX_TYPES.has(type)) {
      ok = false;
      badTypes.push(type);
    }
    if (options.user) {
      ok = false;
      userSet = true;
    }
    if (options.role) {
      ok = false;
      roleSet = true;
    }
    return ok;
  };
  const podOptions = pod.podContext?.seLinuxOptions;
  const badPod = isSet(podOptions) && !valid(podOptions);
  const badContainers: string[] = [];
  for (const c of pod.containers) {
    const options = c.securityContext?.seLinuxOptions;
    if (isSet(options) && !valid(options)) badContainers.push(nameOf(c));
  }
  if (!badPod && badContainers.length === 0) return undefined;
  const what: string[] = [];
  const types = sortedSet(badTypes);
  if (types.length > 0)
    what.push(`${pluralize('type', 'types', types.length)} ${joinQuote(types)}`);
  if (userSet) what.push('user may not be set');
  if (roleSet) what.push('role may not be set');
  return {
    reason: 'seLinuxOptions',
    detail: `${setters(badPod, badContainers)} set forbidden securityContext.seLinuxOptions: ${what.join('; ')}`,
  };
};

// check_seccompProfile_baseline.go (Baseline, v1.19 revision; replaced at
// Restricted): a seccompProfile, where one is set, is RuntimeDefault or
// Localhost. Unconfined is the value this refuses in practice.
const seccompAllowed = (type: Maybe<string>) => type === 'RuntimeDefault' || type === 'Localhost';

/** The pod and containers that set a seccomp type other than the two allowed ones. */
function badSeccomp(pod: Pod) {
  const values: string[] = [];
  const profile = pod.podContext?.seccompProfile;
  let badPod = false;
  if (isSet(profile) && !seccompAllowed(profile.type)) {
    badPod = true;
    values.push(profile.type ?? '');
  }
  const badContainers: string[] = [];
  for (const c of pod.containers) {
    const own = c.securityContext?.seccompProfile;
    if (isSet(own) && !seccompAllowed(own.type)) {
      badContainers.push(nameOf(c));
      values.push(own.type ?? '');
    }
  }
  return { badPod, badContainers, values: sortedSet(values) };
}

function explicitSeccompFailure(bad: ReturnType<typeof badSeccomp>): Failure | undefined {
  if (!bad.badPod && bad.badContainers.length === 0) return undefined;
  return {
    reason: 'seccompProfile',
    detail: `${setters(bad.badPod, bad.badContainers)} must not set securityContext.seccompProfile.type to ${joinQuote(bad.values)}`,
  };
}

const seccompProfileBaseline: CheckFn = (pod) => explicitSeccompFailure(badSeccomp(pod));

// check_seccompProfile_restricted.go (Restricted, v1.19 and v1.25): as
// Baseline, and besides every container must end up with an allowed profile:
// its own, or else a valid pod-level one. A bad explicit value is reported in
// place of containers that merely lack one. From v1.25 a Windows pod passes.
const seccompProfileRestricted: CheckFn = (pod) => {
  if (pod.windows) return undefined;
  const bad = badSeccomp(pod);
  const explicit = explicitSeccompFailure(bad);
  if (explicit) return explicit;
  const podSet = isSet(pod.podContext?.seccompProfile);
  if (podSet) return undefined;
  const unset = pod.containers.filter((c) => !isSet(c.securityContext?.seccompProfile)).map(nameOf);
  if (unset.length === 0) return undefined;
  return {
    reason: 'seccompProfile',
    detail: `pod or ${containerList(unset)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`,
  };
};

// check_sysctls.go (Baseline, v1.0, v1.27, v1.29 and v1.32): the pod sets only
// the sysctls known to be namespaced and isolated. The list as of v1.32:
const SAFE_SYSCTLS = new Set([
  // v1.0
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_unprivileged_port_start',
  // v1.27
  'net.ipv4.ip_local_reserved_ports',
  // v1.29
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
  // v1.32
  'net.ipv4.tcp_rmem',
  'net.ipv4.tcp_wmem',
]);

const sysctls: CheckFn = (pod) => {
  const forbidden = (pod.podContext?.sysctls ?? [])
    .map((s) => s.name ?? '')
    .filter((name) => !SAFE_SYSCTLS.has(name));
  if (forbidden.length === 0) return undefined;
  return { reason: 'forbidden sysctls', detail: forbidden.join(', ') };
};

// check_windowsHostProcess.go (Baseline, v1.0): neither the pod nor any
// container sets windowsOptions.hostProcess: true.
const windowsHostProcess: CheckFn = (pod) => {
  const podSet = pod.podContext?.windowsOptions?.hostProcess === true;
  const bad = pod.containers
    .filter((c) => c.securityContext?.windowsOptions?.hostProcess === true)
    .map(nameOf);
  if (!podSet && bad.length === 0) return undefined;
  return {
    reason: 'hostProcess',
    detail: `${setters(podSet, bad)} must not set securityContext.windowsOptions.hostProcess=true`,
  };
};

// The library's evaluation order (registry.go): the Baseline checks by ID,
// then the Restricted checks by ID, IDs compared as Go compares strings.
const CHECKS: readonly Check[] = [
  { id: 'appArmorProfile', level: 'baseline', run: appArmorProfile },
  {
    id: 'capabilities_baseline',
    level: 'baseline',
    replacedBy: 'capabilities_restricted',
    run: capabilitiesBaseline,
  },
  { id: 'hostNamespaces', level: 'baseline', run: hostNamespaces },
  {
    id: 'hostPathVolumes',
    level: 'baseline',
    replacedBy: 'restrictedVolumes',
    run: hostPathVolumes,
  },
  { id: 'hostPorts', level: 'baseline', run: hostPorts },
  { id: 'privileged', level: 'baseline', run: privileged },
  { id: 'procMount', level: 'baseline', run: procMount },
  { id: 'seLinuxOptions', level: 'baseline', run: seLinuxOptions },
  {
    id: 'seccompProfile_baseline',
    level: 'baseline',
    replacedBy: 'seccompProfile_restricted',
    run: seccompProfileBaseline,
  },
  { id: 'sysctls', level: 'baseline', run: sysctls },
  { id: 'windowsHostProcess', level: 'baseline', run: windowsHostProcess },
  { id: 'allowPrivilegeEscalation', level: 'restricted', run: allowPrivilegeEscalation },
  { id: 'capabilities_restricted', level: 'restricted', run: capabilitiesRestricted },
  { id: 'restrictedVolumes', level: 'restricted', run: restrictedVolumes },
  { id: 'runAsNonRoot', level: 'restricted', run: runAsNonRoot },
  { id: 'runAsUser', level: 'restricted', run: runAsUser },
  { id: 'seccompProfile_restricted', level: 'restricted', run: seccompProfileRestricted },
];
