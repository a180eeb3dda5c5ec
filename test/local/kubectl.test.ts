// The real kubectl against a running local control plane: what a platform
// engineer would type. Skipped, with the reason, where kubectl is missing
// (.ci/run installs it, so CI always runs this suite).
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import type { LocalControlPlane } from '@mcp-operator/local-control-plane/control-plane';
import { startPlane } from '@mcp-operator/local-control-plane/testing';
import { runMain } from '../cmd/run-main.ts';

const KUBECTL = ['/usr/bin/kubectl', '/usr/local/bin/kubectl'].find((p) => existsSync(p));
const root = new URL('../../', import.meta.url).pathname;

describe(
  'kubectl against the local control plane',
  {
    skip: KUBECTL
      ? false
      : "kubectl is not installed (.ci/run installs Debian's kubernetes-client)",
  },
  () => {
    let plane: LocalControlPlane;
    let dir: string;
    let env: NodeJS.ProcessEnv;

    const kubectl = (args: string[], input?: string) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        const child = execFile(
          KUBECTL!,
          [...args, `--cache-dir=${join(dir, 'cache')}`],
          { env, timeout: 30_000 },
          (err, stdout, stderr) => {
            resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
          },
        );
        if (input !== undefined) child.stdin!.end(input);
      });
    const ok = async (args: string[], input?: string) => {
      const result = await kubectl(args, input);
      assert.equal(result.code, 0, `kubectl ${args.join(' ')} failed: ${result.stderr}`);
      return result.stdout;
    };

    before(async () => {
      ({ plane } = await startPlane({ simulation: { deploymentReadyDelayMs: 0 } }));
      dir = mkdtempSync(join(tmpdir(), 'mcp-kubectl-'));
      writeFileSync(join(dir, 'kubeconfig'), plane.kubeconfig());
      env = { PATH: process.env.PATH, HOME: dir, KUBECONFIG: join(dir, 'kubeconfig') };
    });
    after(async () => {
      await plane.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('applies the CRD client-side, then server-side', async () => {
      assert.match(
        await ok(['apply', '-f', `${root}config/crd/mcpruntime.org_mcpservers.yaml`]),
        /customresourcedefinition.apiextensions.k8s.io\/mcpservers.mcpruntime.org (created|configured)/,
      );
      assert.match(
        await ok([
          'apply',
          '--server-side',
          '-f',
          `${root}config/crd/mcpruntime.org_mcpservers.yaml`,
        ]),
        /serverside-applied/,
      );
      await ok([
        'wait',
        '--for=condition=Established',
        'crd/mcpservers.mcpruntime.org',
        '--timeout=10s',
      ]);
    });

    it('applies the samples client-side, re-applies them, and applies them server-side', async () => {
      const first = await ok(['apply', '-f', `${root}config/samples/`]);
      assert.match(first, /mcpserver.mcpruntime.org\/hello-mcp created/);
      assert.match(first, /mcpserver.mcpruntime.org\/weather created/);
      assert.match(
        await ok(['apply', '-f', `${root}config/samples/`]),
        /mcpserver.mcpruntime.org\/hello-mcp unchanged/,
      );
      assert.match(
        await ok(['apply', '--server-side', '--force-conflicts', '-f', `${root}config/samples/`]),
        /mcpserver.mcpruntime.org\/ticketing serverside-applied/,
      );
    });

    it('gets MCPServers with the printer columns, by short name and category too', async () => {
      const table = await ok(['get', 'mcpservers']);
      assert.match(table.split('\n')[0]!, /^NAME\s+PHASE\s+READY\s+URL\s+AGE\s*$/);
      assert.match(table, /^hello-mcp\s/m);
      const wide = await ok(['get', 'mcps', '-o', 'wide']);
      assert.match(wide.split('\n')[0]!, /TEAM\s+GATEWAY\s+IMAGE/);
      assert.match(await ok(['get', 'mcp']), /ticketing/);
    });

    it('gets one as YAML', async () => {
      const yaml = parse(await ok(['get', 'mcpserver', 'weather', '-o', 'yaml'])) as {
        spec: { replicas: number; ingressHost: string };
        metadata: { uid: string };
      };
      assert.equal(yaml.spec.replicas, 2);
      assert.equal(yaml.spec.ingressHost, 'weather.mcp.example.com');
      assert.match(yaml.metadata.uid, /-/);
    });

    it('patches the status subresource and waits for it', async () => {
      const status = JSON.stringify({
        status: {
          phase: 'Ready',
          url: 'http://mcp.example.com/hello-mcp/mcp',
          conditions: [
            {
              type: 'Ready',
              status: 'True',
              reason: 'AllReady',
              message: 'ok',
              lastTransitionTime: '2026-01-01T00:00:00Z',
            },
          ],
        },
      });
      assert.match(
        await ok([
          'patch',
          'mcpserver',
          'hello-mcp',
          '--subresource=status',
          '--type=merge',
          '-p',
          status,
        ]),
        /patched/,
      );
      await ok([
        'wait',
        '--for=jsonpath={.status.phase}=Ready',
        'mcpserver/hello-mcp',
        '--timeout=10s',
      ]);
      await ok(['wait', '--for=condition=Ready', 'mcpserver/hello-mcp', '--timeout=10s']);
      assert.match(
        await ok(['get', 'mcpserver', 'hello-mcp']),
        /hello-mcp\s+Ready\s+True\s+http:\/\/mcp\.example\.com\/hello-mcp\/mcp/,
      );
    });

    it('watches ADDED, MODIFIED and DELETED events', { timeout: 60_000 }, async () => {
      const watcher = spawn(
        KUBECTL!,
        ['get', 'mcpservers', '-w', '--output-watch-events', `--cache-dir=${join(dir, 'cache')}`],
        { env },
      );
      let out = '';
      let exited = false;
      const waiting = new Set<() => void>();
      const wake = () => waiting.forEach((check) => check());
      watcher.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        wake();
      });
      watcher.on('exit', () => {
        exited = true;
        wake();
      });
      const seen = (pattern: RegExp) =>
        new Promise<void>((resolve, reject) => {
          const check = () => {
            if (pattern.test(out)) {
              waiting.delete(check);
              resolve();
            } else if (exited) {
              waiting.delete(check);
              reject(new Error(`kubectl get -w exited before ${String(pattern)}: ${out}`));
            }
          };
          waiting.add(check);
          check();
        });
      try {
        await seen(/^EVENT\s+NAME\s+PHASE\s+READY\s+URL\s+AGE/m);
        await seen(/^ADDED\s+weather\s/m);
        const manifest =
          'apiVersion: mcpruntime.org/v1alpha1\nkind: MCPServer\nmetadata: {name: watched, namespace: default}\nspec: {image: "x:1"}\n';
        await ok(['apply', '-f', '-'], manifest);
        await seen(/^ADDED\s+watched\s/m);
        await ok(['label', 'mcpserver', 'watched', 'seen=yes']);
        await seen(/^MODIFIED\s+watched\s/m);
        await ok(['delete', 'mcpserver', 'watched', '--wait=true']);
        await seen(/^DELETED\s+watched\s/m);
      } finally {
        watcher.kill();
      }
    });

    it('deletes and waits until the object is gone', async () => {
      await ok([
        'patch',
        'mcpserver',
        'weather',
        '--type=merge',
        '-p',
        '{"metadata":{"finalizers":["example.com/hold"]}}',
      ]);
      const deleting = kubectl(['delete', 'mcpserver', 'weather', '--wait=true', '--timeout=20s']);
      await ok([
        'wait',
        '--for=jsonpath={.metadata.deletionTimestamp}',
        'mcpserver/weather',
        '--timeout=10s',
      ]);
      await ok([
        'patch',
        'mcpserver',
        'weather',
        '--type=json',
        '-p',
        '[{"op":"remove","path":"/metadata/finalizers"}]',
      ]);
      const result = await deleting;
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /mcpserver.mcpruntime.org "weather" deleted/);
      const gone = await kubectl(['get', 'mcpserver', 'weather']);
      assert.notEqual(gone.code, 0);
      assert.match(
        gone.stderr,
        /Error from server \(NotFound\): mcpservers.mcpruntime.org "weather" not found/,
      );
    });

    it("shows the API server's field errors for an invalid MCPServer", async () => {
      const manifest = `apiVersion: mcpruntime.org/v1alpha1
kind: MCPServer
metadata: {name: broken, namespace: default}
spec:
  image: "x:1"
  port: 70000
  gateway: {port: 8088}
`;
      const result = await kubectl(['apply', '-f', '-'], manifest);
      assert.notEqual(result.code, 0);
      assert.match(result.stderr, /The MCPServer "broken" is invalid/);
      assert.match(result.stderr, /spec\.port: Invalid value: 70000/);
    });

    it('rejects unknown fields (kubectl validates strictly by default)', async () => {
      const manifest =
        'apiVersion: mcpruntime.org/v1alpha1\nkind: MCPServer\nmetadata: {name: authy, namespace: default}\nspec: {image: "x:1", auth: {mode: oauth}}\n';
      const result = await kubectl(['apply', '-f', '-'], manifest);
      assert.notEqual(result.code, 0);
      assert.match(result.stderr, /unknown field "spec\.auth"/);
    });

    // kubectl's typed clients (create, scale, set, rollout, describe) send built-in objects as
    // Protocol Buffers (`Content-Type: application/vnd.kubernetes.protobuf`) and accept
    // `application/vnd.kubernetes.protobuf,application/json`; kube-apiserver decodes the body and
    // answers in protobuf (handlers/create.go, negotiation/negotiate.go). The outputs below are
    // those of a real cluster.
    describe('built-in resources, as a tutorial drives them', () => {
      const inDemo = (args: string[]) => [...args, '--namespace=demo'];

      // create.go on namespaces: the protobuf Namespace is created, kubectl prints its name.
      it('kubectl create namespace', async () => {
        assert.equal(await ok(['create', 'namespace', 'demo']), 'namespace/demo created\n');
        assert.match(await ok(['get', 'namespace', 'demo']), /^demo\s+Active\s/m);
      });

      // A Secret's data is base64 of the literal (kubectl encodes it; the API stores data as is).
      it('kubectl create secret generic --from-literal, then reads the key back', async () => {
        assert.equal(
          await ok(inDemo(['create', 'secret', 'generic', 's', '--from-literal=k=v'])),
          'secret/s created\n',
        );
        assert.equal(await ok(inDemo(['get', 'secret', 's', '-o', 'jsonpath={.data.k}'])), 'dg==');
        assert.match(await ok(inDemo(['get', 'secret', 's'])), /^s\s+Opaque\s+1\s/m);
      });

      it('kubectl create configmap', async () => {
        assert.equal(
          await ok(inDemo(['create', 'configmap', 'settings', '--from-literal=mode=fast'])),
          'configmap/settings created\n',
        );
        assert.equal(
          await ok(inDemo(['get', 'configmap', 'settings', '-o', 'jsonpath={.data.mode}'])),
          'fast',
        );
      });

      // The Deployment is stored with kube's apps/v1 defaults (a RollingUpdate strategy).
      it('kubectl create deployment', async () => {
        assert.equal(
          await ok(inDemo(['create', 'deployment', 'web', '--image=nginx:1.27', '--replicas=2'])),
          'deployment.apps/web created\n',
        );
        const deployment = parse(await ok(inDemo(['get', 'deployment', 'web', '-o', 'yaml']))) as {
          spec: {
            replicas: number;
            selector: { matchLabels: Record<string, string> };
            strategy: { type: string };
            template: { spec: { containers: { name: string; image: string }[] } };
          };
        };
        assert.equal(deployment.spec.replicas, 2);
        assert.deepEqual(deployment.spec.selector.matchLabels, { app: 'web' });
        assert.equal(deployment.spec.strategy.type, 'RollingUpdate');
        const [container] = deployment.spec.template.spec.containers;
        assert.equal(container?.name, 'nginx');
        assert.equal(container?.image, 'nginx:1.27');
      });

      // The Service gets a cluster IP from the service range.
      it('kubectl create service clusterip', async () => {
        assert.equal(
          await ok(inDemo(['create', 'service', 'clusterip', 'web', '--tcp=80:8080'])),
          'service/web created\n',
        );
        assert.match(
          await ok(inDemo(['get', 'service', 'web'])),
          /^web\s+ClusterIP\s+\d+\.\d+\.\d+\.\d+\s+<none>\s+80\/TCP\s/m,
        );
      });

      // kubectl scale patches the autoscaling/v1 Scale of deployments/scale (ScaleREST): the
      // Deployment's spec.replicas follows, and the Scale shows the selector as a string.
      it('kubectl scale', async () => {
        assert.equal(
          await ok(inDemo(['scale', 'deployment', 'web', '--replicas=3'])),
          'deployment.apps/web scaled\n',
        );
        assert.equal(
          await ok(inDemo(['get', 'deployment', 'web', '-o', 'jsonpath={.spec.replicas}'])),
          '3',
        );
        const scale = JSON.parse(
          await ok(['get', '--raw', '/apis/apps/v1/namespaces/demo/deployments/web/scale']),
        ) as { kind: string; spec: { replicas: number }; status: { selector: string } };
        assert.equal(scale.kind, 'Scale');
        assert.equal(scale.spec.replicas, 3);
        assert.equal(scale.status.selector, 'app=web');
      });

      // A strategic merge patch of the container by name (its merge key).
      it('kubectl set image', async () => {
        assert.equal(
          await ok(inDemo(['set', 'image', 'deployment/web', 'nginx=nginx:1.28'])),
          'deployment.apps/web image updated\n',
        );
        assert.equal(
          await ok(
            inDemo([
              'get',
              'deployment',
              'web',
              '-o',
              'jsonpath={.spec.template.spec.containers[0].image}',
            ]),
          ),
          'nginx:1.28',
        );
      });

      // describe reads the Service and its Events through the typed client, in protobuf.
      it('kubectl describe svc', async () => {
        const out = await ok(inDemo(['describe', 'svc', 'web']));
        assert.match(out, /^Name:\s+web$/m);
        assert.match(out, /^Namespace:\s+demo$/m);
        assert.match(out, /^Selector:\s+app=web$/m);
        assert.match(out, /^Type:\s+ClusterIP$/m);
        assert.match(out, /^IP:\s+\d+\.\d+\.\d+\.\d+$/m);
        assert.match(out, /^Port:\s+80-8080\s+80\/TCP$/m);
        assert.match(out, /^TargetPort:\s+8080\/TCP$/m);
        assert.match(out, /^Events:\s+<none>$/m);
      });

      // The Deployment's printer columns, wide: CONTAINERS, IMAGES and SELECTOR added; READY once
      // the (simulated) pods of the scaled, updated Deployment are up.
      it('kubectl get deploy -o wide', async () => {
        assert.match(
          await ok(inDemo(['rollout', 'status', 'deployment/web', '--timeout=20s'])),
          /deployment "web" successfully rolled out/,
        );
        const [header, row] = (await ok(inDemo(['get', 'deploy', '-o', 'wide']))).split('\n');
        assert.match(
          header!,
          /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR$/,
        );
        assert.match(row!, /^web\s+3\/3\s+3\s+3\s+\d+s\s+nginx\s+nginx:1\.28\s+app=web$/);
      });

      // rollout restart patches the pod template's kubectl.kubernetes.io/restartedAt annotation.
      it('kubectl rollout restart', async () => {
        assert.equal(
          await ok(inDemo(['rollout', 'restart', 'deployment/web'])),
          'deployment.apps/web restarted\n',
        );
        assert.match(
          await ok(
            inDemo([
              'get',
              'deployment',
              'web',
              '-o',
              'jsonpath={.spec.template.metadata.annotations.kubectl\\.kubernetes\\.io/restartedAt}',
            ]),
          ),
          /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/,
        );
      });

      // Deleting the namespace removes what is in it, then the namespace; kubectl waits for that.
      it('kubectl delete namespace', { timeout: 60_000 }, async () => {
        assert.equal(
          await ok(['delete', 'namespace', 'demo', '--timeout=30s']),
          'namespace "demo" deleted\n',
        );
        const gone = await kubectl(['get', 'namespace', 'demo']);
        assert.notEqual(gone.code, 0);
        assert.match(gone.stderr, /Error from server \(NotFound\): namespaces "demo" not found/);
        assert.equal(plane.store.list(plane.type('apps', 'deployments'), 'demo').items.length, 0);
      });
    });

    describe('what `mcp-operator render` prints', () => {
      const samples = readdirSync(`${root}config/samples`).filter((f) => f.endsWith('.yaml'));

      for (const sample of samples) {
        it(`applies with kubectl apply --dry-run=server: ${sample}`, async () => {
          const rendered = await runMain(['render', '-f', `${root}config/samples/${sample}`]);
          assert.equal(rendered.code, 0, rendered.stderr);
          const before = plane.store.resourceVersion;
          const out = await ok(['apply', '--dry-run=server', '-f', '-'], rendered.stdout);
          const kinds = rendered.stdout.match(/^kind: .*$/gm)!.map((l) => l.slice(6));
          // kubectl prints one "<kind>/<name> created (server dry run)" line per object.
          assert.equal(out.trim().split('\n').length, kinds.length, out);
          for (const line of out.trim().split('\n'))
            assert.match(line, / created \(server dry run\)$/);
          assert.equal(plane.store.resourceVersion, before, 'a dry run stores nothing');
        });
      }
    });

    // The install under RBAC: kube-apiserver's authorizer (plugin/pkg/auth/authorizer/rbac),
    // impersonation (endpoints/filters/impersonation.go) and SelfSubjectAccessReview
    // (pkg/registry/authorization/selfsubjectaccessreview), as `kubectl auth can-i` uses them:
    // it prints yes or no and exits 0 or 1.
    describe('the install manifests and the operator role', () => {
      const SA = '--as=system:serviceaccount:mcp-runtime:mcp-operator';
      const canI = async (args: string[]) => {
        const result = await kubectl(['auth', 'can-i', SA, ...args]);
        return { code: result.code, answer: result.stdout.trim() };
      };

      it('kubectl apply -k config/default --server-side', async () => {
        const out = await ok(['apply', '-k', `${root}config/default`, '--server-side']);
        for (const object of [
          'namespace/mcp-runtime',
          'customresourcedefinition.apiextensions.k8s.io/mcpservers.mcpruntime.org',
          'serviceaccount/mcp-operator',
          'clusterrole.rbac.authorization.k8s.io/mcp-operator',
          'clusterrole.rbac.authorization.k8s.io/mcp-operator-registry-secrets',
          'clusterrolebinding.rbac.authorization.k8s.io/mcp-operator',
          'clusterrolebinding.rbac.authorization.k8s.io/mcp-operator-registry-secrets',
          'role.rbac.authorization.k8s.io/mcp-operator-leader-election',
          'rolebinding.rbac.authorization.k8s.io/mcp-operator-leader-election',
          'deployment.apps/mcp-operator',
          'poddisruptionbudget.policy/mcp-operator',
        ]) {
          assert.match(
            out,
            new RegExp(`^${object.replace(/\./g, '\\.')} serverside-applied$`, 'm'),
          );
        }
        await ok(['wait', '--for=condition=Established', 'crd/mcpservers.mcpruntime.org']);
        assert.match(await ok(['get', 'mcpservers', '-A']), /^NAMESPACE\s+NAME\s+PHASE/);
        assert.match(
          await ok(['get', 'pdb', '-n', 'mcp-runtime']),
          /^mcp-operator\s+1\s+N\/A\s+0\s/m,
        );
        assert.match(await ok(['get', 'sa', '-n', 'mcp-runtime']), /^mcp-operator\s+0\s/m);
      });

      it('kubectl auth can-i --as the service account: what its roles grant, and no more', async () => {
        const cases: [string[], 'yes' | 'no'][] = [
          [['list', 'deployments.apps', '--all-namespaces'], 'yes'],
          [['delete', 'deployments.apps', '-n', 'default'], 'no'],
          // The optional registry-secrets role: get, create and update, never list.
          [['get', 'secrets', '-n', 'default'], 'yes'],
          [['list', 'secrets'], 'no'],
          // Leases only in the operator's namespace (a Role there).
          [['create', 'leases.coordination.k8s.io', '-n', 'mcp-runtime'], 'yes'],
          [['create', 'leases.coordination.k8s.io', '-n', 'default'], 'no'],
          [['update', 'mcpservers.mcpruntime.org', '--subresource=status', '-n', 'default'], 'yes'],
          [
            ['get', 'customresourcedefinitions.apiextensions.k8s.io/mcpservers.mcpruntime.org'],
            'yes',
          ],
          [['get', 'customresourcedefinitions.apiextensions.k8s.io/other.example.com'], 'no'],
        ];
        for (const [args, want] of cases) {
          const { code, answer } = await canI(args);
          assert.equal(answer, want, args.join(' '));
          assert.equal(code, want === 'yes' ? 0 : 1, args.join(' '));
        }
      });

      it("kubectl get --as the service account: 403 Forbidden in kube-apiserver's words", async () => {
        const result = await kubectl(['get', 'secrets', '-n', 'default', SA]);
        assert.equal(result.code, 1);
        assert.match(
          result.stderr,
          /Error from server \(Forbidden\): secrets is forbidden: User "system:serviceaccount:mcp-runtime:mcp-operator" cannot list resource "secrets" in API group "" in the namespace "default"/,
        );
      });

      it('kubectl auth can-i --as-group: the groups given replace the impersonated user ones', async () => {
        const as = async (args: string[]) => (await kubectl(['auth', 'can-i', ...args])).code;
        assert.equal(await as(['delete', 'nodes', '--as=jane']), 1);
        assert.equal(await as(['delete', 'nodes', '--as=jane', '--as-group=system:masters']), 0);
      });

      it('kubectl auth can-i --list shows the rules in a namespace', async () => {
        const out = await ok(['auth', 'can-i', '--list', SA, '-n', 'mcp-runtime']);
        assert.match(out, /^leases\.coordination\.k8s\.io\s+\[\]\s+\[\]\s+\[create\]$/m);
        assert.match(
          out,
          /^leases\.coordination\.k8s\.io\s+\[\]\s+\[mcp-runtime-operator\.mcpruntime\.org\]\s+\[get update\]$/m,
        );
        assert.match(out, /^deployments\.apps\s+\[\]\s+\[\]\s+\[get list watch create update\]$/m);
      });

      it('kubectl get clusterrole -o wide and kubectl describe clusterrole', async () => {
        // Roles have no printer of their own: the default Name and Created At, wide or not.
        const [header, row] = (
          await ok(['get', 'clusterrole', 'mcp-operator', '-o', 'wide'])
        ).split('\n');
        assert.match(header!, /^NAME\s+CREATED AT$/);
        assert.match(row!, /^mcp-operator\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
        const bindings = await ok(['get', 'clusterrolebinding', 'mcp-operator', '-o', 'wide']);
        assert.match(
          bindings,
          /^mcp-operator\s+ClusterRole\/mcp-operator\s+\S+\s+mcp-runtime\/mcp-operator$/m,
        );
        const out = await ok(['describe', 'clusterrole', 'mcp-operator']);
        assert.match(out, /^Name:\s+mcp-operator$/m);
        assert.match(out, /^PolicyRule:$/m);
        assert.match(out, /^\s+Resources\s+Non-Resource URLs\s+Resource Names\s+Verbs$/m);
        assert.match(
          out,
          /^\s+deployments\.apps\s+\[\]\s+\[\]\s+\[get list watch create update\]$/m,
        );
        assert.match(
          out,
          /^\s+customresourcedefinitions\.apiextensions\.k8s\.io\s+\[\]\s+\[mcpservers\.mcpruntime\.org\]\s+\[get\]$/m,
        );
        assert.match(out, /^\s+mcpservers\.mcpruntime\.org\/status\s+\[\]\s+\[\]\s+\[update\]$/m);
        const explained = await ok(['explain', 'clusterrole.rules']);
        assert.match(explained, /^FIELD: rules <\[\]PolicyRule>$/m);
        assert.match(explained, /^\s+verbs\s+<\[\]string> -required-$/m);
      });
    });
  },
);
