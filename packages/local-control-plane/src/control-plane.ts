// The local control plane: the store, the HTTP API server with its
// authentication and authorization (RBAC with kube's bootstrap policy, or
// AlwaysAllow), the cluster's controllers (CRD registration, namespace
// deletion, garbage collection and the simulated ones) and fault injection
// behind one typed API. A test and trial tool, not a production API server.
import { randomBytes } from 'node:crypto';
import { stringify } from 'yaml';
import { ClusterControllers, SIMULATED_CLASS_ANNOTATION } from './controllers/index.ts';
import type { ControllerOptions } from './controllers/index.ts';
import { Faults } from './faults.ts';
import type { FailureRule, LatencyRule } from './faults.ts';
import { LocalHttpServer } from './http/server.ts';
import { Authenticator } from './http/auth.ts';
import type { DenyRule } from './http/auth.ts';
import { authorizerFor, type AuthorizationMode, type Authorizer } from './rbac/authorizer.ts';
import { bootstrapClusterRoleBindings, bootstrapClusterRoles } from './rbac/bootstrap.ts';
import { SYSTEM_MASTERS, type UserInfo } from './rbac/user.ts';
import { selfSignedCertificate } from './self-signed.ts';
import { Store } from './store.ts';
import type { KubeObject, ResourceType } from './types.ts';

/** Who a static token stands for (a line of kube-apiserver's --token-auth-file). */
export interface TokenUser {
  name: string;
  uid?: string;
  groups?: readonly string[];
}

export interface LocalControlPlaneOptions {
  /** TCP port on 127.0.0.1; 0 picks a free one. */
  port?: number;
  /**
   * Bearer tokens accepted, token → user. A bare name is a cluster admin (a
   * member of system:masters); a TokenUser has exactly the groups it lists.
   * Every one also joins system:authenticated. Default: one random token for
   * user "admin" in system:masters.
   */
  tokens?: Record<string, string | TokenUser>;
  /** Serve requests without a token as system:anonymous (group system:unauthenticated). */
  anonymous?: boolean;
  /**
   * kube-apiserver's --authorization-mode: RBAC (the default) authorizes every
   * request against the stored roles and bindings, with the bootstrap policy
   * written at start and system:masters allowed everything; AlwaysAllow lets
   * every authenticated request through.
   */
  authorization?: AuthorizationMode;
  garbageCollection?: boolean;
  /** Simulated controllers; all on unless switched off. */
  simulation?: Partial<ControllerOptions> & { clusterIPs?: boolean };
  bookmarkIntervalSeconds?: number;
  historySize?: number;
}

export class LocalControlPlane {
  readonly store: Store;
  readonly faults = new Faults();
  readonly controllers: ClusterControllers;
  readonly #http: LocalHttpServer;
  readonly #options: LocalControlPlaneOptions;
  /** The static tokens: token → user. */
  readonly tokens: Map<string, UserInfo>;
  readonly adminToken = randomBytes(16).toString('hex');
  readonly authorization: AuthorizationMode;
  /** What decides every request (and SelfSubjectAccessReview answers). */
  readonly authorizer: Authorizer;
  readonly #authenticator: Authenticator;
  /** The serving certificate (PEM), which is also the CA clients trust. */
  readonly caCert: string;
  #port = 0;

  constructor(options: LocalControlPlaneOptions = {}) {
    this.#options = options;
    this.tokens = new Map(
      Object.entries(options.tokens ?? { [randomBytes(16).toString('hex')]: 'admin' }).map(
        ([token, user]) => [token, userOf(user)],
      ),
    );
    this.store = new Store({
      garbageCollection: options.garbageCollection ?? true,
      allocateClusterIPs: options.simulation?.clusterIPs ?? true,
      ...(options.historySize ? { historySize: options.historySize } : {}),
    });
    this.authorization = options.authorization ?? 'RBAC';
    this.authorizer = authorizerFor(this.authorization, this.store);
    if (this.authorization === 'RBAC') this.#bootstrapPolicy();
    this.#authenticator = new Authenticator(this.store, this.tokens, options.anonymous ?? false);
    this.controllers = new ClusterControllers(this.store, {
      deployments: options.simulation?.deployments ?? true,
      ingresses: options.simulation?.ingresses ?? true,
      deploymentReadyDelayMs: options.simulation?.deploymentReadyDelayMs ?? 200,
    });
    const tls = selfSignedCertificate();
    this.caCert = tls.certPem;
    this.#http = new LocalHttpServer(this.store, this.faults, {
      tls: { cert: tls.certPem, key: tls.keyPem },
      authenticator: this.#authenticator,
      authorizer: this.authorizer,
      adminToken: this.adminToken,
      bookmarkIntervalSeconds: options.bookmarkIntervalSeconds ?? 10,
      admin: (path, body) => this.#admin(path, body),
    });
  }

  /** Starts listening and the controllers; returns the base URL. */
  async start(): Promise<string> {
    this.#port = await this.#http.listen(this.#options.port ?? 0);
    this.controllers.start();
    return this.url;
  }

  async stop(): Promise<void> {
    this.controllers.stop();
    await this.#http.close();
  }

  get url(): string {
    return `https://127.0.0.1:${this.#port}`;
  }

  get port(): number {
    return this.#port;
  }

  /** The first configured token. */
  get token(): string {
    return [...this.tokens.keys()][0]!;
  }

  /**
   * A bearer token for a service account, as its token authenticator knows
   * it: user system:serviceaccount:NS:NAME, groups system:serviceaccounts,
   * system:serviceaccounts:NS and system:authenticated, and the account's uid.
   * The ServiceAccount must exist; the token stops working once it is gone.
   */
  serviceAccountToken(namespace: string, name: string): string {
    this.store.get(this.type('', 'serviceaccounts'), namespace, name);
    const token = randomBytes(16).toString('hex');
    this.#authenticator.addServiceAccountToken(token, { namespace, name });
    return token;
  }

  /** A kubeconfig acting as a service account (a fresh token), its namespace the default. */
  serviceAccountKubeconfig(namespace: string, name: string): string {
    return this.kubeconfig(this.serviceAccountToken(namespace, name), namespace);
  }

  /** A kubeconfig for kubectl and client libraries, as YAML. */
  kubeconfig(token = this.token, namespace = 'default'): string {
    return stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        {
          name: 'mcp-local',
          cluster: {
            server: this.url,
            'certificate-authority-data': Buffer.from(this.caCert).toString('base64'),
          },
        },
      ],
      users: [{ name: 'mcp-local', user: { token } }],
      contexts: [
        {
          name: 'mcp-local',
          context: { cluster: 'mcp-local', user: 'mcp-local', namespace },
        },
      ],
      'current-context': 'mcp-local',
    });
  }

  /** The served resource type for a group and plural. */
  type(group: string, plural: string): ResourceType {
    const type = this.store.typeFor(group, plural);
    if (!type) throw new Error(`no resource ${plural}${group ? `.${group}` : ''} is served`);
    return type;
  }

  /** Creates or replaces an object as the cluster admin would (used to install the CRD and samples). */
  applyObject(object: KubeObject, fieldManager = 'mcp-operator-local'): KubeObject {
    const [group, version] = object.apiVersion.includes('/')
      ? object.apiVersion.split('/')
      : ['', object.apiVersion];
    const type = this.store
      .types()
      .find((t) => t.group === group && t.version === version && t.kind === object.kind);
    if (!type)
      throw new Error(`no resource of kind ${object.kind} in ${object.apiVersion} is served`);
    return this.store.patch(
      type,
      object.metadata.namespace ?? (type.namespaced ? 'default' : undefined),
      object.metadata.name!,
      'apply',
      object,
      {
        fieldManager,
        force: true,
      },
    ).object;
  }

  /**
   * The rbac/bootstrap-roles post-start hook: the bootstrap cluster roles and
   * their bindings, each created unless it exists, by kube-apiserver.
   */
  #bootstrapPolicy(): void {
    for (const object of [...bootstrapClusterRoles(), ...bootstrapClusterRoleBindings()]) {
      const type = this.type('rbac.authorization.k8s.io', `${object.kind.toLowerCase()}s`);
      if (this.store.tryGet(type, undefined, object.metadata.name!)) continue;
      this.store.create(type, undefined, object, { fieldManager: 'kube-apiserver' });
    }
  }

  /** An IngressClass whose Ingresses get a simulated load-balancer address. */
  addSimulatedIngressClass(
    name: string,
    controller = 'local.mcpruntime.org/simulated',
  ): KubeObject {
    return this.applyObject({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'IngressClass',
      metadata: { name, annotations: { [SIMULATED_CLASS_ANNOTATION]: 'true' } },
      spec: { controller },
    });
  }

  // ---- fault injection ------------------------------------------------------

  failNext(rule: FailureRule): void {
    this.faults.failNext(rule);
  }
  addLatency(rule: LatencyRule): void {
    this.faults.addLatency(rule);
  }
  dropWatches(): void {
    this.#http.dropWatches();
  }
  stallWatches(): void {
    this.#http.stallWatches();
  }
  compactHistory(): void {
    this.store.compactHistory();
  }
  deny(rule: DenyRule): void {
    this.#http.denyRules.push(rule);
  }
  clearDenyRules(): void {
    this.#http.denyRules = [];
  }
  get openWatchCount(): number {
    return this.#http.openWatchCount;
  }

  /** Drops every connection and stops answering for `downtimeMs`, keeping the store, then listens again on the same port. */
  async restart(downtimeMs = 0): Promise<void> {
    await this.#http.close();
    if (downtimeMs > 0) await new Promise((r) => setTimeout(r, downtimeMs));
    await this.#http.listen(this.#port);
  }

  #admin(path: string, body: unknown): unknown {
    const b = (body ?? {}) as Record<string, unknown>;
    switch (path) {
      case 'fail':
        this.failNext(b as unknown as FailureRule);
        return { ok: true };
      case 'latency':
        this.addLatency(b as unknown as LatencyRule);
        return { ok: true };
      case 'clear':
        this.faults.clear();
        this.clearDenyRules();
        return { ok: true };
      case 'deny':
        this.deny(b);
        return { ok: true };
      case 'watches/drop':
        this.dropWatches();
        return { ok: true };
      case 'watches/stall':
        this.stallWatches();
        return { ok: true };
      case 'history/compact':
        this.compactHistory();
        return { ok: true };
      case 'restart':
        void this.restart(Number(b.downtimeMs ?? 0));
        return { ok: true };
      case 'requests':
        return { requests: this.faults.requests(), counts: this.faults.countRequests() };
      case 'requests/reset':
        this.faults.resetRequests();
        return { ok: true };
      case 'deployments/hold':
        this.controllers.holdDeployment(String(b.namespace), String(b.name));
        return { ok: true };
      case 'deployments/fail':
        this.controllers.failDeployment(
          String(b.namespace),
          String(b.name),
          typeof b.reason === 'string' ? b.reason : 'ImagePullBackOff',
          typeof b.message === 'string' ? b.message : undefined,
        );
        return { ok: true };
      case 'deployments/release':
        this.controllers.releaseDeployment(String(b.namespace), String(b.name));
        return { ok: true };
      default:
        throw new Error(`unknown admin endpoint ${path}`);
    }
  }
}

/** A static token's user: a bare name is a cluster admin (system:masters). */
function userOf(user: string | TokenUser): UserInfo {
  if (typeof user === 'string') return { name: user, groups: [SYSTEM_MASTERS] };
  return {
    name: user.name,
    ...(user.uid ? { uid: user.uid } : {}),
    groups: [...(user.groups ?? [])],
  };
}
