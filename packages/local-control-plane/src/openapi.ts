// The OpenAPI v3 discovery of kube-apiserver: the /openapi/v3 index and one
// document per group-version, with what kubectl 1.32 reads from them:
// - the field-validation check finds each kind's PATCH operation by its
//   x-kubernetes-group-version-kind and looks for a `fieldValidation` parameter;
// - client-side apply computes a strategic merge patch from the component
//   schemas when the PATCH operation accepts application/strategic-merge-patch+json
//   (built-ins), using x-kubernetes-patch-strategy / -merge-key; custom resources
//   do not accept it, so kubectl falls back to a JSON merge patch;
// - explain walks components.schemas from the schema carrying the kind's GVK.
import { createHash } from 'node:crypto';
import { clone, isObject } from '@mcp-operator/kube-core/json';
import { strategyFor } from './kinds/index.ts';
import type { ResourceType } from './types.ts';

export interface OpenAPIDocs {
  index: Record<string, unknown>;
  /** key: "api/v1", "apis/apps/v1", ... */
  documents: Map<string, Record<string, unknown>>;
}

type Schema = Record<string, unknown>;

const KUBE_VERSION = 'v1.32.0';

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });

// ---- built-in component schemas --------------------------------------------
// The structure of the built-in kinds, with the strategic-merge-patch metadata
// of their Go types (x-kubernetes-patch-strategy / -merge-key) and list types.
// Every object- or list-valued field a manifest can set is described, because
// kubectl's OpenAPI v3 patch builder fails on a changed field it cannot find.

const META_PREFIX = 'io.k8s.apimachinery.pkg.apis.meta.v1.';
const META = {
  ObjectMeta: `${META_PREFIX}ObjectMeta`,
  ListMeta: `${META_PREFIX}ListMeta`,
  Status: `${META_PREFIX}Status`,
  DeleteOptions: `${META_PREFIX}DeleteOptions`,
  Patch: `${META_PREFIX}Patch`,
  WatchEvent: `${META_PREFIX}WatchEvent`,
  Time: `${META_PREFIX}Time`,
  MicroTime: `${META_PREFIX}MicroTime`,
  LabelSelector: `${META_PREFIX}LabelSelector`,
  Condition: `${META_PREFIX}Condition`,
};
const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
const CORE = 'io.k8s.api.core.v1.';
const APPS = 'io.k8s.api.apps.v1.';
const NETWORKING = 'io.k8s.api.networking.v1.';
const DISCOVERY = 'io.k8s.api.discovery.v1.';
const COORDINATION = 'io.k8s.api.coordination.v1.';
const EVENTS = 'io.k8s.api.events.v1.';
const APIEXT = 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.';

const string: Schema = { type: 'string' };
const int32: Schema = { type: 'integer', format: 'int32' };
const int64: Schema = { type: 'integer', format: 'int64' };
const bool: Schema = { type: 'boolean' };
const bytes: Schema = { type: 'string', format: 'byte' };
const time: Schema = { $ref: `#/components/schemas/${META.Time}` };
const microTime: Schema = { $ref: `#/components/schemas/${META.MicroTime}` };
const quantity: Schema = { $ref: `#/components/schemas/${QUANTITY}` };
const intOrString: Schema = { $ref: `#/components/schemas/${INT_OR_STRING}` };

const obj = (properties: Record<string, Schema>, extra: Schema = {}): Schema => ({
  type: 'object',
  properties,
  ...extra,
});
/** A field holding another component, in kube's allOf wrapping. */
const r = (name: string, extra: Schema = {}): Schema => ({
  allOf: [ref(name)],
  default: {},
  ...extra,
});
const mapOf = (values: Schema): Schema => ({ type: 'object', additionalProperties: values });
const strings: Schema = {
  type: 'array',
  items: { type: 'string', default: '' },
  'x-kubernetes-list-type': 'atomic',
};
const stringMap = mapOf({ type: 'string', default: '' });
const atomicList = (item: string): Schema => ({
  type: 'array',
  items: r(item),
  'x-kubernetes-list-type': 'atomic',
});
/** A list merged by key in strategic merge patch (patchStrategy=merge, patchMergeKey). */
const mergeList = (
  item: string,
  key: string,
  opts: { retainKeys?: boolean; mapKeys?: string[] } = {},
): Schema => ({
  type: 'array',
  items: r(item),
  'x-kubernetes-list-map-keys': opts.mapKeys ?? [key],
  'x-kubernetes-list-type': 'map',
  'x-kubernetes-patch-merge-key': key,
  'x-kubernetes-patch-strategy': opts.retainKeys ? 'merge,retainKeys' : 'merge',
});

/** The top-level schema of a kind: apiVersion, kind, metadata and the given fields. */
function kind(
  group: string,
  version: string,
  name: string,
  description: string,
  fields: Record<string, Schema>,
): Schema {
  return {
    description,
    type: 'object',
    properties: {
      apiVersion: { description: API_VERSION_DOC, type: 'string' },
      kind: { description: KIND_DOC, type: 'string' },
      metadata: r(META.ObjectMeta, { description: METADATA_DOC }),
      ...fields,
    },
    'x-kubernetes-group-version-kind': [gvk(group, version, name)],
  };
}

function metaComponents(): Record<string, Schema> {
  return {
    [META.Time]: {
      description: 'An RFC 3339 date and time, in UTC.',
      type: 'string',
      format: 'date-time',
    },
    [META.MicroTime]: {
      description: 'An RFC 3339 date and time with microseconds, in UTC.',
      type: 'string',
      format: 'date-time',
    },
    [QUANTITY]: {
      description: 'A fixed-point number with a suffix, such as 500m or 1Gi.',
      oneOf: [{ type: 'string' }, { type: 'number' }],
    },
    [INT_OR_STRING]: {
      description: 'An integer or a string.',
      type: 'string',
      format: 'int-or-string',
    },
    [`${META_PREFIX}FieldsV1`]: { description: 'A set of fields, as a trie.', type: 'object' },
    [`${META_PREFIX}ManagedFieldsEntry`]: obj({
      apiVersion: string,
      fieldsType: string,
      fieldsV1: r(`${META_PREFIX}FieldsV1`),
      manager: string,
      operation: string,
      subresource: string,
      time,
    }),
    [`${META_PREFIX}OwnerReference`]: obj(
      {
        apiVersion: string,
        blockOwnerDeletion: bool,
        controller: bool,
        kind: string,
        name: string,
        uid: string,
      },
      { required: ['apiVersion', 'kind', 'name', 'uid'], 'x-kubernetes-map-type': 'atomic' },
    ),
    [META.ObjectMeta]: obj({
      annotations: stringMap,
      creationTimestamp: time,
      deletionGracePeriodSeconds: int64,
      deletionTimestamp: time,
      finalizers: {
        type: 'array',
        items: { type: 'string', default: '' },
        'x-kubernetes-list-type': 'set',
        'x-kubernetes-patch-strategy': 'merge',
      },
      generateName: string,
      generation: int64,
      labels: stringMap,
      managedFields: atomicList(`${META_PREFIX}ManagedFieldsEntry`),
      name: string,
      namespace: string,
      ownerReferences: mergeList(`${META_PREFIX}OwnerReference`, 'uid'),
      resourceVersion: string,
      selfLink: string,
      uid: string,
    }),
    [META.ListMeta]: obj({
      continue: string,
      remainingItemCount: int64,
      resourceVersion: string,
      selfLink: string,
    }),
    [`${META_PREFIX}LabelSelectorRequirement`]: obj(
      { key: string, operator: string, values: strings },
      { required: ['key', 'operator'] },
    ),
    [META.LabelSelector]: obj(
      {
        matchExpressions: atomicList(`${META_PREFIX}LabelSelectorRequirement`),
        matchLabels: stringMap,
      },
      { 'x-kubernetes-map-type': 'atomic' },
    ),
    [META.Condition]: obj(
      {
        lastTransitionTime: time,
        message: string,
        observedGeneration: int64,
        reason: string,
        status: string,
        type: string,
      },
      { required: ['type', 'status', 'lastTransitionTime', 'reason', 'message'] },
    ),
    [`${META_PREFIX}StatusCause`]: obj({ field: string, message: string, reason: string }),
    [`${META_PREFIX}StatusDetails`]: obj({
      causes: atomicList(`${META_PREFIX}StatusCause`),
      group: string,
      kind: string,
      name: string,
      retryAfterSeconds: int32,
      uid: string,
    }),
    [META.Status]: {
      ...obj({
        apiVersion: string,
        code: int32,
        details: r(`${META_PREFIX}StatusDetails`),
        kind: string,
        message: string,
        metadata: r(META.ListMeta),
        reason: string,
        status: string,
      }),
      'x-kubernetes-group-version-kind': [gvk('', 'v1', 'Status')],
    },
    [`${META_PREFIX}Preconditions`]: obj({ resourceVersion: string, uid: string }),
    [META.DeleteOptions]: obj({
      apiVersion: string,
      dryRun: strings,
      gracePeriodSeconds: int64,
      ignoreStoreReadErrorWithClusterBreakingPotential: bool,
      kind: string,
      orphanDependents: bool,
      preconditions: r(`${META_PREFIX}Preconditions`),
      propagationPolicy: string,
    }),
    [META.Patch]: { description: 'The body of a PATCH request.', type: 'object' },
    [META.WatchEvent]: obj(
      { object: { type: 'object' }, type: { type: 'string', default: '' } },
      { required: ['type', 'object'] },
    ),
  };
}

function podComponents(): Record<string, Schema> {
  const c = (n: string) => `${CORE}${n}`;
  const handler = obj({
    exec: r(c('ExecAction')),
    httpGet: r(c('HTTPGetAction')),
    sleep: r(c('SleepAction')),
    tcpSocket: r(c('TCPSocketAction')),
  });
  const container: Record<string, Schema> = {
    args: strings,
    command: strings,
    env: mergeList(c('EnvVar'), 'name'),
    envFrom: atomicList(c('EnvFromSource')),
    image: string,
    imagePullPolicy: string,
    lifecycle: r(c('Lifecycle')),
    livenessProbe: r(c('Probe')),
    name: string,
    ports: mergeList(c('ContainerPort'), 'containerPort', {
      mapKeys: ['containerPort', 'protocol'],
    }),
    readinessProbe: r(c('Probe')),
    resizePolicy: atomicList(c('ContainerResizePolicy')),
    resources: r(c('ResourceRequirements')),
    restartPolicy: string,
    securityContext: r(c('SecurityContext')),
    startupProbe: r(c('Probe')),
    stdin: bool,
    stdinOnce: bool,
    terminationMessagePath: string,
    terminationMessagePolicy: string,
    tty: bool,
    volumeDevices: mergeList(c('VolumeDevice'), 'devicePath'),
    volumeMounts: mergeList(c('VolumeMount'), 'mountPath'),
    workingDir: string,
  };
  const keyToPaths = atomicList(c('KeyToPath'));
  const nodeSelectorTerm = obj({
    matchExpressions: atomicList(c('NodeSelectorRequirement')),
    matchFields: atomicList(c('NodeSelectorRequirement')),
  });
  const podAffinity = obj({
    preferredDuringSchedulingIgnoredDuringExecution: atomicList(c('WeightedPodAffinityTerm')),
    requiredDuringSchedulingIgnoredDuringExecution: atomicList(c('PodAffinityTerm')),
  });
  const seLinux = obj({ level: string, role: string, type: string, user: string });
  const profile = obj({ localhostProfile: string, type: string });
  const windows = obj({
    gmsaCredentialSpec: string,
    gmsaCredentialSpecName: string,
    hostProcess: bool,
    runAsUserName: string,
  });
  const containerStatus = obj({
    allocatedResources: mapOf(quantity),
    containerID: string,
    image: string,
    imageID: string,
    lastState: r(c('ContainerState')),
    name: string,
    ready: bool,
    restartCount: int32,
    started: bool,
    state: r(c('ContainerState')),
  });
  return {
    [c('PodTemplateSpec')]: obj({ metadata: r(META.ObjectMeta), spec: r(c('PodSpec')) }),
    [c('PodSpec')]: obj(
      {
        activeDeadlineSeconds: int64,
        affinity: r(c('Affinity')),
        automountServiceAccountToken: bool,
        containers: mergeList(c('Container'), 'name'),
        dnsConfig: r(c('PodDNSConfig')),
        dnsPolicy: string,
        enableServiceLinks: bool,
        ephemeralContainers: mergeList(c('EphemeralContainer'), 'name'),
        hostAliases: mergeList(c('HostAlias'), 'ip'),
        hostIPC: bool,
        hostNetwork: bool,
        hostPID: bool,
        hostUsers: bool,
        hostname: string,
        imagePullSecrets: mergeList(c('LocalObjectReference'), 'name'),
        initContainers: mergeList(c('Container'), 'name'),
        nodeName: string,
        nodeSelector: { ...stringMap, 'x-kubernetes-map-type': 'atomic' },
        os: r(c('PodOS')),
        overhead: mapOf(quantity),
        preemptionPolicy: string,
        priority: int32,
        priorityClassName: string,
        readinessGates: atomicList(c('PodReadinessGate')),
        resourceClaims: mergeList(c('PodResourceClaim'), 'name', { retainKeys: true }),
        resources: r(c('ResourceRequirements')),
        restartPolicy: string,
        runtimeClassName: string,
        schedulerName: string,
        schedulingGates: mergeList(c('PodSchedulingGate'), 'name'),
        securityContext: r(c('PodSecurityContext')),
        serviceAccount: string,
        serviceAccountName: string,
        setHostnameAsFQDN: bool,
        shareProcessNamespace: bool,
        subdomain: string,
        terminationGracePeriodSeconds: int64,
        tolerations: atomicList(c('Toleration')),
        topologySpreadConstraints: mergeList(c('TopologySpreadConstraint'), 'topologyKey', {
          mapKeys: ['topologyKey', 'whenUnsatisfiable'],
        }),
        volumes: mergeList(c('Volume'), 'name', { retainKeys: true }),
      },
      { required: ['containers'] },
    ),
    [c('Container')]: obj(container, { required: ['name'] }),
    [c('EphemeralContainer')]: obj(
      { ...container, targetContainerName: string },
      { required: ['name'] },
    ),
    [c('ContainerPort')]: obj(
      {
        containerPort: int32,
        hostIP: string,
        hostPort: int32,
        name: string,
        protocol: { type: 'string', default: 'TCP' },
      },
      { required: ['containerPort'] },
    ),
    [c('EnvVar')]: obj(
      { name: string, value: string, valueFrom: r(c('EnvVarSource')) },
      { required: ['name'] },
    ),
    [c('EnvVarSource')]: obj({
      configMapKeyRef: r(c('ConfigMapKeySelector')),
      fieldRef: r(c('ObjectFieldSelector')),
      resourceFieldRef: r(c('ResourceFieldSelector')),
      secretKeyRef: r(c('SecretKeySelector')),
    }),
    [c('ConfigMapKeySelector')]: obj(
      { key: string, name: string, optional: bool },
      { 'x-kubernetes-map-type': 'atomic' },
    ),
    [c('SecretKeySelector')]: obj(
      { key: string, name: string, optional: bool },
      { 'x-kubernetes-map-type': 'atomic' },
    ),
    [c('ObjectFieldSelector')]: obj(
      { apiVersion: string, fieldPath: string },
      { 'x-kubernetes-map-type': 'atomic' },
    ),
    [c('ResourceFieldSelector')]: obj(
      { containerName: string, divisor: quantity, resource: string },
      { 'x-kubernetes-map-type': 'atomic' },
    ),
    [c('EnvFromSource')]: obj({
      configMapRef: r(c('ConfigMapEnvSource')),
      prefix: string,
      secretRef: r(c('SecretEnvSource')),
    }),
    [c('ConfigMapEnvSource')]: obj({ name: string, optional: bool }),
    [c('SecretEnvSource')]: obj({ name: string, optional: bool }),
    [c('ResourceRequirements')]: obj({
      claims: mergeList(c('ResourceClaim'), 'name'),
      limits: mapOf(quantity),
      requests: mapOf(quantity),
    }),
    [c('ResourceClaim')]: obj({ name: string, request: string }, { required: ['name'] }),
    [c('ContainerResizePolicy')]: obj({ resourceName: string, restartPolicy: string }),
    [c('VolumeMount')]: obj({
      mountPath: string,
      mountPropagation: string,
      name: string,
      readOnly: bool,
      recursiveReadOnly: string,
      subPath: string,
      subPathExpr: string,
    }),
    [c('VolumeDevice')]: obj({ devicePath: string, name: string }),
    [c('Probe')]: obj({
      exec: r(c('ExecAction')),
      failureThreshold: int32,
      grpc: r(c('GRPCAction')),
      httpGet: r(c('HTTPGetAction')),
      initialDelaySeconds: int32,
      periodSeconds: int32,
      successThreshold: int32,
      tcpSocket: r(c('TCPSocketAction')),
      terminationGracePeriodSeconds: int64,
      timeoutSeconds: int32,
    }),
    [c('ExecAction')]: obj({ command: strings }),
    [c('HTTPGetAction')]: obj({
      host: string,
      httpHeaders: atomicList(c('HTTPHeader')),
      path: string,
      port: intOrString,
      scheme: string,
    }),
    [c('HTTPHeader')]: obj({ name: string, value: string }),
    [c('TCPSocketAction')]: obj({ host: string, port: intOrString }),
    [c('GRPCAction')]: obj({ port: int32, service: string }),
    [c('SleepAction')]: obj({ seconds: int64 }),
    [c('Lifecycle')]: obj({
      postStart: r(c('LifecycleHandler')),
      preStop: r(c('LifecycleHandler')),
      stopSignal: string,
    }),
    [c('LifecycleHandler')]: handler,
    [c('Capabilities')]: obj({ add: strings, drop: strings }),
    [c('SELinuxOptions')]: seLinux,
    [c('SeccompProfile')]: profile,
    [c('AppArmorProfile')]: profile,
    [c('WindowsSecurityContextOptions')]: windows,
    [c('SecurityContext')]: obj({
      allowPrivilegeEscalation: bool,
      appArmorProfile: r(c('AppArmorProfile')),
      capabilities: r(c('Capabilities')),
      privileged: bool,
      procMount: string,
      readOnlyRootFilesystem: bool,
      runAsGroup: int64,
      runAsNonRoot: bool,
      runAsUser: int64,
      seLinuxOptions: r(c('SELinuxOptions')),
      seccompProfile: r(c('SeccompProfile')),
      windowsOptions: r(c('WindowsSecurityContextOptions')),
    }),
    [c('PodSecurityContext')]: obj({
      appArmorProfile: r(c('AppArmorProfile')),
      fsGroup: int64,
      fsGroupChangePolicy: string,
      runAsGroup: int64,
      runAsNonRoot: bool,
      runAsUser: int64,
      seLinuxChangePolicy: string,
      seLinuxOptions: r(c('SELinuxOptions')),
      seccompProfile: r(c('SeccompProfile')),
      supplementalGroups: { type: 'array', items: int64, 'x-kubernetes-list-type': 'atomic' },
      supplementalGroupsPolicy: string,
      sysctls: atomicList(c('Sysctl')),
      windowsOptions: r(c('WindowsSecurityContextOptions')),
    }),
    [c('Sysctl')]: obj({ name: string, value: string }),
    [c('Affinity')]: obj({
      nodeAffinity: r(c('NodeAffinity')),
      podAffinity: r(c('PodAffinity')),
      podAntiAffinity: r(c('PodAntiAffinity')),
    }),
    [c('NodeAffinity')]: obj({
      preferredDuringSchedulingIgnoredDuringExecution: atomicList(c('PreferredSchedulingTerm')),
      requiredDuringSchedulingIgnoredDuringExecution: r(c('NodeSelector')),
    }),
    [c('NodeSelector')]: obj(
      { nodeSelectorTerms: atomicList(c('NodeSelectorTerm')) },
      { 'x-kubernetes-map-type': 'atomic' },
    ),
    [c('NodeSelectorTerm')]: { ...nodeSelectorTerm, 'x-kubernetes-map-type': 'atomic' },
    [c('NodeSelectorRequirement')]: obj({ key: string, operator: string, values: strings }),
    [c('PreferredSchedulingTerm')]: obj({ preference: r(c('NodeSelectorTerm')), weight: int32 }),
    [c('PodAffinity')]: podAffinity,
    [c('PodAntiAffinity')]: podAffinity,
    [c('PodAffinityTerm')]: obj({
      labelSelector: r(META.LabelSelector),
      matchLabelKeys: strings,
      mismatchLabelKeys: strings,
      namespaceSelector: r(META.LabelSelector),
      namespaces: strings,
      topologyKey: string,
    }),
    [c('WeightedPodAffinityTerm')]: obj({
      podAffinityTerm: r(c('PodAffinityTerm')),
      weight: int32,
    }),
    [c('Toleration')]: obj({
      effect: string,
      key: string,
      operator: string,
      tolerationSeconds: int64,
      value: string,
    }),
    [c('HostAlias')]: obj({ hostnames: strings, ip: string }, { required: ['ip'] }),
    [c('PodDNSConfig')]: obj({
      nameservers: strings,
      options: atomicList(c('PodDNSConfigOption')),
      searches: strings,
    }),
    [c('PodDNSConfigOption')]: obj({ name: string, value: string }),
    [c('PodReadinessGate')]: obj({ conditionType: string }),
    [c('PodOS')]: obj({ name: string }),
    [c('PodSchedulingGate')]: obj({ name: string }),
    [c('PodResourceClaim')]: obj({
      name: string,
      resourceClaimName: string,
      resourceClaimTemplateName: string,
    }),
    [c('TopologySpreadConstraint')]: obj({
      labelSelector: r(META.LabelSelector),
      matchLabelKeys: strings,
      maxSkew: int32,
      minDomains: int32,
      nodeAffinityPolicy: string,
      nodeTaintsPolicy: string,
      topologyKey: string,
      whenUnsatisfiable: string,
    }),
    [c('LocalObjectReference')]: obj({ name: string }, { 'x-kubernetes-map-type': 'atomic' }),
    [c('KeyToPath')]: obj({ key: string, mode: int32, path: string }),
    [c('Volume')]: obj(
      {
        configMap: r(c('ConfigMapVolumeSource')),
        csi: r(c('CSIVolumeSource')),
        downwardAPI: r(c('DownwardAPIVolumeSource')),
        emptyDir: r(c('EmptyDirVolumeSource')),
        ephemeral: r(c('EphemeralVolumeSource')),
        hostPath: r(c('HostPathVolumeSource')),
        image: r(c('ImageVolumeSource')),
        name: string,
        nfs: r(c('NFSVolumeSource')),
        persistentVolumeClaim: r(c('PersistentVolumeClaimVolumeSource')),
        projected: r(c('ProjectedVolumeSource')),
        secret: r(c('SecretVolumeSource')),
      },
      { required: ['name'] },
    ),
    [c('ConfigMapVolumeSource')]: obj({
      defaultMode: int32,
      items: keyToPaths,
      name: string,
      optional: bool,
    }),
    [c('SecretVolumeSource')]: obj({
      defaultMode: int32,
      items: keyToPaths,
      optional: bool,
      secretName: string,
    }),
    [c('EmptyDirVolumeSource')]: obj({ medium: string, sizeLimit: quantity }),
    [c('HostPathVolumeSource')]: obj({ path: string, type: string }),
    [c('NFSVolumeSource')]: obj({ path: string, readOnly: bool, server: string }),
    [c('ImageVolumeSource')]: obj({ pullPolicy: string, reference: string }),
    [c('PersistentVolumeClaimVolumeSource')]: obj({ claimName: string, readOnly: bool }),
    [c('CSIVolumeSource')]: obj({
      driver: string,
      fsType: string,
      nodePublishSecretRef: r(c('LocalObjectReference')),
      readOnly: bool,
      volumeAttributes: stringMap,
    }),
    [c('DownwardAPIVolumeSource')]: obj({
      defaultMode: int32,
      items: atomicList(c('DownwardAPIVolumeFile')),
    }),
    [c('DownwardAPIVolumeFile')]: obj({
      fieldRef: r(c('ObjectFieldSelector')),
      mode: int32,
      path: string,
      resourceFieldRef: r(c('ResourceFieldSelector')),
    }),
    [c('DownwardAPIProjection')]: obj({ items: atomicList(c('DownwardAPIVolumeFile')) }),
    [c('ProjectedVolumeSource')]: obj({
      defaultMode: int32,
      sources: atomicList(c('VolumeProjection')),
    }),
    [c('VolumeProjection')]: obj({
      clusterTrustBundle: r(c('ClusterTrustBundleProjection')),
      configMap: r(c('ConfigMapProjection')),
      downwardAPI: r(c('DownwardAPIProjection')),
      secret: r(c('SecretProjection')),
      serviceAccountToken: r(c('ServiceAccountTokenProjection')),
    }),
    [c('ConfigMapProjection')]: obj({ items: keyToPaths, name: string, optional: bool }),
    [c('SecretProjection')]: obj({ items: keyToPaths, name: string, optional: bool }),
    [c('ServiceAccountTokenProjection')]: obj({
      audience: string,
      expirationSeconds: int64,
      path: string,
    }),
    [c('ClusterTrustBundleProjection')]: obj({
      labelSelector: r(META.LabelSelector),
      name: string,
      optional: bool,
      path: string,
      signerName: string,
    }),
    [c('EphemeralVolumeSource')]: obj({
      volumeClaimTemplate: r(c('PersistentVolumeClaimTemplate')),
    }),
    [c('PersistentVolumeClaimTemplate')]: obj({
      metadata: r(META.ObjectMeta),
      spec: r(c('PersistentVolumeClaimSpec')),
    }),
    [c('PersistentVolumeClaimSpec')]: obj({
      accessModes: strings,
      dataSource: r(c('TypedLocalObjectReference')),
      dataSourceRef: r(c('TypedObjectReference')),
      resources: r(c('VolumeResourceRequirements')),
      selector: r(META.LabelSelector),
      storageClassName: string,
      volumeAttributesClassName: string,
      volumeMode: string,
      volumeName: string,
    }),
    [c('VolumeResourceRequirements')]: obj({ limits: mapOf(quantity), requests: mapOf(quantity) }),
    [c('TypedLocalObjectReference')]: obj(
      { apiGroup: string, kind: string, name: string },
      { 'x-kubernetes-map-type': 'atomic' },
    ),
    [c('TypedObjectReference')]: obj({
      apiGroup: string,
      kind: string,
      name: string,
      namespace: string,
    }),
    [c('ContainerState')]: obj({
      running: obj({ startedAt: time }),
      terminated: obj({
        containerID: string,
        exitCode: int32,
        finishedAt: time,
        message: string,
        reason: string,
        signal: int32,
        startedAt: time,
      }),
      waiting: obj({ message: string, reason: string }),
    }),
    [c('ContainerStatus')]: containerStatus,
    [c('PodCondition')]: obj({
      lastProbeTime: time,
      lastTransitionTime: time,
      message: string,
      reason: string,
      status: string,
      type: string,
    }),
    [c('PodIP')]: obj({ ip: string }),
    [c('HostIP')]: obj({ ip: string }),
    [c('PodStatus')]: obj({
      conditions: mergeList(c('PodCondition'), 'type'),
      containerStatuses: atomicList(c('ContainerStatus')),
      ephemeralContainerStatuses: atomicList(c('ContainerStatus')),
      hostIP: string,
      hostIPs: mergeList(c('HostIP'), 'ip'),
      initContainerStatuses: atomicList(c('ContainerStatus')),
      message: string,
      nominatedNodeName: string,
      phase: string,
      podIP: string,
      podIPs: mergeList(c('PodIP'), 'ip'),
      qosClass: string,
      reason: string,
      resize: string,
      startTime: time,
    }),
  };
}

function coreComponents(): Record<string, Schema> {
  const c = (n: string) => `${CORE}${n}`;
  const loadBalancerIngress = obj({
    hostname: string,
    ip: string,
    ipMode: string,
    ports: atomicList(c('PortStatus')),
  });
  return {
    ...podComponents(),
    [c('Pod')]: kind('', 'v1', 'Pod', 'Pod is a collection of containers that can run on a host.', {
      spec: r(c('PodSpec')),
      status: r(c('PodStatus')),
    }),
    [c('ConfigMap')]: kind(
      '',
      'v1',
      'ConfigMap',
      'ConfigMap holds configuration data for pods to consume.',
      {
        binaryData: mapOf(bytes),
        data: stringMap,
        immutable: bool,
      },
    ),
    [c('Secret')]: kind('', 'v1', 'Secret', 'Secret holds secret data of a certain type.', {
      data: mapOf(bytes),
      immutable: bool,
      stringData: stringMap,
      type: string,
    }),
    [c('NamespaceCondition')]: obj({
      lastTransitionTime: time,
      message: string,
      reason: string,
      status: string,
      type: string,
    }),
    [c('Namespace')]: kind('', 'v1', 'Namespace', 'Namespace provides a scope for Names.', {
      spec: r(c('NamespaceSpec')),
      status: r(c('NamespaceStatus')),
    }),
    [c('NamespaceSpec')]: obj({ finalizers: strings }),
    [c('NamespaceStatus')]: obj({
      conditions: mergeList(c('NamespaceCondition'), 'type'),
      phase: string,
    }),
    [c('ServicePort')]: obj(
      {
        appProtocol: string,
        name: string,
        nodePort: int32,
        port: int32,
        protocol: { type: 'string', default: 'TCP' },
        targetPort: intOrString,
      },
      { required: ['port'] },
    ),
    [c('SessionAffinityConfig')]: obj({ clientIP: r(c('ClientIPConfig')) }),
    [c('ClientIPConfig')]: obj({ timeoutSeconds: int32 }),
    [c('PortStatus')]: obj(
      { error: string, port: int32, protocol: string },
      { required: ['port', 'protocol'] },
    ),
    [c('LoadBalancerIngress')]: loadBalancerIngress,
    [c('LoadBalancerStatus')]: obj({ ingress: atomicList(c('LoadBalancerIngress')) }),
    [c('ServiceSpec')]: obj({
      allocateLoadBalancerNodePorts: bool,
      clusterIP: string,
      clusterIPs: strings,
      externalIPs: strings,
      externalName: string,
      externalTrafficPolicy: string,
      healthCheckNodePort: int32,
      internalTrafficPolicy: string,
      ipFamilies: strings,
      ipFamilyPolicy: string,
      loadBalancerClass: string,
      loadBalancerIP: string,
      loadBalancerSourceRanges: strings,
      ports: mergeList(c('ServicePort'), 'port', { mapKeys: ['port', 'protocol'] }),
      publishNotReadyAddresses: bool,
      selector: { ...stringMap, 'x-kubernetes-map-type': 'atomic' },
      sessionAffinity: string,
      sessionAffinityConfig: r(c('SessionAffinityConfig')),
      trafficDistribution: string,
      type: string,
    }),
    [c('ServiceStatus')]: obj({
      conditions: mergeList(META.Condition, 'type'),
      loadBalancer: r(c('LoadBalancerStatus')),
    }),
    [c('Service')]: kind(
      '',
      'v1',
      'Service',
      'Service is a named abstraction of a software service.',
      {
        spec: r(c('ServiceSpec')),
        status: r(c('ServiceStatus')),
      },
    ),
    [c('ObjectReference')]: obj(
      {
        apiVersion: string,
        fieldPath: string,
        kind: string,
        name: string,
        namespace: string,
        resourceVersion: string,
        uid: string,
      },
      { 'x-kubernetes-map-type': 'atomic' },
    ),
    [c('EventSource')]: obj({ component: string, host: string }),
    [c('EventSeries')]: obj({ count: int32, lastObservedTime: microTime }),
    [c('Event')]: {
      ...kind('', 'v1', 'Event', 'Event is a report of an event somewhere in the cluster.', {
        action: string,
        count: int32,
        eventTime: microTime,
        firstTimestamp: time,
        involvedObject: r(c('ObjectReference')),
        lastTimestamp: time,
        message: string,
        reason: string,
        related: r(c('ObjectReference')),
        reportingComponent: string,
        reportingInstance: string,
        series: r(c('EventSeries')),
        source: r(c('EventSource')),
        type: string,
      }),
      required: ['metadata', 'involvedObject'],
    },
  };
}

function otherComponents(): Record<string, Schema> {
  const a = (n: string) => `${APPS}${n}`;
  const n = (x: string) => `${NETWORKING}${x}`;
  const d = (x: string) => `${DISCOVERY}${x}`;
  const x = (s: string) => `${APIEXT}${s}`;
  const names = obj(
    {
      categories: strings,
      kind: string,
      listKind: string,
      plural: string,
      shortNames: strings,
      singular: string,
    },
    { required: ['plural', 'kind'] },
  );
  return {
    [a('Deployment')]: kind(
      'apps',
      'v1',
      'Deployment',
      'Deployment enables declarative updates for Pods and ReplicaSets.',
      {
        spec: r(a('DeploymentSpec')),
        status: r(a('DeploymentStatus')),
      },
    ),
    [a('DeploymentSpec')]: obj(
      {
        minReadySeconds: int32,
        paused: bool,
        progressDeadlineSeconds: int32,
        replicas: int32,
        revisionHistoryLimit: int32,
        selector: r(META.LabelSelector),
        strategy: r(a('DeploymentStrategy'), { 'x-kubernetes-patch-strategy': 'retainKeys' }),
        template: r(`${CORE}PodTemplateSpec`),
      },
      { required: ['selector', 'template'] },
    ),
    [a('DeploymentStrategy')]: obj({
      rollingUpdate: r(a('RollingUpdateDeployment')),
      type: string,
    }),
    [a('RollingUpdateDeployment')]: obj({ maxSurge: intOrString, maxUnavailable: intOrString }),
    [a('DeploymentCondition')]: obj({
      lastTransitionTime: time,
      lastUpdateTime: time,
      message: string,
      reason: string,
      status: string,
      type: string,
    }),
    [a('DeploymentStatus')]: obj({
      availableReplicas: int32,
      collisionCount: int32,
      conditions: mergeList(a('DeploymentCondition'), 'type'),
      observedGeneration: int64,
      readyReplicas: int32,
      replicas: int32,
      terminatingReplicas: int32,
      unavailableReplicas: int32,
      updatedReplicas: int32,
    }),
    [n('Ingress')]: kind(
      'networking.k8s.io',
      'v1',
      'Ingress',
      'Ingress is a collection of rules that allow inbound connections to reach the endpoints defined by a backend.',
      {
        spec: r(n('IngressSpec')),
        status: r(n('IngressStatus')),
      },
    ),
    [n('IngressSpec')]: obj({
      defaultBackend: r(n('IngressBackend')),
      ingressClassName: string,
      rules: atomicList(n('IngressRule')),
      tls: atomicList(n('IngressTLS')),
    }),
    [n('IngressBackend')]: obj({
      resource: r(`${CORE}TypedLocalObjectReference`),
      service: r(n('IngressServiceBackend')),
    }),
    [n('IngressServiceBackend')]: obj(
      { name: string, port: r(n('ServiceBackendPort')) },
      { required: ['name'] },
    ),
    [n('ServiceBackendPort')]: obj(
      { name: string, number: int32 },
      { 'x-kubernetes-map-type': 'atomic' },
    ),
    [n('IngressTLS')]: obj({ hosts: strings, secretName: string }),
    [n('IngressRule')]: obj({ host: string, http: r(n('HTTPIngressRuleValue')) }),
    [n('HTTPIngressRuleValue')]: obj(
      { paths: atomicList(n('HTTPIngressPath')) },
      { required: ['paths'] },
    ),
    [n('HTTPIngressPath')]: obj(
      { backend: r(n('IngressBackend')), path: string, pathType: string },
      { required: ['pathType', 'backend'] },
    ),
    [n('IngressStatus')]: obj({ loadBalancer: r(n('IngressLoadBalancerStatus')) }),
    [n('IngressLoadBalancerStatus')]: obj({ ingress: atomicList(n('IngressLoadBalancerIngress')) }),
    [n('IngressLoadBalancerIngress')]: obj({
      hostname: string,
      ip: string,
      ports: atomicList(n('IngressPortStatus')),
    }),
    [n('IngressPortStatus')]: obj(
      { error: string, port: int32, protocol: string },
      { required: ['port', 'protocol'] },
    ),
    [n('IngressClass')]: kind(
      'networking.k8s.io',
      'v1',
      'IngressClass',
      'IngressClass represents the class of the Ingress, referenced by the Ingress Spec.',
      {
        spec: r(n('IngressClassSpec')),
      },
    ),
    [n('IngressClassSpec')]: obj({
      controller: string,
      parameters: r(n('IngressClassParametersReference')),
    }),
    [n('IngressClassParametersReference')]: obj(
      { apiGroup: string, kind: string, name: string, namespace: string, scope: string },
      { required: ['kind', 'name'] },
    ),
    [d('EndpointSlice')]: {
      ...kind(
        'discovery.k8s.io',
        'v1',
        'EndpointSlice',
        'EndpointSlice represents a subset of the endpoints that implement a service.',
        {
          addressType: string,
          endpoints: atomicList(d('Endpoint')),
          ports: atomicList(d('EndpointPort')),
        },
      ),
      required: ['addressType', 'endpoints'],
    },
    [d('Endpoint')]: obj(
      {
        addresses: { ...strings, 'x-kubernetes-list-type': 'set' },
        conditions: r(d('EndpointConditions')),
        deprecatedTopology: stringMap,
        hints: r(d('EndpointHints')),
        hostname: string,
        nodeName: string,
        targetRef: r(`${CORE}ObjectReference`),
        zone: string,
      },
      { required: ['addresses'] },
    ),
    [d('EndpointConditions')]: obj({ ready: bool, serving: bool, terminating: bool }),
    [d('EndpointHints')]: obj({
      forNodes: atomicList(d('ForNode')),
      forZones: atomicList(d('ForZone')),
    }),
    [d('ForZone')]: obj({ name: string }, { required: ['name'] }),
    [d('ForNode')]: obj({ name: string }, { required: ['name'] }),
    [d('EndpointPort')]: obj(
      { appProtocol: string, name: string, port: int32, protocol: string },
      { 'x-kubernetes-map-type': 'atomic' },
    ),
    [`${COORDINATION}Lease`]: kind(
      'coordination.k8s.io',
      'v1',
      'Lease',
      'Lease defines a lease concept.',
      {
        spec: r(`${COORDINATION}LeaseSpec`),
      },
    ),
    [`${COORDINATION}LeaseSpec`]: obj({
      acquireTime: microTime,
      holderIdentity: string,
      leaseDurationSeconds: int32,
      leaseTransitions: int32,
      preferredHolder: string,
      renewTime: microTime,
      strategy: string,
    }),
    [`${EVENTS}EventSeries`]: obj(
      { count: int32, lastObservedTime: microTime },
      { required: ['count', 'lastObservedTime'] },
    ),
    [`${EVENTS}Event`]: {
      ...kind(
        'events.k8s.io',
        'v1',
        'Event',
        'Event is a report of an event somewhere in the cluster.',
        {
          action: string,
          deprecatedCount: int32,
          deprecatedFirstTimestamp: time,
          deprecatedLastTimestamp: time,
          deprecatedSource: r(`${CORE}EventSource`),
          eventTime: microTime,
          note: string,
          reason: string,
          regarding: r(`${CORE}ObjectReference`),
          related: r(`${CORE}ObjectReference`),
          reportingController: string,
          reportingInstance: string,
          series: r(`${EVENTS}EventSeries`),
          type: string,
        },
      ),
      required: ['eventTime'],
    },
    [x('CustomResourceDefinition')]: {
      ...kind(
        'apiextensions.k8s.io',
        'v1',
        'CustomResourceDefinition',
        'CustomResourceDefinition represents a resource that should be exposed on the API server.',
        {
          spec: r(x('CustomResourceDefinitionSpec')),
          status: r(x('CustomResourceDefinitionStatus')),
        },
      ),
      required: ['spec'],
    },
    [x('CustomResourceDefinitionSpec')]: obj(
      {
        conversion: r(x('CustomResourceConversion')),
        group: string,
        names: r(x('CustomResourceDefinitionNames')),
        preserveUnknownFields: bool,
        scope: string,
        versions: atomicList(x('CustomResourceDefinitionVersion')),
      },
      { required: ['group', 'names', 'scope', 'versions'] },
    ),
    [x('CustomResourceDefinitionNames')]: names,
    [x('CustomResourceConversion')]: obj(
      { strategy: string, webhook: r(x('WebhookConversion')) },
      { required: ['strategy'] },
    ),
    [x('WebhookConversion')]: obj({
      clientConfig: r(x('WebhookClientConfig')),
      conversionReviewVersions: strings,
    }),
    [x('WebhookClientConfig')]: obj({
      caBundle: bytes,
      service: r(x('ServiceReference')),
      url: string,
    }),
    [x('ServiceReference')]: obj(
      { name: string, namespace: string, path: string, port: int32 },
      { required: ['namespace', 'name'] },
    ),
    [x('CustomResourceDefinitionVersion')]: obj(
      {
        additionalPrinterColumns: atomicList(x('CustomResourceColumnDefinition')),
        deprecated: bool,
        deprecationWarning: string,
        name: string,
        schema: r(x('CustomResourceValidation')),
        selectableFields: atomicList(x('SelectableField')),
        served: bool,
        storage: bool,
        subresources: r(x('CustomResourceSubresources')),
      },
      { required: ['name', 'served', 'storage'] },
    ),
    [x('CustomResourceColumnDefinition')]: obj(
      {
        description: string,
        format: string,
        jsonPath: string,
        name: string,
        priority: int32,
        type: string,
      },
      { required: ['name', 'type', 'jsonPath'] },
    ),
    [x('SelectableField')]: obj({ jsonPath: string }, { required: ['jsonPath'] }),
    [x('CustomResourceValidation')]: obj({ openAPIV3Schema: r(x('JSONSchemaProps')) }),
    [x('CustomResourceSubresources')]: obj({
      scale: r(x('CustomResourceSubresourceScale')),
      status: { description: 'Enables the status subresource.', type: 'object' },
    }),
    [x('CustomResourceSubresourceScale')]: obj(
      { labelSelectorPath: string, specReplicasPath: string, statusReplicasPath: string },
      { required: ['specReplicasPath', 'statusReplicasPath'] },
    ),
    // Schemas nest without limit; versions are replaced whole by patches, so
    // kubectl never walks below them and a shallow description serves explain.
    [x('JSONSchemaProps')]: {
      description: 'A JSON-Schema following the OpenAPI v3 structural schema subset.',
      type: 'object',
      'x-kubernetes-preserve-unknown-fields': true,
    },
    [x('CustomResourceDefinitionCondition')]: obj(
      { lastTransitionTime: time, message: string, reason: string, status: string, type: string },
      { required: ['type', 'status'] },
    ),
    [x('CustomResourceDefinitionStatus')]: obj({
      acceptedNames: r(x('CustomResourceDefinitionNames')),
      conditions: {
        ...atomicList(x('CustomResourceDefinitionCondition')),
        'x-kubernetes-list-map-keys': ['type'],
        'x-kubernetes-list-type': 'map',
      },
      storedVersions: strings,
    }),
  };
}

let registryCache: Record<string, Schema> | undefined;

/** Every built-in component schema, meta types included (built once, never mutated). */
function components(): Record<string, Schema> {
  registryCache ??= { ...metaComponents(), ...coreComponents(), ...otherComponents() };
  return registryCache;
}

// ---- naming ----------------------------------------------------------------

/** "api/v1" or "apis/<group>/<version>": the index key and the URL prefix. */
function gvPath(type: Pick<ResourceType, 'group' | 'version'>): string {
  return type.group ? `apis/${type.group}/${type.version}` : `api/${type.version}`;
}

const capitalize = (s: string) => (s ? s[0]!.toUpperCase() + s.slice(1) : s);

/** Operation-id group names: Core, Apps, Networking (for networking.k8s.io), McpruntimeOrg. */
function groupName(type: ResourceType): string {
  if (!type.group) return 'Core';
  const short = type.builtin ? type.group.replace(/\.k8s\.io$/, '') : type.group;
  return short.split(/[.-]/).map(capitalize).join('');
}

/** Tags as kube groups operations: core_v1, apps_v1, networking_v1, mcpruntimeOrg_v1alpha1. */
function tag(type: ResourceType): string {
  const name = groupName(type);
  return `${name[0]!.toLowerCase()}${name.slice(1)}_${type.version}`;
}

/** The component name kube publishes a kind under. */
export function schemaName(
  type: Pick<ResourceType, 'group' | 'version' | 'kind' | 'builtin'>,
): string {
  const known = strategyFor(type);
  if (known?.version === type.version) return known.openapi;
  // Custom resources: the group reversed, e.g. org.mcpruntime.v1alpha1.MCPServer.
  const reversed = type.group.split('.').reverse().join('.');
  return `${reversed}.${type.version}.${type.kind}`;
}

const gvk = (group: string, version: string, kind: string) => ({ group, kind, version });

// ---- kind schemas ----------------------------------------------------------

const API_VERSION_DOC =
  'APIVersion defines the versioned schema of this representation of an object.';
const KIND_DOC = 'Kind is a string value representing the REST resource this object represents.';
const METADATA_DOC = "Standard object's metadata.";
const LIST_METADATA_DOC = 'Standard list metadata.';

/** A custom resource's schema as kube-apiserver publishes it: metadata is ObjectMeta. */
function customResourceSchema(type: ResourceType): Schema {
  const schema: Schema = clone(
    (type.schema as Schema | undefined) ?? {
      type: 'object',
      'x-kubernetes-preserve-unknown-fields': true,
    },
  );
  const properties = { ...((schema.properties as Record<string, Schema> | undefined) ?? {}) };
  properties.apiVersion = { description: API_VERSION_DOC, type: 'string' };
  properties.kind = { description: KIND_DOC, type: 'string' };
  properties.metadata = { allOf: [ref(META.ObjectMeta)], description: METADATA_DOC };
  schema.type = 'object';
  schema.properties = properties;
  schema['x-kubernetes-group-version-kind'] = [gvk(type.group, type.version, type.kind)];
  return schema;
}

function listSchema(type: ResourceType, itemName: string): Schema {
  return {
    description: `${type.listKind} is a list of ${type.kind}`,
    type: 'object',
    required: ['items'],
    properties: {
      apiVersion: { description: API_VERSION_DOC, type: 'string' },
      items: {
        description: `List of ${type.plural}.`,
        type: 'array',
        items: { allOf: [ref(itemName)], default: {} },
      },
      kind: { description: KIND_DOC, type: 'string' },
      metadata: { allOf: [ref(META.ListMeta)], default: {}, description: LIST_METADATA_DOC },
    },
    'x-kubernetes-group-version-kind': [gvk(type.group, type.version, type.listKind)],
  };
}

// ---- operations ------------------------------------------------------------

const param = (
  name: string,
  where: 'query' | 'path',
  description: string,
  type: 'string' | 'boolean' | 'integer',
): Schema => ({
  name,
  in: where,
  description,
  ...(where === 'path' ? { required: true } : {}),
  schema: { type, uniqueItems: true },
});

const P = {
  pretty: param('pretty', 'query', "If 'true', then the output is pretty printed.", 'string'),
  dryRun: param(
    'dryRun',
    'query',
    'When present, indicates that modifications should not be persisted. Valid values: All.',
    'string',
  ),
  fieldManager: param(
    'fieldManager',
    'query',
    'A name associated with the actor or entity that is making these changes; required for apply patches.',
    'string',
  ),
  fieldValidation: param(
    'fieldValidation',
    'query',
    'How the server treats unknown or duplicate fields in the request body: Ignore, Warn (the default) or Strict.',
    'string',
  ),
  force: param(
    'force',
    'query',
    'Force an apply request to take fields owned by other managers; must be unset for other patch types.',
    'boolean',
  ),
  gracePeriodSeconds: param(
    'gracePeriodSeconds',
    'query',
    'The duration in seconds before the object should be deleted.',
    'integer',
  ),
  ignoreStoreReadError: param(
    'ignoreStoreReadErrorWithClusterBreakingPotential',
    'query',
    'If set, delete a corrupt object that cannot be read from storage.',
    'boolean',
  ),
  orphanDependents: param(
    'orphanDependents',
    'query',
    'Deprecated: use propagationPolicy. Whether dependents are orphaned.',
    'boolean',
  ),
  propagationPolicy: param(
    'propagationPolicy',
    'query',
    'Whether and how garbage collection is performed: Orphan, Background or Foreground.',
    'string',
  ),
  allowWatchBookmarks: param(
    'allowWatchBookmarks',
    'query',
    'Requests watch events of type BOOKMARK.',
    'boolean',
  ),
  continue: param('continue', 'query', 'The continue token of a previous paged list.', 'string'),
  fieldSelector: param(
    'fieldSelector',
    'query',
    'Restricts the returned objects by their fields.',
    'string',
  ),
  labelSelector: param(
    'labelSelector',
    'query',
    'Restricts the returned objects by their labels.',
    'string',
  ),
  limit: param('limit', 'query', 'The maximum number of items to return in one page.', 'integer'),
  resourceVersion: param(
    'resourceVersion',
    'query',
    'Constrains which resource versions the request may be served from.',
    'string',
  ),
  resourceVersionMatch: param(
    'resourceVersionMatch',
    'query',
    'How resourceVersion is applied to list calls: Exact or NotOlderThan.',
    'string',
  ),
  sendInitialEvents: param(
    'sendInitialEvents',
    'query',
    'Starts a watch stream with synthetic events describing the current state.',
    'boolean',
  ),
  timeoutSeconds: param(
    'timeoutSeconds',
    'query',
    'Timeout for the list or watch call, regardless of activity.',
    'integer',
  ),
  watch: param(
    'watch',
    'query',
    'Watch for changes to the described resources and return them as a stream of events.',
    'boolean',
  ),
};

const LIST_PARAMS = [
  P.allowWatchBookmarks,
  P.continue,
  P.fieldSelector,
  P.labelSelector,
  P.limit,
  P.resourceVersion,
  P.resourceVersionMatch,
  P.sendInitialEvents,
  P.timeoutSeconds,
  P.watch,
];
const DELETE_PARAMS = [
  P.dryRun,
  P.gracePeriodSeconds,
  P.ignoreStoreReadError,
  P.orphanDependents,
  P.propagationPolicy,
];
const WRITE_PARAMS = [P.dryRun, P.fieldManager, P.fieldValidation];

const BUILTIN_PATCH_TYPES = [
  'application/apply-patch+yaml',
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
];
// kube-apiserver serves no strategic merge patch for custom resources.
const CUSTOM_PATCH_TYPES = [
  'application/apply-patch+yaml',
  'application/json-patch+json',
  'application/merge-patch+json',
];

interface Context {
  type: ResourceType;
  name: string; // component name of the kind
  listName: string;
  kindId: string; // e.g. CoreV1NamespacedConfigMap
  responseTypes: string[];
}

function content(types: string[], schema: Schema): Schema {
  return Object.fromEntries(types.map((t) => [t, { schema }]));
}

function responses(ctx: Context, codes: Record<string, { description: string; schema: Schema }>) {
  const out: Record<string, unknown> = {};
  for (const [code, r] of Object.entries(codes)) {
    out[code] = { description: r.description, content: content(ctx.responseTypes, r.schema) };
  }
  out['401'] = { description: 'Unauthorized' };
  return out;
}

function operation(ctx: Context, action: string, verb: string, id: string, extra: Schema): Schema {
  return {
    tags: [tag(ctx.type)],
    description: `${verb} ${ctx.type.kind}`,
    operationId: id,
    ...extra,
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': gvk(ctx.type.group, ctx.type.version, ctx.type.kind),
  };
}

function readOp(ctx: Context, suffix: string): Schema {
  return operation(ctx, 'get', 'read the specified', `read${ctx.kindId}${suffix}`, {
    responses: responses(ctx, { '200': { description: 'OK', schema: ref(ctx.name) } }),
  });
}

function replaceOp(ctx: Context, suffix: string): Schema {
  return operation(ctx, 'put', 'replace the specified', `replace${ctx.kindId}${suffix}`, {
    parameters: WRITE_PARAMS,
    requestBody: { content: content(['*/*'], ref(ctx.name)), required: true },
    responses: responses(ctx, {
      '200': { description: 'OK', schema: ref(ctx.name) },
      '201': { description: 'Created', schema: ref(ctx.name) },
    }),
  });
}

function patchOp(ctx: Context, suffix: string): Schema {
  const patchTypes = ctx.type.builtin ? BUILTIN_PATCH_TYPES : CUSTOM_PATCH_TYPES;
  return operation(ctx, 'patch', 'partially update the specified', `patch${ctx.kindId}${suffix}`, {
    parameters: [...WRITE_PARAMS, P.force],
    requestBody: { content: content(patchTypes, ref(META.Patch)), required: true },
    responses: responses(ctx, {
      '200': { description: 'OK', schema: ref(ctx.name) },
      '201': { description: 'Created', schema: ref(ctx.name) },
    }),
  });
}

function deleteOp(ctx: Context): Schema {
  return operation(ctx, 'delete', 'delete', `delete${ctx.kindId}`, {
    parameters: DELETE_PARAMS,
    requestBody: { content: content(['*/*'], ref(META.DeleteOptions)) },
    responses: responses(ctx, {
      '200': { description: 'OK', schema: ref(META.Status) },
      '202': { description: 'Accepted', schema: ref(META.Status) },
    }),
  });
}

function pathParams(ctx: Context, withName: boolean): Schema[] {
  const out: Schema[] = [];
  if (withName) out.push(param('name', 'path', `name of the ${ctx.type.kind}`, 'string'));
  if (ctx.type.namespaced) {
    out.push(
      param(
        'namespace',
        'path',
        'object name and auth scope, such as for teams and projects',
        'string',
      ),
    );
  }
  out.push(P.pretty);
  return out;
}

function kindPaths(type: ResourceType): Record<string, Schema> {
  const prefix = `/${gvPath(type)}`;
  const gv = `${groupName(type)}${capitalize(type.version)}`;
  const scope = type.namespaced ? 'Namespaced' : '';
  const ctx: Context = {
    type,
    name: schemaName(type),
    listName: `${schemaName(type)}List`,
    kindId: `${gv}${scope}${type.kind}`,
    responseTypes: type.builtin
      ? ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf']
      : ['application/json', 'application/yaml'],
  };
  const base = type.namespaced
    ? `${prefix}/namespaces/{namespace}/${type.plural}`
    : `${prefix}/${type.plural}`;
  const listResponse = (id: string, extraParams: Schema[] = []) =>
    operation(ctx, 'list', 'list or watch objects of kind', id, {
      parameters: [...LIST_PARAMS, ...extraParams],
      responses: responses(ctx, { '200': { description: 'OK', schema: ref(ctx.listName) } }),
    });
  const paths: Record<string, Schema> = {};
  paths[base] = {
    get: listResponse(`list${ctx.kindId}`),
    post: operation(ctx, 'post', 'create a', `create${ctx.kindId}`, {
      parameters: WRITE_PARAMS,
      requestBody: { content: content(['*/*'], ref(ctx.name)), required: true },
      responses: responses(ctx, {
        '200': { description: 'OK', schema: ref(ctx.name) },
        '201': { description: 'Created', schema: ref(ctx.name) },
        '202': { description: 'Accepted', schema: ref(ctx.name) },
      }),
    }),
    delete: operation(
      ctx,
      'deletecollection',
      'delete collection of',
      `delete${gv}Collection${scope}${type.kind}`,
      {
        parameters: [...DELETE_PARAMS, ...LIST_PARAMS],
        requestBody: { content: content(['*/*'], ref(META.DeleteOptions)) },
        responses: responses(ctx, { '200': { description: 'OK', schema: ref(META.Status) } }),
      },
    ),
    parameters: pathParams(ctx, false),
  };
  paths[`${base}/{name}`] = {
    get: readOp(ctx, ''),
    put: replaceOp(ctx, ''),
    patch: patchOp(ctx, ''),
    delete: deleteOp(ctx),
    parameters: pathParams(ctx, true),
  };
  if (type.statusSubresource) {
    paths[`${base}/{name}/status`] = {
      get: readOp(ctx, 'Status'),
      put: replaceOp(ctx, 'Status'),
      patch: patchOp(ctx, 'Status'),
      parameters: pathParams(ctx, true),
    };
  }
  if (type.namespaced) {
    paths[`${prefix}/${type.plural}`] = {
      get: listResponse(`list${gv}${type.kind}ForAllNamespaces`),
      parameters: [P.pretty],
    };
  }
  if (type.builtin) {
    // The deprecated watch paths kube-apiserver still publishes for built-ins.
    const watchEvent = { '200': { description: 'OK', schema: ref(META.WatchEvent) } };
    const watchOp = (action: string, id: string) =>
      operation(ctx, action, 'watch changes to', id, {
        parameters: LIST_PARAMS,
        responses: responses(ctx, watchEvent),
      });
    const watchBase = type.namespaced
      ? `${prefix}/watch/namespaces/{namespace}/${type.plural}`
      : `${prefix}/watch/${type.plural}`;
    paths[watchBase] = {
      get: watchOp('watchlist', `watch${ctx.kindId}List`),
      parameters: pathParams(ctx, false),
    };
    paths[`${watchBase}/{name}`] = {
      get: watchOp('watch', `watch${ctx.kindId}`),
      parameters: pathParams(ctx, true),
    };
    if (type.namespaced) {
      paths[`${prefix}/watch/${type.plural}`] = {
        get: watchOp('watchlist', `watch${gv}${type.kind}ListForAllNamespaces`),
        parameters: [P.pretty],
      };
    }
  }
  return paths;
}

// ---- documents ---------------------------------------------------------------

/** Every component name a schema refers to, transitively. */
function closure(roots: Schema[], registry: Record<string, Schema>): Set<string> {
  const seen = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (isObject(node)) {
      for (const [key, value] of Object.entries(node)) {
        if (key === '$ref' && typeof value === 'string') {
          const name = value.replace('#/components/schemas/', '');
          if (!seen.has(name) && registry[name]) {
            seen.add(name);
            visit(registry[name]);
          }
        } else visit(value);
      }
    }
  };
  roots.forEach(visit);
  return seen;
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(
    Object.keys(record)
      .sort()
      .map((k) => [k, record[k]!]),
  );
}

function documentFor(types: ResourceType[]): Record<string, unknown> {
  const registry: Record<string, Schema> = { ...components() };
  const own: Record<string, Schema> = {};
  let paths: Record<string, Schema> = {};
  for (const type of types) {
    const name = schemaName(type);
    own[name] = registry[name] ?? customResourceSchema(type);
    own[`${name}List`] = listSchema(type, name);
    paths = { ...paths, ...kindPaths(type) };
  }
  Object.assign(registry, own);
  const used = closure([paths, ...Object.values(own)], registry);
  for (const name of Object.keys(own)) used.add(name);
  // A copy, so a caller changing a document cannot reach the shared registry.
  const schemas = clone(Object.fromEntries([...used].map((n) => [n, registry[n]!])));
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: KUBE_VERSION },
    paths: sortKeys(paths),
    components: {
      schemas: sortKeys(schemas),
      securitySchemes: {
        BearerToken: {
          type: 'apiKey',
          description: 'Bearer Token authentication',
          name: 'authorization',
          in: 'header',
        },
      },
    },
    security: [{ BearerToken: [] }],
  };
}

/** kube-openapi's etag: the SHA-512 of the served bytes, in upper-case hex. */
function hashOf(doc: Record<string, unknown>): string {
  return createHash('sha512').update(JSON.stringify(doc)).digest('hex').toUpperCase();
}

/**
 * Builds /openapi/v3 and every per-group-version document for the served types
 * (built-ins + CRD types with their schemas).
 */
export function buildOpenAPI(types: ResourceType[]): OpenAPIDocs {
  const byGV = new Map<string, ResourceType[]>();
  for (const type of types) {
    const key = gvPath(type);
    byGV.set(key, [...(byGV.get(key) ?? []), type]);
  }
  const documents = new Map<string, Record<string, unknown>>();
  const index: Record<string, { serverRelativeURL: string }> = {};
  for (const key of [...byGV.keys()].sort()) {
    const doc = documentFor(byGV.get(key)!);
    documents.set(key, doc);
    index[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${hashOf(doc)}` };
  }
  return { index: { paths: index }, documents };
}
