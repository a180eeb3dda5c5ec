// The Pod Security Standards checker against the checks of
// k8s.io/pod-security-admission as Kubernetes v1.32 evaluates them. Each table
// starts from a pod that passes Restricted (and so Baseline), breaks one check,
// and expects exactly that check's violation, worded as the library words it,
// at Restricted and at Baseline. The kube source file of each check is named
// above its table (staging/src/k8s.io/pod-security-admission/policy/).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { baselineViolations, restrictedViolations } from '../../src/kube/pod-security.ts';
import type {
  CheckId,
  ContainerSecurityContext,
  ContainerSpec,
  Options,
  PodLike,
  PodSecurityContext,
  PodSpec,
  Violation,
  Volume,
} from '../../src/kube/pod-security.ts';

interface TestContainer extends ContainerSpec {
  name: string;
  image: string;
  securityContext: ContainerSecurityContext;
  ports?: { containerPort: number; hostPort?: number }[];
}

interface TestSpec extends PodSpec {
  securityContext: PodSecurityContext;
  initContainers: TestContainer[];
  containers: TestContainer[];
  ephemeralContainers: TestContainer[];
  volumes: Volume[];
}

interface TestPod extends PodLike {
  metadata: { annotations: Record<string, string> };
  spec: TestSpec;
}

function container(name: string): TestContainer {
  return {
    name,
    image: 'registry.example/app:1.0',
    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
  };
}

/** Restricted-compliant, with one container of each kind and every allowed volume type. */
function compliant(): TestPod {
  return {
    metadata: { annotations: {} },
    spec: {
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      initContainers: [container('init')],
      containers: [container('app')],
      ephemeralContainers: [container('debug')],
      volumes: [
        { name: 'config', configMap: { name: 'config' } },
        { name: 'csi', csi: { driver: 'secrets-store.csi.k8s.io' } },
        { name: 'downward', downwardAPI: { items: [] } },
        { name: 'scratch', emptyDir: {} },
        { name: 'ephemeral', ephemeral: { volumeClaimTemplate: { spec: {} } } },
        { name: 'data', persistentVolumeClaim: { claimName: 'data' } },
        { name: 'token', projected: { sources: [] } },
        { name: 'creds', secret: { secretName: 'creds' } },
      ],
    },
  };
}

const init = (p: TestPod) => p.spec.initContainers[0]!;
const app = (p: TestPod) => p.spec.containers[0]!;
const debug = (p: TestPod) => p.spec.ephemeralContainers[0]!;
const all = (p: TestPod) => [init(p), app(p), debug(p)];

type Expected = readonly [CheckId, string, string];

const violation = ([check, reason, detail]: Expected): Violation => ({
  check,
  reason,
  detail,
  message: `${reason} (${detail})`,
});

interface Row {
  name: string;
  edit: (p: TestPod) => void;
  /** The violations at Restricted; [] when the pod passes. */
  want: Expected[];
  /** The violations at Baseline when they differ from the table's default. */
  baseline?: Expected[];
  options?: Options;
}

/**
 * One `it` per row. `level` says where the check belongs: a Baseline check's
 * violations are expected at both levels, a Restricted one's at Restricted only.
 */
function table(level: 'baseline' | 'restricted', rows: Row[]): void {
  for (const row of rows) {
    it(row.name, () => {
      const pod = compliant();
      row.edit(pod);
      assert.deepEqual(restrictedViolations(pod, row.options), row.want.map(violation));
      const baseline = row.baseline ?? (level === 'baseline' ? row.want : []);
      assert.deepEqual(baselineViolations(pod, row.options), baseline.map(violation));
    });
  }
}

describe('a compliant pod', () => {
  it('passes Restricted and Baseline', () => {
    assert.deepEqual(restrictedViolations(compliant()), []);
    assert.deepEqual(baselineViolations(compliant()), []);
  });

  it('passes with the least a Restricted pod must set', () => {
    const pod: PodLike = {
      spec: {
        securityContext: { runAsNonRoot: true, seccompProfile: { type: 'Localhost' } },
        containers: [
          {
            name: 'app',
            securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
          },
        ],
      },
    };
    assert.deepEqual(restrictedViolations(pod), []);
  });

  it('passes Baseline with no securityContext at all, and fails the four Restricted musts', () => {
    const pod: PodLike = { spec: { containers: [{ name: 'app' }] } };
    assert.deepEqual(baselineViolations(pod), []);
    const want: Expected[] = [
      [
        'allowPrivilegeEscalation',
        'allowPrivilegeEscalation != false',
        'container "app" must set securityContext.allowPrivilegeEscalation=false',
      ],
      [
        'capabilities_restricted',
        'unrestricted capabilities',
        'container "app" must set securityContext.capabilities.drop=["ALL"]',
      ],
      [
        'runAsNonRoot',
        'runAsNonRoot != true',
        'pod or container "app" must set securityContext.runAsNonRoot=true',
      ],
      [
        'seccompProfile_restricted',
        'seccompProfile',
        'pod or container "app" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"',
      ],
    ];
    assert.deepEqual(restrictedViolations(pod), want.map(violation));
  });

  it('reports every failed check once: Baseline checks by ID, then Restricted ones (registry.go)', () => {
    const pod = compliant();
    pod.spec.hostNetwork = true;
    pod.spec.securityContext.runAsUser = 0;
    app(pod).securityContext.privileged = true;
    app(pod).securityContext.allowPrivilegeEscalation = true;
    pod.spec.volumes.push({ name: 'host', hostPath: { path: '/' } });
    assert.deepEqual(
      restrictedViolations(pod).map((v) => v.check),
      [
        'hostNamespaces',
        'privileged',
        'allowPrivilegeEscalation',
        'restrictedVolumes',
        'runAsUser',
      ],
    );
    assert.deepEqual(
      baselineViolations(pod).map((v) => v.check),
      ['hostNamespaces', 'hostPathVolumes', 'privileged'],
    );
  });
});

// check_allowPrivilegeEscalation.go
describe('allowPrivilegeEscalation', () => {
  const reason = 'allowPrivilegeEscalation != false';
  table('restricted', [
    {
      name: 'unset in a container counts as true',
      edit: (p) => delete app(p).securityContext.allowPrivilegeEscalation,
      want: [
        [
          'allowPrivilegeEscalation',
          reason,
          'container "app" must set securityContext.allowPrivilegeEscalation=false',
        ],
      ],
    },
    {
      name: 'true in an init container',
      edit: (p) => (init(p).securityContext.allowPrivilegeEscalation = true),
      want: [
        [
          'allowPrivilegeEscalation',
          reason,
          'container "init" must set securityContext.allowPrivilegeEscalation=false',
        ],
      ],
    },
    {
      name: 'null in an ephemeral container',
      edit: (p) => (debug(p).securityContext.allowPrivilegeEscalation = null),
      want: [
        [
          'allowPrivilegeEscalation',
          reason,
          'container "debug" must set securityContext.allowPrivilegeEscalation=false',
        ],
      ],
    },
    {
      name: 'every kind of container, listed init, regular, ephemeral',
      edit: (p) => all(p).forEach((c) => (c.securityContext.allowPrivilegeEscalation = true)),
      want: [
        [
          'allowPrivilegeEscalation',
          reason,
          'containers "init", "app", "debug" must set securityContext.allowPrivilegeEscalation=false',
        ],
      ],
    },
    {
      name: 'a Windows pod passes without it (v1.25)',
      edit: (p) => {
        p.spec.os = { name: 'windows' };
        all(p).forEach((c) => delete c.securityContext.allowPrivilegeEscalation);
      },
      want: [],
    },
  ]);
});

// check_runAsNonRoot.go
describe('runAsNonRoot', () => {
  const reason = 'runAsNonRoot != true';
  const mustSet = (who: string): Expected => [
    'runAsNonRoot',
    reason,
    `pod or ${who} must set securityContext.runAsNonRoot=true`,
  ];
  const mustNot = (who: string): Expected => [
    'runAsNonRoot',
    reason,
    `${who} must not set securityContext.runAsNonRoot=false`,
  ];
  table('restricted', [
    {
      name: 'set nowhere',
      edit: (p) => delete p.spec.securityContext.runAsNonRoot,
      want: [mustSet('containers "init", "app", "debug"')],
    },
    {
      name: 'set true in every container instead of the pod',
      edit: (p) => {
        delete p.spec.securityContext.runAsNonRoot;
        all(p).forEach((c) => (c.securityContext.runAsNonRoot = true));
      },
      want: [],
    },
    {
      name: 'set true in some containers only',
      edit: (p) => {
        delete p.spec.securityContext.runAsNonRoot;
        init(p).securityContext.runAsNonRoot = true;
        app(p).securityContext.runAsNonRoot = true;
      },
      want: [mustSet('container "debug"')],
    },
    {
      name: 'false in a container overrides true on the pod',
      edit: (p) => (app(p).securityContext.runAsNonRoot = false),
      want: [mustNot('container "app"')],
    },
    {
      name: 'false on the pod, even with true in every container',
      edit: (p) => {
        p.spec.securityContext.runAsNonRoot = false;
        all(p).forEach((c) => (c.securityContext.runAsNonRoot = true));
      },
      want: [mustNot('pod')],
    },
    {
      name: 'false on the pod and in an init container',
      edit: (p) => {
        p.spec.securityContext.runAsNonRoot = false;
        init(p).securityContext.runAsNonRoot = false;
      },
      want: [mustNot('pod and container "init"')],
    },
    {
      name: 'an explicit false is reported instead of containers that leave it unset',
      edit: (p) => {
        delete p.spec.securityContext.runAsNonRoot;
        debug(p).securityContext.runAsNonRoot = false;
      },
      want: [mustNot('container "debug"')],
    },
    {
      name: 'hostUsers: false does not relax it by default (gate off in 1.32)',
      edit: (p) => {
        p.spec.hostUsers = false;
        delete p.spec.securityContext.runAsNonRoot;
      },
      want: [mustSet('containers "init", "app", "debug"')],
    },
    {
      name: 'hostUsers: false relaxes it when the apiserver opted in',
      edit: (p) => {
        p.spec.hostUsers = false;
        p.spec.securityContext.runAsNonRoot = false;
      },
      options: { relaxForUserNamespacePods: true },
      want: [],
    },
  ]);
});

// check_runAsUser.go
describe('runAsUser', () => {
  const rule = (who: string): Expected => [
    'runAsUser',
    'runAsUser=0',
    `${who} must not set runAsUser=0`,
  ];
  table('restricted', [
    {
      name: '0 on the pod',
      edit: (p) => (p.spec.securityContext.runAsUser = 0),
      want: [rule('pod')],
    },
    {
      name: '0 on the pod is not undone by a container',
      edit: (p) => {
        p.spec.securityContext.runAsUser = 0;
        all(p).forEach((c) => (c.securityContext.runAsUser = 1000));
      },
      want: [rule('pod')],
    },
    {
      name: '0 in a container under a non-root pod',
      edit: (p) => {
        p.spec.securityContext.runAsUser = 65532;
        app(p).securityContext.runAsUser = 0;
      },
      want: [rule('container "app"')],
    },
    {
      name: '0 on the pod and in init and ephemeral containers',
      edit: (p) => {
        p.spec.securityContext.runAsUser = 0;
        init(p).securityContext.runAsUser = 0;
        debug(p).securityContext.runAsUser = 0;
      },
      want: [rule('pod and containers "init", "debug"')],
    },
    {
      name: 'hostUsers: false relaxes it only when opted in',
      edit: (p) => {
        p.spec.hostUsers = false;
        p.spec.securityContext.runAsUser = 0;
      },
      options: { relaxForUserNamespacePods: true },
      want: [],
    },
  ]);
});

// check_seccompProfile_restricted.go (and check_seccompProfile_baseline.go,
// which it replaces at Restricted)
describe('seccompProfile_restricted', () => {
  const mustSet = (who: string): Expected => [
    'seccompProfile_restricted',
    'seccompProfile',
    `pod or ${who} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`,
  ];
  const mustNot = (
    check: 'seccompProfile_restricted' | 'seccompProfile_baseline',
    who: string,
    values: string,
  ): Expected => [
    check,
    'seccompProfile',
    `${who} must not set securityContext.seccompProfile.type to ${values}`,
  ];
  table('restricted', [
    {
      name: 'set nowhere',
      edit: (p) => delete p.spec.securityContext.seccompProfile,
      want: [mustSet('containers "init", "app", "debug"')],
    },
    {
      name: 'set in every container instead of the pod',
      edit: (p) => {
        delete p.spec.securityContext.seccompProfile;
        init(p).securityContext.seccompProfile = { type: 'RuntimeDefault' };
        app(p).securityContext.seccompProfile = { type: 'Localhost', localhostProfile: 'p.json' };
        debug(p).securityContext.seccompProfile = { type: 'RuntimeDefault' };
      },
      want: [],
    },
    {
      name: 'missing in the ephemeral container only',
      edit: (p) => {
        delete p.spec.securityContext.seccompProfile;
        init(p).securityContext.seccompProfile = { type: 'RuntimeDefault' };
        app(p).securityContext.seccompProfile = { type: 'RuntimeDefault' };
      },
      want: [mustSet('container "debug"')],
    },
    {
      name: 'Unconfined on the pod (Baseline refuses it too)',
      edit: (p) => (p.spec.securityContext.seccompProfile = { type: 'Unconfined' }),
      want: [mustNot('seccompProfile_restricted', 'pod', '"Unconfined"')],
      baseline: [mustNot('seccompProfile_baseline', 'pod', '"Unconfined"')],
    },
    {
      name: 'Unconfined in a container under a RuntimeDefault pod',
      edit: (p) => (app(p).securityContext.seccompProfile = { type: 'Unconfined' }),
      want: [mustNot('seccompProfile_restricted', 'container "app"', '"Unconfined"')],
      baseline: [mustNot('seccompProfile_baseline', 'container "app"', '"Unconfined"')],
    },
    {
      name: 'bad values on the pod and a container, sorted; a type-less profile is ""',
      edit: (p) => {
        p.spec.securityContext.seccompProfile = { type: 'Unconfined' };
        init(p).securityContext.seccompProfile = { type: 'Localhost' };
        debug(p).securityContext.seccompProfile = {};
      },
      want: [mustNot('seccompProfile_restricted', 'pod and container "debug"', '"", "Unconfined"')],
      baseline: [
        mustNot('seccompProfile_baseline', 'pod and container "debug"', '"", "Unconfined"'),
      ],
    },
    {
      name: 'a Windows pod passes without it (v1.25)',
      edit: (p) => {
        p.spec.os = { name: 'windows' };
        delete p.spec.securityContext.seccompProfile;
      },
      want: [],
    },
  ]);
});

// check_capabilities_restricted.go (and check_capabilities_baseline.go, which
// it replaces at Restricted)
describe('capabilities_restricted', () => {
  const reason = 'unrestricted capabilities';
  const dropAll = (who: string) => `${who} must set securityContext.capabilities.drop=["ALL"]`;
  const add = (who: string, caps: string) =>
    `${who} must not include ${caps} in securityContext.capabilities.add`;
  table('restricted', [
    {
      name: 'no capabilities',
      edit: (p) => delete app(p).securityContext.capabilities,
      want: [['capabilities_restricted', reason, dropAll('container "app"')]],
    },
    {
      name: 'dropping something other than ALL',
      edit: (p) => (app(p).securityContext.capabilities = { drop: ['NET_RAW', 'all'] }),
      want: [['capabilities_restricted', reason, dropAll('container "app"')]],
    },
    {
      name: 'adding NET_BIND_SERVICE after dropping ALL',
      edit: (p) =>
        (app(p).securityContext.capabilities = { drop: ['ALL'], add: ['NET_BIND_SERVICE'] }),
      want: [],
    },
    {
      name: 'adding a default capability: Restricted refuses it, Baseline does not',
      edit: (p) => (app(p).securityContext.capabilities = { drop: ['ALL'], add: ['CHOWN'] }),
      want: [['capabilities_restricted', reason, add('container "app"', '"CHOWN"')]],
      baseline: [],
    },
    {
      name: 'adding SYS_ADMIN: Baseline refuses it as a non-default capability',
      edit: (p) =>
        (app(p).securityContext.capabilities = { drop: ['ALL'], add: ['SYS_ADMIN', 'CHOWN'] }),
      want: [['capabilities_restricted', reason, add('container "app"', '"CHOWN", "SYS_ADMIN"')]],
      baseline: [
        [
          'capabilities_baseline',
          'non-default capabilities',
          add('container "app"', '"SYS_ADMIN"'),
        ],
      ],
    },
    {
      name: 'both rules, across init and ephemeral containers',
      edit: (p) => {
        init(p).securityContext.capabilities = { add: ['NET_RAW'] };
        debug(p).securityContext.capabilities = { drop: ['ALL'], add: ['FOO', 'NET_RAW'] };
      },
      want: [
        [
          'capabilities_restricted',
          reason,
          `${dropAll('container "init"')}; ${add('containers "init", "debug"', '"FOO", "NET_RAW"')}`,
        ],
      ],
      baseline: [
        [
          'capabilities_baseline',
          'non-default capabilities',
          add('containers "init", "debug"', '"FOO", "NET_RAW"'),
        ],
      ],
    },
    {
      name: 'a Windows pod passes without them (v1.25)',
      edit: (p) => {
        p.spec.os = { name: 'windows' };
        all(p).forEach((c) => delete c.securityContext.capabilities);
      },
      want: [],
    },
  ]);
});

// check_restrictedVolumes.go (and check_hostPathVolumes.go, which it replaces
// at Restricted)
describe('restrictedVolumes', () => {
  table('restricted', [
    {
      name: 'a hostPath volume (Baseline: hostPathVolumes)',
      edit: (p) => p.spec.volumes.push({ name: 'host', hostPath: { path: '/var/run' } }),
      want: [
        [
          'restrictedVolumes',
          'restricted volume types',
          'volume "host" uses restricted volume type "hostPath"',
        ],
      ],
      baseline: [['hostPathVolumes', 'hostPath volumes', 'volume "host"']],
    },
    {
      name: 'other in-tree sources, an image volume (not allowed until v1.33) and no source',
      edit: (p) =>
        p.spec.volumes.push(
          { name: 'share', nfs: { server: 'nfs.example', path: '/' } },
          { name: 'repo', gitRepo: { repository: 'https://example.com/r.git' } },
          { name: 'tools', image: { reference: 'registry.example/tools:1' } },
          { name: 'bare' },
          { name: 'nulled', hostPath: null },
          { name: 'disk', cephfs: { monitors: [] } },
        ),
      want: [
        [
          'restrictedVolumes',
          'restricted volume types',
          'volumes "share", "repo", "tools", "bare", "nulled", "disk" use restricted volume types "cephfs", "gitRepo", "nfs", "unknown"',
        ],
      ],
    },
  ]);
});

// check_hostPathVolumes.go
describe('hostPathVolumes', () => {
  table('baseline', [
    {
      name: 'two hostPath volumes',
      edit: (p) =>
        p.spec.volumes.push(
          { name: 'a', hostPath: { path: '/a' } },
          { name: 'b', hostPath: { path: '/b', type: 'Directory' } },
        ),
      want: [
        [
          'restrictedVolumes',
          'restricted volume types',
          'volumes "a", "b" use restricted volume type "hostPath"',
        ],
      ],
      baseline: [['hostPathVolumes', 'hostPath volumes', 'volumes "a", "b"']],
    },
  ]);
});

// check_capabilities_baseline.go
describe('capabilities_baseline', () => {
  it('checks only what is added, on a pod with no Restricted hardening', () => {
    const pod = (add: string[]): PodLike => ({
      spec: { containers: [{ name: 'app', securityContext: { capabilities: { add } } }] },
    });
    assert.deepEqual(baselineViolations(pod(['CHOWN', 'NET_BIND_SERVICE', 'SYS_CHROOT'])), []);
    assert.deepEqual(baselineViolations(pod(['NET_RAW', 'CHOWN', 'BPF'])), [
      violation([
        'capabilities_baseline',
        'non-default capabilities',
        'container "app" must not include "BPF", "NET_RAW" in securityContext.capabilities.add',
      ]),
    ]);
  });
});

// check_seccompProfile_baseline.go
describe('seccompProfile_baseline', () => {
  it('allows an unset profile and refuses Unconfined', () => {
    const pod = (type?: string): PodLike => ({
      spec: {
        containers: [{ name: 'app', securityContext: type ? { seccompProfile: { type } } : {} }],
      },
    });
    assert.deepEqual(baselineViolations(pod()), []);
    assert.deepEqual(baselineViolations(pod('RuntimeDefault')), []);
    assert.deepEqual(baselineViolations(pod('Unconfined')), [
      violation([
        'seccompProfile_baseline',
        'seccompProfile',
        'container "app" must not set securityContext.seccompProfile.type to "Unconfined"',
      ]),
    ]);
  });
});

// check_hostNamespaces.go
describe('hostNamespaces', () => {
  table('baseline', [
    {
      name: 'hostNetwork',
      edit: (p) => (p.spec.hostNetwork = true),
      want: [['hostNamespaces', 'host namespaces', 'hostNetwork=true']],
    },
    {
      name: 'all three, in the fixed order network, PID, IPC',
      edit: (p) => Object.assign(p.spec, { hostIPC: true, hostPID: true, hostNetwork: true }),
      want: [['hostNamespaces', 'host namespaces', 'hostNetwork=true, hostPID=true, hostIPC=true']],
    },
    {
      name: 'false is allowed',
      edit: (p) => Object.assign(p.spec, { hostIPC: false, hostPID: false, hostNetwork: false }),
      want: [],
    },
  ]);
});

// check_privileged.go
describe('privileged', () => {
  table('baseline', [
    {
      name: 'a privileged container',
      edit: (p) => (app(p).securityContext.privileged = true),
      want: [
        [
          'privileged',
          'privileged',
          'container "app" must not set securityContext.privileged=true',
        ],
      ],
    },
    {
      name: 'privileged init and ephemeral containers',
      edit: (p) => {
        init(p).securityContext.privileged = true;
        debug(p).securityContext.privileged = true;
      },
      want: [
        [
          'privileged',
          'privileged',
          'containers "init", "debug" must not set securityContext.privileged=true',
        ],
      ],
    },
    {
      name: 'false is allowed',
      edit: (p) => all(p).forEach((c) => (c.securityContext.privileged = false)),
      want: [],
    },
  ]);
});

// check_hostPorts.go
describe('hostPorts', () => {
  table('baseline', [
    {
      name: 'one host port',
      edit: (p) =>
        (app(p).ports = [{ containerPort: 8080 }, { containerPort: 8080, hostPort: 8080 }]),
      want: [['hostPorts', 'hostPort', 'container "app" uses hostPort 8080']],
    },
    {
      name: 'hostPort 0 is allowed',
      edit: (p) => (app(p).ports = [{ containerPort: 8080, hostPort: 0 }]),
      want: [],
    },
    {
      name: 'several containers; ports distinct and sorted as strings',
      edit: (p) => {
        init(p).ports = [{ containerPort: 80, hostPort: 80 }];
        app(p).ports = [
          { containerPort: 443, hostPort: 443 },
          { containerPort: 80, hostPort: 80 },
        ];
        debug(p).ports = [{ containerPort: 9000, hostPort: 9000 }];
      },
      want: [
        ['hostPorts', 'hostPort', 'containers "init", "app", "debug" use hostPorts 443, 80, 9000'],
      ],
    },
  ]);
});

// check_appArmorProfile.go
describe('appArmorProfile', () => {
  const KEY = 'container.apparmor.security.beta.kubernetes.io/';
  table('baseline', [
    {
      name: 'Unconfined on the pod',
      edit: (p) => (p.spec.securityContext.appArmorProfile = { type: 'Unconfined' }),
      want: [
        [
          'appArmorProfile',
          'forbidden AppArmor profile',
          'pod must not set AppArmor profile type to "Unconfined"',
        ],
      ],
    },
    {
      name: 'RuntimeDefault and Localhost are allowed',
      edit: (p) => {
        p.spec.securityContext.appArmorProfile = { type: 'RuntimeDefault' };
        app(p).securityContext.appArmorProfile = { type: 'Localhost', localhostProfile: 'k8s-x' };
      },
      want: [],
    },
    {
      name: 'Unconfined in an init container under a RuntimeDefault pod',
      edit: (p) => {
        p.spec.securityContext.appArmorProfile = { type: 'RuntimeDefault' };
        init(p).securityContext.appArmorProfile = { type: 'Unconfined' };
      },
      want: [
        [
          'appArmorProfile',
          'forbidden AppArmor profile',
          'container "init" must not set AppArmor profile type to "Unconfined"',
        ],
      ],
    },
    {
      name: 'the deprecated annotation set to unconfined',
      edit: (p) => (p.metadata.annotations[`${KEY}app`] = 'unconfined'),
      want: [
        [
          'appArmorProfile',
          'forbidden AppArmor profile',
          `annotation must not set AppArmor profile type to "${KEY}app="unconfined""`,
        ],
      ],
    },
    {
      name: 'annotations that are empty, runtime/default or localhost/ are allowed',
      edit: (p) =>
        Object.assign(p.metadata.annotations, {
          [`${KEY}init`]: '',
          [`${KEY}app`]: 'runtime/default',
          [`${KEY}debug`]: 'localhost/k8s-x',
          'example.com/apparmor': 'unconfined',
        }),
      want: [],
    },
    {
      name: 'pod, container and annotations together',
      edit: (p) => {
        p.spec.securityContext.appArmorProfile = { type: 'Unconfined' };
        debug(p).securityContext.appArmorProfile = { type: 'Bogus' };
        p.metadata.annotations[`${KEY}init`] = 'unconfined';
        p.metadata.annotations[`${KEY}app`] = 'a"b';
      },
      want: [
        [
          'appArmorProfile',
          'forbidden AppArmor profiles',
          'pod and container "debug" and annotations must not set AppArmor profile type to ' +
            `"Bogus", "Unconfined", "${KEY}app="a\\"b"", "${KEY}init="unconfined""`,
        ],
      ],
    },
  ]);
});

// check_seLinuxOptions.go
describe('seLinuxOptions', () => {
  const detail = (who: string, what: string) =>
    `${who} set forbidden securityContext.seLinuxOptions: ${what}`;
  table('baseline', [
    {
      name: 'a forbidden type on the pod',
      edit: (p) => (p.spec.securityContext.seLinuxOptions = { type: 'spc_t' }),
      want: [['seLinuxOptions', 'seLinuxOptions', detail('pod', 'type "spc_t"')]],
    },
    {
      name: 'the allowed types (container_engine_t from v1.31) and a level',
      edit: (p) => {
        p.spec.securityContext.seLinuxOptions = { level: 's0:c123,c456' };
        init(p).securityContext.seLinuxOptions = { type: 'container_init_t' };
        app(p).securityContext.seLinuxOptions = { type: 'container_engine_t' };
        debug(p).securityContext.seLinuxOptions = { type: 'container_kvm_t' };
      },
      want: [],
    },
    {
      name: 'a user in a container',
      edit: (p) => (app(p).securityContext.seLinuxOptions = { user: 'system_u' }),
      want: [
        ['seLinuxOptions', 'seLinuxOptions', detail('container "app"', 'user may not be set')],
      ],
    },
    {
      name: 'types, user and role across the pod and containers',
      edit: (p) => {
        p.spec.securityContext.seLinuxOptions = { type: 'foo', user: 'bar', role: 'baz' };
        init(p).securityContext.seLinuxOptions = { type: 'bar' };
        app(p).securityContext.seLinuxOptions = { type: 'container_t' };
        debug(p).securityContext.seLinuxOptions = { role: 'object_r' };
      },
      want: [
        [
          'seLinuxOptions',
          'seLinuxOptions',
          detail(
            'pod and containers "init", "debug"',
            'types "bar", "foo"; user may not be set; role may not be set',
          ),
        ],
      ],
    },
  ]);
});

// check_procMount.go
describe('procMount', () => {
  table('baseline', [
    {
      name: 'Unmasked in a container',
      edit: (p) => (app(p).securityContext.procMount = 'Unmasked'),
      want: [
        [
          'procMount',
          'procMount',
          'container "app" must not set securityContext.procMount to "Unmasked"',
        ],
      ],
    },
    {
      name: 'Default is allowed',
      edit: (p) => all(p).forEach((c) => (c.securityContext.procMount = 'Default')),
      want: [],
    },
    {
      name: 'init and ephemeral containers, values sorted',
      edit: (p) => {
        init(p).securityContext.procMount = 'Unmasked';
        debug(p).securityContext.procMount = 'other';
      },
      want: [
        [
          'procMount',
          'procMount',
          'containers "init", "debug" must not set securityContext.procMount to "Unmasked", "other"',
        ],
      ],
    },
    {
      name: 'hostUsers: false does not relax it by default',
      edit: (p) => {
        p.spec.hostUsers = false;
        app(p).securityContext.procMount = 'Unmasked';
      },
      want: [
        [
          'procMount',
          'procMount',
          'container "app" must not set securityContext.procMount to "Unmasked"',
        ],
      ],
    },
    {
      name: 'hostUsers: false relaxes it when opted in',
      edit: (p) => {
        p.spec.hostUsers = false;
        app(p).securityContext.procMount = 'Unmasked';
      },
      options: { relaxForUserNamespacePods: true },
      want: [],
    },
  ]);
});

// check_sysctls.go
describe('sysctls', () => {
  const safe = [
    'kernel.shm_rmid_forced',
    'net.ipv4.ip_local_port_range',
    'net.ipv4.tcp_syncookies',
    'net.ipv4.ping_group_range',
    'net.ipv4.ip_unprivileged_port_start',
    'net.ipv4.ip_local_reserved_ports',
    'net.ipv4.tcp_keepalive_time',
    'net.ipv4.tcp_fin_timeout',
    'net.ipv4.tcp_keepalive_intvl',
    'net.ipv4.tcp_keepalive_probes',
    'net.ipv4.tcp_rmem',
    'net.ipv4.tcp_wmem',
  ];
  table('baseline', [
    {
      name: 'the twelve safe sysctls of v1.32',
      edit: (p) => (p.spec.securityContext.sysctls = safe.map((name) => ({ name, value: '1' }))),
      want: [],
    },
    {
      name: 'unsafe ones, listed in the order given',
      edit: (p) =>
        (p.spec.securityContext.sysctls = [
          { name: 'net.core.somaxconn', value: '1024' },
          { name: 'kernel.shm_rmid_forced', value: '1' },
          { name: 'kernel.msgmax', value: '65536' },
        ]),
      want: [['sysctls', 'forbidden sysctls', 'net.core.somaxconn, kernel.msgmax']],
    },
    {
      name: 'a sysctl made safe only in v1.37',
      edit: (p) =>
        (p.spec.securityContext.sysctls = [
          { name: 'net.ipv4.tcp_slow_start_after_idle', value: '0' },
        ]),
      want: [['sysctls', 'forbidden sysctls', 'net.ipv4.tcp_slow_start_after_idle']],
    },
  ]);
});

// check_windowsHostProcess.go
describe('windowsHostProcess', () => {
  const detail = (who: string) =>
    `${who} must not set securityContext.windowsOptions.hostProcess=true`;
  table('baseline', [
    {
      name: 'on the pod',
      edit: (p) => (p.spec.securityContext.windowsOptions = { hostProcess: true }),
      want: [['windowsHostProcess', 'hostProcess', detail('pod')]],
    },
    {
      name: 'in a container and an ephemeral container',
      edit: (p) => {
        app(p).securityContext.windowsOptions = { hostProcess: true };
        debug(p).securityContext.windowsOptions = { hostProcess: true };
      },
      want: [['windowsHostProcess', 'hostProcess', detail('containers "app", "debug"')]],
    },
    {
      name: 'on the pod and an init container',
      edit: (p) => {
        p.spec.securityContext.windowsOptions = { hostProcess: true };
        init(p).securityContext.windowsOptions = { hostProcess: true };
      },
      want: [['windowsHostProcess', 'hostProcess', detail('pod and container "init"')]],
    },
    {
      name: 'false is allowed',
      edit: (p) => {
        p.spec.securityContext.windowsOptions = { hostProcess: false };
        app(p).securityContext.windowsOptions = {};
      },
      want: [],
    },
  ]);
});
