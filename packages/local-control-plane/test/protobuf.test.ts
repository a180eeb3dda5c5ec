// The protobuf codec of the local control plane (src/protobuf).
//
// Where each wire fact comes from (Kubernetes source, k8s.io/*):
// - `k8s\0` magic + runtime.Unknown{typeMeta{apiVersion=1, kind=2}=1, raw=2,
//   contentEncoding=3, contentType=4}: apimachinery/pkg/runtime/serializer/protobuf/protobuf.go
//   (protoEncodingPrefix, Serializer.Decode/doEncode) and apimachinery/pkg/runtime/generated.proto.
// - Decode error wording ("provided data does not appear to be a protobuf message, expected
//   prefix [107 56 115 0]", "empty data", "empty body"): protobuf.go Serializer.Decode; the
//   400 message around it ("the object provided is unrecognized (must be of type X): … (summary)"
//   and "X in version \"v\" cannot be handled as a Y: …") and the 30-byte summary:
//   apiserver/pkg/endpoints/handlers/rest.go transformDecodeError and summarizeData;
//   "unexpected EOF", "proto: wrong wireType = %d for field %s": gogo's generated.pb.go.
// - DeleteOptions under any group version, errors passed through as 500 without reason:
//   apiserver/pkg/endpoints/handlers/delete.go and responsewriters/status.go ErrorToAPIStatus.
// - Watch: the protobuf StreamSerializer is the RawSerializer (no envelope) framed by
//   LengthDelimitedFramer (4-byte big-endian length): apimachinery/pkg/runtime/serializer/
//   codec_factory.go, util/framer/framer.go; each frame is a metav1.WatchEvent{type=1,
//   object=2 RawExtension{raw=1}} whose raw is the object encoded by the (enveloped) embedded
//   encoder: apiserver/pkg/endpoints/handlers/watch.go.
// - Time is {seconds=1, nanos=2} with nanos never written and ignored on read, MicroTime keeps
//   them: apimachinery/pkg/apis/meta/v1/time_proto.go and micro_time_proto.go.
// - Quantity {string=1}, IntOrString {type=1, intVal=2, strVal=3}, FieldsV1 {Raw=1 (JSON)},
//   maps as repeated {key=1, value=2} entries, field numbers of every kind: the published
//   generated.proto files of k8s.io/api and k8s.io/apimachinery as of Kubernetes v1.34 (kubectl
//   here is v1.32; the fields v1.33 and v1.34 added have their own tests below).
// - The captured bodies below are what kubectl v1.32.4 sent for `kubectl create …` to a
//   recording HTTP server.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import protobuf from 'protobufjs';
import { ApiError } from '../src/errors.ts';
import {
  PROTOBUF_CONTENT_TYPE,
  PROTOBUF_WATCH_CONTENT_TYPE,
  decodeDeleteOptions,
  decodeObject,
  decodeScale,
  encodeList,
  encodeObject,
  encodeStatus,
  encodeWatchFrame,
  hasProtobufSchema,
  rejectCustomResourceBody,
  type TypedObject,
} from '../src/protobuf/index.ts';

// An independent, minimal transcription of the messages the wire tests build or read by hand.
const TEST_SCHEMA = `
syntax = "proto2";
package t;
message TypeMeta { optional string apiVersion = 1; optional string kind = 2; }
message Unknown {
  optional TypeMeta typeMeta = 1; optional bytes raw = 2;
  optional string contentEncoding = 3; optional string contentType = 4;
}
message Time { optional int64 seconds = 1; optional int32 nanos = 2; }
message ObjectMeta {
  optional string name = 1; optional string generateName = 2; optional string namespace = 3;
  optional string selfLink = 4; optional string uid = 5; optional string resourceVersion = 6;
  optional int64 generation = 7; optional Time creationTimestamp = 8;
}
message NamespaceSpec { repeated string finalizers = 1; }
message NamespaceStatus { optional string phase = 1; }
message Namespace {
  optional ObjectMeta metadata = 1; optional NamespaceSpec spec = 2; optional NamespaceStatus status = 3;
}
message SpecWithExtra { repeated string finalizers = 1; optional string extra = 99; }
message NamespaceWithExtra { optional ObjectMeta metadata = 1; optional SpecWithExtra spec = 2; }
message NamespaceWrongType { optional ObjectMeta metadata = 1; optional int32 spec = 2; }
message ListMeta { optional string resourceVersion = 2; optional string continue = 3; optional int64 remainingItemCount = 4; }
message NamespaceList { optional ListMeta metadata = 1; repeated Namespace items = 2; }
message StatusDetails { optional string name = 1; optional string kind = 3; }
message Status {
  optional ListMeta metadata = 1; optional string status = 2; optional string message = 3;
  optional string reason = 4; optional StatusDetails details = 5; optional int32 code = 6;
}
message RawExtension { optional bytes raw = 1; }
message WatchEvent { optional string type = 1; optional RawExtension object = 2; }
message IntOrString { optional int64 type = 1; optional int32 intVal = 2; optional string strVal = 3; }
message ServicePort { optional string name = 1; optional int32 port = 3; optional IntOrString targetPort = 4; }
message ServiceSpec { repeated ServicePort ports = 1; }
message Service { optional ObjectMeta metadata = 1; optional ServiceSpec spec = 2; }
message MicroTime { optional int64 seconds = 1; optional int32 nanos = 2; }
message LeaseSpec { optional string holderIdentity = 1; optional MicroTime renewTime = 4; optional int32 leaseTransitions = 5; }
message Lease { optional ObjectMeta metadata = 1; optional LeaseSpec spec = 2; }
message Preconditions { optional string uid = 1; optional string resourceVersion = 2; }
message DeleteOptions {
  optional int64 gracePeriodSeconds = 1; optional Preconditions preconditions = 2;
  optional bool orphanDependents = 3; optional string propagationPolicy = 4; repeated string dryRun = 5;
}
message ScaleSpec { optional int32 replicas = 1; }
message ScaleStatus { optional int32 replicas = 1; optional string selector = 2; }
message Scale { optional ObjectMeta metadata = 1; optional ScaleSpec spec = 2; optional ScaleStatus status = 3; }
message NewPodSpec { optional string hostnameOverride = 41; }
message NewPod { optional ObjectMeta metadata = 1; optional NewPodSpec spec = 2; }
message NewDeploymentStatus { optional int32 replicas = 2; optional int32 terminatingReplicas = 9; }
message NewDeployment { optional ObjectMeta metadata = 1; optional NewDeploymentStatus status = 3; }
`;
const testRoot = protobuf.parse(TEST_SCHEMA, { keepCase: true }).root;
const T = (name: string): protobuf.Type => testRoot.lookupType(`t.${name}`);

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

/** Builds a body by hand: magic + Unknown around a message built with the test schema. */
function envelope(apiVersion: string, kind: string, type: string, message: object): Buffer {
  const raw = T(type).encode(T(type).fromObject(message)).finish();
  const unknown = T('Unknown')
    .encode({ typeMeta: { apiVersion, kind }, raw, contentEncoding: '', contentType: '' })
    .finish();
  return Buffer.concat([MAGIC, unknown]);
}

/** Opens a body by hand, returning the typeMeta and the decoded inner message. */
function open(
  body: Uint8Array,
  type: string,
): { typeMeta: unknown; message: Record<string, unknown> } {
  assert.deepEqual([...body.subarray(0, 4)], [...MAGIC], 'body starts with k8s\\0');
  const unknown = T('Unknown').toObject(T('Unknown').decode(body.subarray(4)), { longs: Number });
  const raw = unknown['raw'] as Uint8Array;
  const message = T(type).toObject(T(type).decode(raw), { longs: Number }) as Record<
    string,
    unknown
  >;
  return { typeMeta: unknown['typeMeta'], message };
}

function roundTrip(object: TypedObject): void {
  const { object: back } = decodeObject(encodeObject(object));
  assert.deepEqual(back, object);
}

/** Asserts an ApiError with this code, reason and exact message. */
function assertApiError(
  fn: () => unknown,
  code: number,
  reason: string,
  message: string | RegExp,
): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ApiError, `expected ApiError, got ${String(e)}`);
    assert.equal(e.code, code);
    assert.equal(e.reason, reason);
    if (typeof message === 'string') assert.equal(e.message, message);
    else assert.match(e.message, message);
    return true;
  });
}

const hex = (s: string): Buffer => Buffer.from(s, 'hex');

// Bodies kubectl v1.32.4 sent (POST, Content-Type application/vnd.kubernetes.protobuf).
const KUBECTL = {
  createNamespace: hex(
    '6b3873000a0f0a02763112094e616d657370616365121c0a140a0464656d6f12001a0022002a0032003800420012001a020a001a002200',
  ),
  createSecret: hex(
    '6b3873000a0c0a027631120653656372657412410a190a02733112001a0764656661756c7422002a0032003800420012130a0870617373776f7264120768756e74657232120d0a0475736572120561646d696e1a001a002200',
  ),
  createConfigMap: hex(
    '6b3873000a0f0a0276311209436f6e6669674d617012230a190a02633112001a0764656661756c7422002a0032003800420012060a016b1201761a002200',
  ),
  createDeployment: hex(
    '6b3873000a150a07617070732f7631120a4465706c6f796d656e7412c4010a260a0377656212001a0764656661756c7422002a003200380042005a0a0a036170701203776562128b010802120c0a0a0a0361707012037765621a710a1c0a0012001a0022002a003200380042005a0a0a036170701203776562125112330a056e67696e78120a6e67696e783a312e32372a00320a0a001000185022002a0042006a007200800100880100900100a201001a00320042004a0052005800600068008201008a01009a0100c2010022020a00280038001a0c0800100018002000280038001a002200',
  ),
  createService: hex(
    '6b3873000a0d0a02763112075365727669636512700a260a0377656212001a0764656661756c7422002a003200380042005a0a0a03617070120377656212420a1b0a0738302d38303830120354435018502207080010903f1a002800120a0a0361707012037765621a002209436c757374657249503a00420052005a00600068001a020a001a002200',
  ),
};

describe('protobuf: request bodies as kubectl sends them', () => {
  it('kubectl create namespace demo: the hand-built envelope is byte for byte what kubectl sent', () => {
    // Go writes every non-pointer field, zero or not: empty strings, generation 0, an empty
    // creationTimestamp, empty spec and status.
    const body = envelope('v1', 'Namespace', 'Namespace', {
      metadata: {
        name: 'demo',
        generateName: '',
        namespace: '',
        selfLink: '',
        uid: '',
        resourceVersion: '',
        generation: 0,
        creationTimestamp: {},
      },
      spec: {},
      status: { phase: '' },
    });
    assert.equal(body.toString('hex'), KUBECTL.createNamespace.toString('hex'));
    const { object } = decodeObject(body, { apiVersion: 'v1', kind: 'Namespace' });
    // As Go's JSON encoder shows the same value (zero strings and the zero time left out).
    assert.deepEqual(object, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'demo' },
      spec: {},
      status: {},
    });
  });

  it('decodes what kubectl sends for create secret, configmap, deployment and service', () => {
    assert.deepEqual(decodeObject(KUBECTL.createSecret).object, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's1', namespace: 'default' },
      data: { password: 'aHVudGVyMg==', user: 'YWRtaW4=' },
    });
    assert.deepEqual(decodeObject(KUBECTL.createConfigMap).object, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c1', namespace: 'default' },
      data: { k: 'v' },
    });
    const deployment = decodeObject(KUBECTL.createDeployment).object;
    assert.deepEqual(deployment, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            containers: [
              { name: 'nginx', image: 'nginx:1.27', ports: [{ containerPort: 80 }], resources: {} },
            ],
          },
        },
        strategy: {},
      },
      status: {},
    });
    assert.deepEqual(decodeObject(KUBECTL.createService).object, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
      spec: {
        ports: [{ name: '80-8080', protocol: 'TCP', port: 80, targetPort: 8080 }],
        selector: { app: 'web' },
        type: 'ClusterIP',
      },
      status: { loadBalancer: {} },
    });
  });

  it('re-encodes what it decoded to the same object', () => {
    for (const body of Object.values(KUBECTL)) {
      const { object } = decodeObject(body);
      roundTrip(object);
    }
  });
});

const TIME = '2024-05-01T10:20:30Z';
const LATER = '2024-05-01T10:25:00Z';
const MICRO = '2024-05-01T10:20:30.123456Z';

const managedFields = [
  {
    manager: 'kubectl-client-side-apply',
    operation: 'Update',
    apiVersion: 'v1',
    time: TIME,
    fieldsType: 'FieldsV1',
    fieldsV1: { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } }, 'f:data': { 'f:k': {} } },
  },
  {
    manager: 'mcp-operator',
    operation: 'Apply',
    apiVersion: 'v1',
    time: LATER,
    fieldsType: 'FieldsV1',
    fieldsV1: { 'f:status': { 'f:phase': {} } },
    subresource: 'status',
  },
];

const ownerReferences = [
  {
    apiVersion: 'mcpruntime.org/v1alpha1',
    kind: 'MCPServer',
    name: 'weather',
    uid: '6f1c2a4e-0000-4000-8000-000000000001',
    controller: true,
    blockOwnerDeletion: true,
  },
];

function meta(name: string, namespace?: string): Record<string, unknown> {
  return {
    name,
    ...(namespace ? { namespace } : {}),
    uid: `uid-${name}`,
    resourceVersion: '42',
    generation: 3,
    creationTimestamp: TIME,
    labels: { app: name, 'app.kubernetes.io/managed-by': 'mcp-runtime' },
    annotations: { 'example.com/note': 'a "quoted" value', empty: '' },
    finalizers: ['example.com/cleanup'],
    ownerReferences,
    managedFields,
  };
}

const podSpec = {
  volumes: [
    {
      name: 'config',
      configMap: {
        name: 'weather-config',
        items: [{ key: 'app.yaml', path: 'app.yaml', mode: 0o440 }],
        defaultMode: 420,
        optional: false,
      },
    },
    { name: 'creds', secret: { secretName: 'weather-creds', defaultMode: 256, optional: true } },
    { name: 'scratch', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
    {
      name: 'token',
      projected: {
        sources: [
          { serviceAccountToken: { audience: 'vault', expirationSeconds: 3600, path: 'token' } },
          {
            downwardAPI: {
              items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }],
            },
          },
          { configMap: { name: 'ca', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        ],
        defaultMode: 420,
      },
    },
    { name: 'data', persistentVolumeClaim: { claimName: 'weather-data', readOnly: true } },
    {
      name: 'cache',
      ephemeral: {
        volumeClaimTemplate: {
          metadata: { labels: { tier: 'cache' } },
          spec: {
            accessModes: ['ReadWriteOnce'],
            storageClassName: 'fast',
            resources: { requests: { storage: '1Gi' } },
          },
        },
      },
    },
    { name: 'host', hostPath: { path: '/var/log', type: 'Directory' } },
  ],
  initContainers: [
    {
      name: 'init',
      image: 'busybox:1.36',
      command: ['sh', '-c'],
      args: ['echo ready'],
      restartPolicy: 'Always',
      resources: {},
    },
  ],
  containers: [
    {
      name: 'weather',
      image: 'registry.internal:5000/team/weather:2.1.0',
      workingDir: '/app',
      ports: [
        { name: 'http', containerPort: 8088, protocol: 'TCP' },
        {
          name: 'metrics',
          containerPort: 9090,
          hostPort: 19090,
          hostIP: '127.0.0.1',
          protocol: 'TCP',
        },
      ],
      envFrom: [
        { prefix: 'CFG_', configMapRef: { name: 'weather-env' } },
        { secretRef: { name: 'weather-secrets', optional: true } },
      ],
      env: [
        { name: 'MCP_PATH', value: '/weather/mcp' },
        {
          name: 'API_KEY',
          valueFrom: { secretKeyRef: { name: 'weather-creds', key: 'api-key', optional: false } },
        },
        { name: 'MODE', valueFrom: { configMapKeyRef: { name: 'weather-env', key: 'mode' } } },
        {
          name: 'POD_IP',
          valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'status.podIP' } },
        },
        {
          name: 'MEM_LIMIT',
          valueFrom: {
            resourceFieldRef: {
              containerName: 'weather',
              resource: 'limits.memory',
              divisor: '1Mi',
            },
          },
        },
      ],
      resources: {
        requests: { cpu: '50m', memory: '64Mi' },
        limits: { cpu: '500m', memory: '256Mi', 'nvidia.com/gpu': '1' },
        claims: [{ name: 'gpu', request: 'fast' }],
      },
      resizePolicy: [{ resourceName: 'cpu', restartPolicy: 'NotRequired' }],
      volumeMounts: [
        { name: 'config', mountPath: '/etc/weather', readOnly: true },
        { name: 'scratch', mountPath: '/tmp', subPath: 'tmp', mountPropagation: 'None' },
      ],
      startupProbe: { tcpSocket: { port: 8088 }, periodSeconds: 2, failureThreshold: 60 },
      livenessProbe: {
        httpGet: {
          path: '/healthz',
          port: 'http',
          scheme: 'HTTP',
          httpHeaders: [{ name: 'X-Probe', value: 'live' }],
        },
        initialDelaySeconds: 5,
        timeoutSeconds: 1,
        periodSeconds: 10,
        successThreshold: 1,
        failureThreshold: 3,
        terminationGracePeriodSeconds: 0,
      },
      readinessProbe: { grpc: { port: 9090, service: 'weather' }, periodSeconds: 5 },
      lifecycle: {
        postStart: { exec: { command: ['touch', '/tmp/started'] } },
        preStop: { sleep: { seconds: 5 } },
      },
      terminationMessagePath: '/dev/termination-log',
      terminationMessagePolicy: 'FallbackToLogsOnError',
      imagePullPolicy: 'IfNotPresent',
      securityContext: {
        allowPrivilegeEscalation: false,
        privileged: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        runAsUser: 0,
        capabilities: { add: ['NET_BIND_SERVICE'], drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
        appArmorProfile: { type: 'Localhost', localhostProfile: 'weather' },
      },
      stdin: true,
      tty: true,
    },
  ],
  restartPolicy: 'Always',
  terminationGracePeriodSeconds: 0,
  activeDeadlineSeconds: 600,
  dnsPolicy: 'ClusterFirst',
  nodeSelector: { 'kubernetes.io/os': 'linux' },
  serviceAccountName: 'weather',
  automountServiceAccountToken: false,
  nodeName: 'node-1',
  hostNetwork: true,
  shareProcessNamespace: false,
  securityContext: {
    runAsUser: 65532,
    runAsGroup: 65532,
    runAsNonRoot: true,
    fsGroup: 0,
    supplementalGroups: [1000, 2000],
    sysctls: [{ name: 'net.core.somaxconn', value: '1024' }],
    seccompProfile: { type: 'RuntimeDefault' },
  },
  imagePullSecrets: [{ name: 'regcred' }],
  hostname: 'weather-0',
  subdomain: 'weather',
  affinity: {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [
          { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a', 'b'] }] },
        ],
      },
      preferredDuringSchedulingIgnoredDuringExecution: [
        {
          weight: 1,
          preference: {
            matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['node-9'] }],
          },
        },
      ],
    },
    podAntiAffinity: {
      preferredDuringSchedulingIgnoredDuringExecution: [
        {
          weight: 100,
          podAffinityTerm: {
            labelSelector: { matchLabels: { app: 'weather' } },
            topologyKey: 'kubernetes.io/hostname',
          },
        },
      ],
    },
  },
  schedulerName: 'default-scheduler',
  tolerations: [
    { key: 'dedicated', operator: 'Equal', value: 'mcp', effect: 'NoSchedule' },
    { operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 0 },
  ],
  hostAliases: [{ ip: '10.0.0.1', hostnames: ['db.local'] }],
  priorityClassName: 'high',
  priority: 0,
  dnsConfig: {
    nameservers: ['1.1.1.1'],
    searches: ['svc.local'],
    options: [{ name: 'ndots', value: '2' }],
  },
  readinessGates: [{ conditionType: 'example.com/ready' }],
  runtimeClassName: 'runc',
  enableServiceLinks: false,
  preemptionPolicy: 'Never',
  overhead: { cpu: '10m' },
  topologySpreadConstraints: [
    {
      maxSkew: 1,
      topologyKey: 'topology.kubernetes.io/zone',
      whenUnsatisfiable: 'ScheduleAnyway',
      labelSelector: { matchExpressions: [{ key: 'app', operator: 'Exists' }] },
      minDomains: 2,
    },
  ],
  os: { name: 'linux' },
  hostUsers: false,
  schedulingGates: [{ name: 'example.com/gate' }],
};

const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    ...meta('weather-0', 'tools'),
    generateName: 'weather-',
    deletionTimestamp: LATER,
    deletionGracePeriodSeconds: 0,
  },
  spec: podSpec,
  status: {
    phase: 'Running',
    conditions: [
      {
        type: 'Ready',
        status: 'False',
        lastTransitionTime: TIME,
        reason: 'ContainersNotReady',
        message: 'not ready',
      },
      { type: 'PodScheduled', status: 'True', lastProbeTime: LATER, lastTransitionTime: TIME },
    ],
    hostIP: '10.0.0.5',
    hostIPs: [{ ip: '10.0.0.5' }],
    podIP: '10.244.0.7',
    podIPs: [{ ip: '10.244.0.7' }, { ip: 'fd00::7' }],
    startTime: TIME,
    containerStatuses: [
      {
        name: 'weather',
        state: { running: { startedAt: TIME } },
        lastState: {
          terminated: {
            exitCode: 0,
            reason: 'Completed',
            startedAt: TIME,
            finishedAt: LATER,
            containerID: 'containerd://1',
          },
        },
        ready: false,
        restartCount: 0,
        image: 'registry.internal:5000/team/weather:2.1.0',
        imageID: 'registry.internal:5000/team/weather@sha256:abc',
        containerID: 'containerd://2',
        started: false,
        allocatedResources: { cpu: '50m' },
      },
    ],
    initContainerStatuses: [
      {
        name: 'init',
        state: { waiting: { reason: 'PodInitializing' } },
        ready: false,
        restartCount: 2,
        image: 'busybox:1.36',
        imageID: '',
      },
    ],
    qosClass: 'Burstable',
  },
};

const fixtures: TypedObject[] = [
  {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: meta('tools'),
    spec: { finalizers: ['kubernetes'] },
    status: {
      phase: 'Terminating',
      conditions: [
        {
          type: 'NamespaceDeletionContentFailure',
          status: 'False',
          lastTransitionTime: TIME,
          reason: 'ContentDeleted',
          message: 'All content successfully deleted',
        },
      ],
    },
  },
  {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: meta('weather-env', 'tools'),
    immutable: false,
    data: { mode: 'fast', 'app.yaml': 'a: 1\nb: [x, "y"]\n', empty: '' },
    binaryData: { 'logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 255]).toString('base64') },
  },
  {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: meta('weather-creds', 'tools'),
    immutable: true,
    data: { 'api-key': Buffer.from('s3cr3t\n').toString('base64'), empty: '' },
    type: 'Opaque',
  },
  {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta('weather', 'tools'),
    spec: {
      ports: [
        { name: 'http', protocol: 'TCP', appProtocol: 'http', port: 80, targetPort: 8088 },
        { name: 'metrics', protocol: 'TCP', port: 9090, targetPort: 'metrics', nodePort: 30090 },
      ],
      selector: { app: 'weather' },
      clusterIP: '10.96.0.10',
      clusterIPs: ['10.96.0.10'],
      type: 'LoadBalancer',
      sessionAffinity: 'ClientIP',
      sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } },
      externalTrafficPolicy: 'Local',
      healthCheckNodePort: 31000,
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      allocateLoadBalancerNodePorts: false,
      internalTrafficPolicy: 'Cluster',
    },
    status: {
      loadBalancer: {
        ingress: [{ ip: '127.0.0.1', ipMode: 'VIP', ports: [{ port: 80, protocol: 'TCP' }] }],
      },
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          observedGeneration: 3,
          lastTransitionTime: TIME,
          reason: 'Allocated',
          message: '',
        },
      ],
    },
  },
  {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: {
      name: 'weather.17c1',
      namespace: 'tools',
      uid: 'e1',
      resourceVersion: '7',
      creationTimestamp: TIME,
    },
    involvedObject: {
      kind: 'MCPServer',
      namespace: 'tools',
      name: 'weather',
      uid: 'u1',
      apiVersion: 'mcpruntime.org/v1alpha1',
      resourceVersion: '40',
      fieldPath: 'spec',
    },
    reason: 'Reconciled',
    message: 'Deployment weather updated',
    source: { component: 'mcp-operator', host: 'node-1' },
    firstTimestamp: TIME,
    lastTimestamp: LATER,
    count: 3,
    type: 'Normal',
    eventTime: MICRO,
    series: { count: 2, lastObservedTime: '2024-05-01T10:25:00.000001Z' },
    action: 'Update',
    related: { kind: 'Deployment', namespace: 'tools', name: 'weather', apiVersion: 'apps/v1' },
    reportingComponent: 'mcp-operator',
    reportingInstance: 'mcp-operator-abc',
  },
  pod,
  {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'IngressClass',
    metadata: {
      ...meta('traefik'),
      annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' },
    },
    spec: {
      controller: 'traefik.io/ingress-controller',
      parameters: {
        apiGroup: 'k8s.example.com',
        kind: 'IngressParameters',
        name: 'external-lb',
        scope: 'Namespace',
        namespace: 'infra',
      },
    },
  },
  {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: meta('weather', 'tools'),
    spec: {
      ingressClassName: 'traefik',
      defaultBackend: {
        resource: { apiGroup: 'k8s.example.com', kind: 'StorageBucket', name: 'static' },
      },
      tls: [{ hosts: ['weather.example.com'], secretName: 'weather-tls' }],
      rules: [
        {
          host: 'weather.example.com',
          http: {
            paths: [
              {
                path: '/mcp',
                pathType: 'Prefix',
                backend: { service: { name: 'weather', port: { number: 80 } } },
              },
              {
                path: '/metrics',
                pathType: 'Exact',
                backend: { service: { name: 'weather', port: { name: 'metrics' } } },
              },
            ],
          },
        },
      ],
    },
    status: {
      loadBalancer: {
        ingress: [
          { ip: '127.0.0.1', ports: [{ port: 443, protocol: 'TCP', error: 'Pending' }] },
          { hostname: 'lb.example.com' },
        ],
      },
    },
  },
  {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      ...meta('weather-abc12', 'tools'),
      labels: { 'kubernetes.io/service-name': 'weather' },
    },
    addressType: 'IPv4',
    endpoints: [
      {
        addresses: ['10.244.0.7'],
        conditions: { ready: true, serving: true, terminating: false },
        hostname: 'weather-0',
        targetRef: { kind: 'Pod', namespace: 'tools', name: 'weather-0', uid: 'p1' },
        nodeName: 'node-1',
        zone: 'a',
        hints: { forZones: [{ name: 'a' }] },
      },
      { addresses: ['10.244.0.8'], conditions: { ready: false } },
    ],
    ports: [
      { name: 'http', protocol: 'TCP', port: 8088, appProtocol: 'http' },
      { name: '', port: 0 },
    ],
  },
  {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: meta('mcp-operator-leader', 'mcp-runtime'),
    spec: {
      holderIdentity: 'mcp-operator-7d9f_1b2c',
      leaseDurationSeconds: 15,
      acquireTime: '2024-05-01T10:20:30.000000Z',
      renewTime: MICRO,
      leaseTransitions: 0,
    },
  },
  {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: { name: 'weather.17c2', namespace: 'tools', creationTimestamp: TIME },
    eventTime: MICRO,
    series: { count: 4, lastObservedTime: '2024-05-01T10:26:00.500000Z' },
    reportingController: 'mcpruntime.org/mcp-operator',
    reportingInstance: 'mcp-operator-abc',
    action: 'Reconcile',
    reason: 'Ready',
    regarding: {
      kind: 'MCPServer',
      namespace: 'tools',
      name: 'weather',
      apiVersion: 'mcpruntime.org/v1alpha1',
    },
    related: { kind: 'Deployment', namespace: 'tools', name: 'weather' },
    note: 'all replicas ready',
    type: 'Normal',
    deprecatedSource: { component: 'mcp-operator' },
    deprecatedFirstTimestamp: TIME,
    deprecatedLastTimestamp: LATER,
    deprecatedCount: 4,
  },
  {
    apiVersion: 'autoscaling/v1',
    kind: 'Scale',
    metadata: meta('weather', 'tools'),
    spec: { replicas: 3 },
    status: { replicas: 0, selector: 'app=weather' },
  },
];

describe('protobuf: round trips (JSON → encode → decode → the same JSON)', () => {
  for (const object of fixtures) {
    it(`${object.apiVersion} ${object.kind}`, () => roundTrip(object));
  }

  it('a Deployment with maxSurge as a number, replicas 0 and a paused rollout', () => {
    roundTrip({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default' },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'web', image: 'nginx' }] },
        },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
        minReadySeconds: 5,
        revisionHistoryLimit: 0,
        paused: true,
        progressDeadlineSeconds: 600,
      },
      status: { collisionCount: 0, unavailableReplicas: 1 },
    });
  });
});

// The fields Kubernetes v1.33 and v1.34 added to the served kinds (k8s.io/api types.go and
// generated.proto of those releases): a Go client built against them sends them, and a field
// number the schema lacks would be a 400 (wire.ts).
describe('protobuf: fields added in Kubernetes v1.33 and v1.34', () => {
  it('a Pod with stop signals, restart rules, file env keys, a hostname override and pod certificates', () => {
    roundTrip({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'new', namespace: 'tools', generation: 2 },
      spec: {
        volumes: [
          {
            name: 'cert',
            projected: {
              sources: [
                {
                  // v1.34 VolumeProjection.podCertificate = 6 (PodCertificateRequest, alpha).
                  podCertificate: {
                    signerName: 'example.com/signer',
                    keyType: 'ED25519',
                    maxExpirationSeconds: 0,
                    credentialBundlePath: 'bundle.pem',
                    keyPath: 'key.pem',
                    certificateChainPath: 'chain.pem',
                  },
                },
              ],
            },
          },
          { name: 'env', emptyDir: {} },
        ],
        containers: [
          {
            name: 'app',
            image: 'app:1',
            // v1.34 Container.restartPolicyRules = 25 (ContainerRestartRules, alpha).
            restartPolicy: 'Never',
            restartPolicyRules: [
              { action: 'Restart', exitCodes: { operator: 'In', values: [42, 0, -1] } },
            ],
            env: [
              {
                name: 'TOKEN',
                // v1.34 EnvVarSource.fileKeyRef = 5 (EnvFiles, alpha): optional is a pointer.
                valueFrom: {
                  fileKeyRef: { volumeName: 'env', path: 'app.env', key: 'TOKEN', optional: false },
                },
              },
            ],
            // v1.33 Lifecycle.stopSignal = 3 (ContainerStopSignals, alpha).
            lifecycle: { stopSignal: 'SIGUSR1' },
          },
        ],
        os: { name: 'linux' },
        // v1.34 PodSpec.hostnameOverride = 41 (HostnameOverride, alpha).
        hostnameOverride: 'override-0',
      },
    });
  });

  it('a Deployment with terminatingReplicas and an EndpointSlice with node hints', () => {
    // v1.33 DeploymentStatus.terminatingReplicas = 9, a pointer: 0 is kept.
    roundTrip({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default' },
      status: { replicas: 2, terminatingReplicas: 0 },
    });
    // v1.33 EndpointHints.forNodes = 2 (PreferSameTrafficDistribution).
    roundTrip({
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: 'web-abc12', namespace: 'default' },
      addressType: 'IPv4',
      endpoints: [
        {
          addresses: ['10.244.0.7'],
          hints: { forZones: [{ name: 'a' }], forNodes: [{ name: 'node-1' }] },
        },
      ],
    });
  });

  it('a body a v1.34 Go client built decodes instead of being refused', () => {
    const pod = envelope('v1', 'Pod', 'NewPod', {
      metadata: { name: 'p' },
      spec: { hostnameOverride: 'h' },
    });
    assert.deepEqual(decodeObject(pod).object, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: { hostnameOverride: 'h' },
    });
    const deployment = envelope('apps/v1', 'Deployment', 'NewDeployment', {
      metadata: { name: 'd' },
      status: { replicas: 1, terminatingReplicas: 0 },
    });
    assert.deepEqual(decodeObject(deployment).object['status'], {
      replicas: 1,
      terminatingReplicas: 0,
    });
  });
});

describe('protobuf: wire layout of the well-known types', () => {
  it('Time is whole seconds; MicroTime keeps microseconds as nanos', () => {
    const ns = {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 't', creationTimestamp: '2024-05-01T12:20:30.75+02:00' },
    };
    const { message } = open(encodeObject(ns), 'Namespace');
    const metadata = message['metadata'] as Record<string, unknown>;
    // 2024-05-01T10:20:30Z; the fraction is dropped as Go's Time does on the wire.
    assert.deepEqual(metadata['creationTimestamp'], { seconds: 1714558830 });
    assert.equal(decodeObject(encodeObject(ns)).object.metadata.creationTimestamp, TIME);

    const lease = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'l' },
      spec: { renewTime: MICRO, leaseTransitions: 0 },
    };
    const spec = open(encodeObject(lease), 'Lease').message['spec'] as Record<string, unknown>;
    assert.deepEqual(spec, {
      renewTime: { seconds: 1714558830, nanos: 123456000 },
      leaseTransitions: 0,
    });
  });

  it("Go's zero time is left out both ways", () => {
    const body = envelope('v1', 'Namespace', 'Namespace', {
      metadata: { name: 'z', creationTimestamp: {} },
    });
    assert.deepEqual(decodeObject(body).object.metadata, { name: 'z' });
    const ns = {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'z', creationTimestamp: '0001-01-01T00:00:00Z' },
    };
    const metadata = open(encodeObject(ns), 'Namespace').message['metadata'] as Record<
      string,
      unknown
    >;
    assert.equal(metadata['creationTimestamp'], undefined);
  });

  it('IntOrString carries its type: 0 with intVal, 1 with strVal', () => {
    const svc = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 's' },
      spec: {
        ports: [
          { port: 80, targetPort: 8080 },
          { port: 81, targetPort: 'http' },
        ],
      },
    };
    const spec = open(encodeObject(svc), 'Service').message['spec'] as {
      ports: Record<string, unknown>[];
    };
    assert.deepEqual(spec.ports[0]!['targetPort'], { type: 0, intVal: 8080 });
    assert.deepEqual(spec.ports[1]!['targetPort'], { type: 1, strVal: 'http' });
  });

  it('Quantity is its string, FieldsV1 its JSON text, maps are {key, value} entries', () => {
    const secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 's',
        managedFields: [{ manager: 'm', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': {} } }],
      },
      data: { k: Buffer.from([0, 1, 2]).toString('base64') },
    };
    const raw = Buffer.from(
      (T('Unknown').decode(encodeObject(secret).subarray(4)) as unknown as { raw: Uint8Array }).raw,
    );
    // Secret.data = field 2, one entry {key = 1: "k", value = 2: the raw bytes 00 01 02}.
    assert.ok(raw.toString('hex').endsWith('12080a016b1203000102'));
    // ManagedFieldsEntry.fieldsV1 = field 7, FieldsV1.Raw = field 1: the compact JSON text.
    const json = Buffer.from('{"f:data":{}}');
    assert.ok(
      raw.includes(Buffer.concat([Buffer.from([0x3a, json.length + 2, 0x0a, json.length]), json])),
    );

    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: { containers: [{ name: 'c', resources: { limits: { cpu: '500m', memory: 1024 } } }] },
    };
    // limits = field 1 of ResourceRequirements: {key "cpu", value Quantity{string = 1: "500m"}}.
    const entry = Buffer.from('0a0363707512060a043530306d', 'hex');
    assert.ok(Buffer.from(encodeObject(pod)).includes(entry));
    // A JSON number is a valid quantity (as for Go's Quantity); it reads back as its string.
    const back = decodeObject(encodeObject(pod)).object as unknown as {
      spec: { containers: { resources: unknown }[] };
    };
    assert.deepEqual(back.spec.containers[0]!.resources, {
      limits: { cpu: '500m', memory: '1024' },
    });
  });
});

describe('protobuf: zero values, as Go writes and shows them', () => {
  it('Go writes every non-pointer field; zeros there are left out, pointer zeros are kept', () => {
    // A Lease as client-go's leader election writes it at its first acquisition.
    const body = envelope('coordination.k8s.io/v1', 'Lease', 'Lease', {
      metadata: {
        name: 'leader',
        generateName: '',
        namespace: 'mcp-runtime',
        selfLink: '',
        uid: '',
        resourceVersion: '',
        generation: 0,
        creationTimestamp: {},
      },
      spec: { holderIdentity: '', leaseTransitions: 0 },
    });
    assert.deepEqual(decodeObject(body).object, {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'leader', namespace: 'mcp-runtime' },
      spec: { holderIdentity: '', leaseTransitions: 0 },
    });
  });

  it('an omitempty field set to its zero value reads back without it, as through Go', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', generation: 0 },
      spec: {
        containers: [
          {
            name: 'c',
            env: [{ name: 'EMPTY', value: '' }],
            ports: [{ containerPort: 0, hostPort: 0 }],
          },
        ],
        hostNetwork: false,
        automountServiceAccountToken: false,
      },
    };
    assert.deepEqual(decodeObject(encodeObject(pod)).object, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: {
        containers: [{ name: 'c', env: [{ name: 'EMPTY' }], ports: [{ containerPort: 0 }] }],
        automountServiceAccountToken: false,
      },
    });
  });
});

describe('protobuf: lists, Status and watch streams', () => {
  it('a <Kind>List is {metadata: ListMeta, items} in the envelope, readable back', () => {
    const items = [
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'a', resourceVersion: '5' },
        status: { phase: 'Active' },
      },
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'b', resourceVersion: '6' } },
    ];
    const body = encodeList({
      apiVersion: 'v1',
      kind: 'NamespaceList',
      metadata: { resourceVersion: '9', continue: 'token', remainingItemCount: 0 },
      items,
    });
    const { typeMeta, message } = open(body, 'NamespaceList');
    assert.deepEqual(typeMeta, { apiVersion: 'v1', kind: 'NamespaceList' });
    assert.deepEqual(message['metadata'], {
      resourceVersion: '9',
      continue: 'token',
      remainingItemCount: 0,
    });
    assert.deepEqual(
      (message['items'] as { metadata: { name: string } }[]).map((i) => i.metadata.name),
      ['a', 'b'],
    );
    // Items of a typed list carry no apiVersion/kind of their own (as Go's JSON shows them).
    assert.deepEqual(decodeObject(body).object, {
      apiVersion: 'v1',
      kind: 'NamespaceList',
      metadata: { resourceVersion: '9', continue: 'token', remainingItemCount: 0 },
      items: items.map(({ apiVersion: _a, kind: _k, ...rest }) => rest),
    });
  });

  it('every served kind has its list', () => {
    for (const [apiVersion, kind] of [
      ['v1', 'Namespace'],
      ['v1', 'ConfigMap'],
      ['v1', 'Secret'],
      ['v1', 'Service'],
      ['v1', 'Event'],
      ['v1', 'Pod'],
      ['apps/v1', 'Deployment'],
      ['networking.k8s.io/v1', 'Ingress'],
      ['networking.k8s.io/v1', 'IngressClass'],
      ['discovery.k8s.io/v1', 'EndpointSlice'],
      ['coordination.k8s.io/v1', 'Lease'],
      ['events.k8s.io/v1', 'Event'],
      ['apiextensions.k8s.io/v1', 'CustomResourceDefinition'],
    ] as const) {
      assert.ok(hasProtobufSchema(apiVersion, kind), `${apiVersion} ${kind}`);
      assert.ok(hasProtobufSchema(apiVersion, `${kind}List`), `${apiVersion} ${kind}List`);
    }
    assert.ok(hasProtobufSchema('autoscaling/v1', 'Scale'));
    assert.equal(hasProtobufSchema('mcpruntime.org/v1alpha1', 'MCPServer'), false);
    assert.equal(hasProtobufSchema('v1', 'Node'), false);
  });

  it('a Status is meta/v1 Status under apiVersion v1', () => {
    const status = {
      kind: 'Status' as const,
      apiVersion: 'v1' as const,
      metadata: {},
      status: 'Failure' as const,
      message: 'namespaces "demo" already exists',
      reason: 'AlreadyExists',
      details: { name: 'demo', kind: 'namespaces' },
      code: 409,
    };
    const body = encodeStatus(status);
    const { typeMeta, message } = open(body, 'Status');
    assert.deepEqual(typeMeta, { apiVersion: 'v1', kind: 'Status' });
    assert.deepEqual(message, {
      metadata: {},
      status: 'Failure',
      message: 'namespaces "demo" already exists',
      reason: 'AlreadyExists',
      details: { name: 'demo', kind: 'namespaces' },
      code: 409,
    });
    roundTrip({
      ...status,
      details: {
        ...status.details,
        causes: [{ reason: 'FieldValueInvalid', message: 'bad', field: 'spec.port' }],
        retryAfterSeconds: 1,
      },
    });
  });

  it('watch frames: 4-byte big-endian length, then a WatchEvent whose object is enveloped', () => {
    const ns = {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'demo', resourceVersion: '10' },
    };
    const gone = {
      kind: 'Status' as const,
      apiVersion: 'v1' as const,
      metadata: {},
      status: 'Failure' as const,
      message: 'too old resource version: 1 (10)',
      reason: 'Expired',
      code: 410,
    };
    const stream = Buffer.concat([encodeWatchFrame('ADDED', ns), encodeWatchFrame('ERROR', gone)]);
    const events: { type: string; object: TypedObject }[] = [];
    for (let offset = 0; offset < stream.length;) {
      const length = stream.readUInt32BE(offset);
      const frame = stream.subarray(offset + 4, offset + 4 + length);
      offset += 4 + length;
      const event = T('WatchEvent').decode(frame) as unknown as {
        type: string;
        object: { raw: Uint8Array };
      };
      // The event itself has no envelope; its object does.
      assert.notDeepEqual([...frame.subarray(0, 4)], [...MAGIC]);
      events.push({ type: event.type, object: decodeObject(event.object.raw).object });
    }
    assert.deepEqual(events, [
      { type: 'ADDED', object: ns },
      { type: 'ERROR', object: gone },
    ]);
    assert.equal(PROTOBUF_WATCH_CONTENT_TYPE, `${PROTOBUF_CONTENT_TYPE};stream=watch`);
  });

  it('a kind without a protobuf schema gets the 406 kube-apiserver gives for it', () => {
    const cr = {
      apiVersion: 'mcpruntime.org/v1alpha1',
      kind: 'MCPServer',
      metadata: { name: 'w' },
    };
    const message =
      'object *unstructured.Unstructured does not implement the protobuf marshalling interface and cannot be encoded to a protobuf message';
    assertApiError(() => encodeObject(cr), 406, 'NotAcceptable', message);
    assertApiError(() => encodeWatchFrame('ADDED', cr), 406, 'NotAcceptable', message);
  });
});

describe('protobuf: DeleteOptions and Scale', () => {
  const options = {
    gracePeriodSeconds: 0,
    preconditions: { uid: 'u1', resourceVersion: '42' },
    orphanDependents: false,
    propagationPolicy: 'Foreground',
    dryRun: ['All'],
  };

  it('decodes DeleteOptions sent as v1, meta.k8s.io/v1 or the resource group version', () => {
    for (const apiVersion of ['v1', 'meta.k8s.io/v1', 'apps/v1']) {
      const body = envelope(apiVersion, 'DeleteOptions', 'DeleteOptions', options);
      assert.deepEqual(decodeDeleteOptions(body), {
        apiVersion,
        kind: 'DeleteOptions',
        ...options,
      });
    }
    // What client-go sends for a plain Delete: only the fields set (pointers stay nil).
    const plain = envelope('v1', 'DeleteOptions', 'DeleteOptions', {
      propagationPolicy: 'Background',
    });
    assert.deepEqual(decodeDeleteOptions(plain), {
      apiVersion: 'v1',
      kind: 'DeleteOptions',
      propagationPolicy: 'Background',
    });
  });

  it('an undecodable DELETE body is a 500 without reason carrying the decoder message, as in delete.go', () => {
    assertApiError(
      () => decodeDeleteOptions(Buffer.from('not protobuf')),
      500,
      '',
      'provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]',
    );
    const namespace = envelope('v1', 'Namespace', 'Namespace', { metadata: { name: 'x' } });
    assertApiError(
      () => decodeDeleteOptions(namespace),
      500,
      '',
      'decoded object cannot be converted to DeleteOptions',
    );
  });

  it('decodes an autoscaling/v1 Scale, keeping status.replicas 0', () => {
    const body = envelope('autoscaling/v1', 'Scale', 'Scale', {
      metadata: { name: 'web', namespace: 'default', resourceVersion: '7' },
      spec: { replicas: 3 },
      status: { replicas: 0, selector: 'app=web' },
    });
    assert.deepEqual(decodeScale(body), {
      apiVersion: 'autoscaling/v1',
      kind: 'Scale',
      metadata: { name: 'web', namespace: 'default', resourceVersion: '7' },
      spec: { replicas: 3 },
      status: { replicas: 0, selector: 'app=web' },
    });
  });
});

describe('protobuf: bodies that cannot be decoded', () => {
  const into = { apiVersion: 'v1', kind: 'Namespace' };

  it("a body without the magic gets kube-apiserver's 400, with the summary of the body", () => {
    assertApiError(
      () => decodeObject(Buffer.from('garbage body'), into),
      400,
      'BadRequest',
      'the object provided is unrecognized (must be of type Namespace): provided data does not appear to be a protobuf message, expected prefix [107 56 115 0] (6761726261676520626f6479)',
    );
    // JSON sent with the protobuf content type: summarized as text, cut at 30 bytes.
    assertApiError(
      () =>
        decodeObject(
          Buffer.from('{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"demo"}}'),
          into,
        ),
      400,
      'BadRequest',
      'the object provided is unrecognized (must be of type Namespace): provided data does not appear to be a protobuf message, expected prefix [107 56 115 0] ({"apiVersion":"v1","kind":"Nam ...)',
    );
    assertApiError(
      () => decodeObject(new Uint8Array(), into),
      400,
      'BadRequest',
      'the object provided is unrecognized (must be of type Namespace): empty data (<empty>)',
    );
    assertApiError(
      () => decodeObject(MAGIC, into),
      400,
      'BadRequest',
      'the object provided is unrecognized (must be of type Namespace): empty body (6b387300)',
    );
  });

  it('a broken envelope or object says what the decoder found', () => {
    const truncated = KUBECTL.createNamespace.subarray(0, 30);
    assertApiError(
      () => decodeObject(truncated, into),
      400,
      'BadRequest',
      `the object provided is unrecognized (must be of type Namespace): unexpected EOF (${truncated.toString('hex')})`,
    );
    const wrongType = envelope('v1', 'Namespace', 'NamespaceWrongType', {
      metadata: { name: 'x' },
      spec: 1,
    });
    assertApiError(
      () => decodeObject(wrongType, into),
      400,
      'BadRequest',
      'Namespace in version "v1" cannot be handled as a Namespace: proto: wrong wireType = 0 for field spec',
    );
    const illegal = Buffer.concat([MAGIC, Buffer.from([0x0f])]);
    assertApiError(
      () => decodeObject(illegal, into),
      400,
      'BadRequest',
      /: proto: illegal wireType 7 \(/,
    );
  });

  it('a field number the schema does not know is an error naming the message and the number', () => {
    const body = envelope('v1', 'Namespace', 'NamespaceWithExtra', {
      metadata: { name: 'x' },
      spec: { finalizers: ['kubernetes'], extra: 'surprise' },
    });
    assertApiError(
      () => decodeObject(body, into),
      400,
      'BadRequest',
      'Namespace in version "v1" cannot be handled as a Namespace: proto: k8s.io.api.core.v1.NamespaceSpec: unknown field number 99 (wire type 2); the local control plane\'s protobuf schema does not have it',
    );
  });

  it('an envelope of a kind without schema, or without type, is a 400', () => {
    const node = envelope('v1', 'Node', 'Namespace', { metadata: { name: 'n' } });
    assertApiError(
      () => decodeObject(node, into),
      400,
      'BadRequest',
      'Node in version "v1" cannot be handled as a Namespace: no kind "Node" is registered for version "v1" in the local control plane\'s protobuf schema',
    );
    // No typeMeta: the endpoint's kind is the default (protobuf.go copyKindDefaults).
    const untyped = envelope('', '', 'Namespace', { metadata: { name: 'n' } });
    assert.deepEqual(decodeObject(untyped, into).object, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'n' },
    });
  });

  // customresource_handler.go lists protobuf among a custom resource's serializers, so the body is
  // taken and its decoding fails: the versioning codec decodes into a fresh Unstructured, which
  // crdserverscheme's typer cannot name (MissingKind), made a 400 by rest.go transformDecodeError.
  it('a custom resource body is refused as the unstructured decoder refuses it', () => {
    const server = { apiVersion: 'mcpruntime.org/v1alpha1', kind: 'MCPServer' };
    const body = envelope(server.apiVersion, server.kind, 'Namespace', { metadata: { name: 'm' } });
    assertApiError(
      () => rejectCustomResourceBody(body, server),
      400,
      'BadRequest',
      `MCPServer in version "v1alpha1" cannot be handled as a MCPServer: Object 'Kind' is missing in 'object has no kind field '`,
    );
    // Without typeMeta the endpoint's type is named; a body that is no envelope fails as for any kind.
    assertApiError(
      () => rejectCustomResourceBody(envelope('', '', 'Namespace', {}), server),
      400,
      'BadRequest',
      /^MCPServer in version "v1alpha1" cannot be handled as a MCPServer: /,
    );
    assertApiError(
      () => rejectCustomResourceBody(Buffer.from('garbage body'), server),
      400,
      'BadRequest',
      'the object provided is unrecognized (must be of type MCPServer): provided data does not appear to be a protobuf message, expected prefix [107 56 115 0] (6761726261676520626f6479)',
    );
  });

  it('encoding a field the schema does not know is a 500 naming its path', () => {
    assertApiError(
      () =>
        encodeObject({
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'd' },
          spec: { replica: 1 },
        }),
      500,
      'InternalError',
      'Internal error occurred: protobuf encoding: Deployment.spec.replica: k8s.io.api.apps.v1.DeploymentSpec has no such field',
    );
    assertApiError(
      () =>
        encodeObject({
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 's' },
          data: { k: 'not base64!' },
        }),
      500,
      'InternalError',
      'Internal error occurred: protobuf encoding: Secret.data["k"]: expected base64-encoded bytes',
    );
  });
});
