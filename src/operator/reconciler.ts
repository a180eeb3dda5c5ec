// The MCPServer reconciler: the thin orchestration of reconcile.md's loop —
// fetch → default → validate (spec, routing prerequisites, route ownership) →
// Deployment → Service → Ingress → readiness → status → requeue. The
// decisions live in pure modules (desired, drift, readiness, status, routes);
// this one reads the cache, writes through the port, and records Events.
// Collaborators are injected (cert-manager's habit) so tests swap them.
import { FIELD_MANAGER, NOT_READY_REQUEUE_MS } from '../api/v1alpha1/defaults.ts';
import { withStaticDefaults } from '../api/v1alpha1/effective.ts';
import type { MCPServer, MCPServerSpecInput, MCPServerStatus } from '../api/v1alpha1/schema.ts';
import { formatViolations, validateMCPServer } from '../api/v1alpha1/validation.ts';
import { objectKey } from '../controller/cache.ts';
import type { Clock } from '../controller/clock.ts';
import type { Logger } from '../controller/logging.ts';
import type {
  ReconcileContext,
  ReconcileResult,
  Reconciler,
  Request,
} from '../controller/manager.ts';
import { AlreadyExistsError, ConflictError } from '@mcp-operator/kube-core/errors';
import { deepEqual, isObject } from '@mcp-operator/kube-core/json';
import { RESOURCES } from '@mcp-operator/kube-core/port';
import type { KubeObject, KubePort, ResourceRef } from '@mcp-operator/kube-core/port';
import { ensureChild, removeChild } from './children.ts';
import type { ChildResult, ObjectReader } from './children.ts';
import type { OperatorConfig } from './config.ts';
import { desiredState } from './desired.ts';
import type { DesiredState } from './desired.ts';
import type { EventRecorder } from './events.ts';
import { PullSecretKeeper } from './pull-secret.ts';
import {
  deploymentReadiness,
  gatewayReadiness,
  ingressReadiness,
  loadBalancerAddress,
  serviceReadiness,
} from './readiness.ts';
import type { Observed, Readiness } from './readiness.ts';
import { RouteIndex } from './route-index.ts';
import { StatusEchoes } from './status-echo.ts';
import { routeConflictMessage } from './routes.ts';
import { boundedMessage, computeStatus } from './status.ts';
import type { Outcome, Surfaces } from './status.ts';
import type { ServerMetrics } from './metrics.ts';
import { canonicalURL } from '../api/v1alpha1/effective.ts';
import { rfc3339 } from '@mcp-operator/kube-core/time';

export interface ReconcilerDeps {
  port: KubePort;
  cache: ObjectReader;
  config: OperatorConfig;
  events: EventRecorder;
  clock: Clock;
  metrics?: ServerMetrics;
}

type StoredServer = KubeObject & { spec?: unknown; status?: MCPServerStatus };

/**
 * After a status write lost to a newer version of the object: the newer
 * version's update event wakes the next pass (the echo filter lets it
 * through); should it have come before the 409, look again shortly, once the
 * cache surely has it, rather than at once with the same stale copy (each
 * immediate retry would be another 409).
 */
const CONFLICT_RETRY = { requeueAfterMs: 500 };

/** An object an Event relates to. */
interface Related {
  apiVersion: string;
  kind: string;
  name: string;
  namespace: string;
}

const CHILDREN = [
  ['deployment', RESOURCES.deployments],
  ['service', RESOURCES.services],
  ['ingress', RESOURCES.ingresses],
] as const satisfies readonly (readonly [string, ResourceRef])[];

/** A failed write on the way to the desired state: status Error/ReconcileError, then a rate-limited retry. */
class ChildWriteError extends Error {}

/** Static defaults missing from a stored spec (an object stored before the CRD declared them). */
export function missingStaticDefaults(spec: unknown): Record<string, unknown> {
  if (!isObject(spec)) return {};
  const filled = withStaticDefaults(spec as MCPServerSpecInput) as Record<string, unknown>;
  const missing: Record<string, unknown> = {};
  for (const key of ['replicas', 'port', 'servicePort', 'ingressClass'] as const) {
    if (spec[key] === undefined) missing[key] = filled[key];
  }
  const tools = spec.tools;
  if (Array.isArray(tools) && tools.some((t) => isObject(t) && t.requiredTrust === undefined)) {
    missing.tools = filled.tools; // a merge patch replaces lists whole
  }
  return missing;
}

export class MCPServerReconciler implements Reconciler {
  readonly #deps: ReconcilerDeps;
  readonly routes: RouteIndex;
  /** The status writes whose update events need no pass. */
  readonly statusEchoes = new StatusEchoes();
  readonly #pullSecrets: PullSecretKeeper;

  constructor(deps: ReconcilerDeps) {
    this.#deps = deps;
    this.routes = new RouteIndex(deps.config, deps.cache);
    this.#pullSecrets = new PullSecretKeeper(deps.port);
  }

  async reconcile(request: Request, context: ReconcileContext): Promise<ReconcileResult> {
    const { cache, metrics } = this.#deps;
    const key = objectKey({ metadata: { ...request } });
    const cached = cache.get<StoredServer>(RESOURCES.mcpServers, key);
    if (!cached || cached.metadata.deletionTimestamp) {
      // Gone: the owned objects go through their owner references.
      metrics?.forget(key);
      this.routes.forget(key);
      this.statusEchoes.forget(key);
      return {};
    }
    // As this operator's last status write left it, if the cache still lags behind that write.
    let server = this.statusEchoes.latest(key, cached);
    server = await this.#persistStaticDefaults(server, context.log);

    const generation = server.metadata.generation ?? 0;
    // The status is the operator's to overwrite (an older operator may have
    // left values this schema does not know): it never makes a spec invalid.
    const { status: _status, ...withoutStatus } = server;
    const validation = validateMCPServer(withoutStatus, {
      allowSnippetAnnotations: this.#deps.config.allowSnippetAnnotations,
      gatewayProxyImage: this.#deps.config.gatewayProxyImage,
    });
    if (!validation.valid) {
      const message = `invalid spec: ${formatViolations(validation.violations)}`;
      const failed = { kind: 'failed', reason: 'InvalidSpec', message } as const;
      if ((await this.#fail(server, failed, 'Validate')) === 'conflict') return CONFLICT_RETRY;
      return {}; // not retried: the next change to the object brings it back
    }
    const valid = validation.server;
    const built = desiredState(valid, this.#deps.config);
    if (!built.ok) {
      const message = `invalid spec: ${built.path}: ${built.message}`;
      const gateway: Readiness = { ready: false, reason: built.reason, message: built.message };
      const failed = {
        kind: 'failed',
        reason: 'InvalidSpec',
        message,
        surfaces: { gateway },
      } as const;
      if ((await this.#fail(server, failed, 'Validate')) === 'conflict') return CONFLICT_RETRY;
      return {};
    }
    const desired = built.desired;
    // Accepted, but part of the spec is overridden: said once per generation.
    if (server.status?.observedGeneration !== generation) {
      for (const note of desired.warnings) {
        void this.#deps.events.record(server, {
          type: 'Warning',
          reason: 'OperatorOwnedEnv',
          action: 'Validate',
          note,
        });
      }
    }

    const holder = this.routes.holder(server);
    if (holder) {
      return this.#routeConflict(
        server,
        valid,
        desired,
        routeConflictMessage(holder, this.routes.claimOf(server)!),
      );
    }

    let surfaces: Partial<Surfaces> = {};
    const observed: Partial<Record<(typeof CHILDREN)[number][0], Observed>> = {};
    try {
      if (desired.pullSecret) await this.#ensurePullSecret(server, desired.pullSecret);
      const created: Related[] = [];
      try {
        // The three children are independent objects: written side by side,
        // so a pass costs one round trip, not three.
        const results = await Promise.allSettled(
          CHILDREN.map(([surface, resource]) =>
            this.#ensure(server, resource, desired[surface], created),
          ),
        );
        CHILDREN.forEach(([surface], i) => {
          const result = results[i]!;
          if (result.status === 'fulfilled') observed[surface] = result.value;
        });
        const failed = results.find((r) => r.status === 'rejected');
        if (failed) throw failed.reason;
      } finally {
        // One Event for what this pass created (a new server's three children).
        if (created.length > 0) {
          const order: string[] = CHILDREN.map(([, resource]) => resource.kind);
          created.sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind));
          void this.#deps.events.record(server, {
            type: 'Normal',
            reason: 'Created',
            action: 'Create',
            note: `Created ${created.map((r) => `${r.kind} ${r.name}`).join(', ')}`,
            related: created[0],
          });
        }
      }
    } catch (err) {
      if (isRace(err)) throw err; // a stale cache: retry soon, no Error status
      const message = err instanceof ChildWriteError ? err.message : String(err);
      surfaces = this.#surfaces(valid.spec, desired, observed);
      await this.#fail(
        server,
        { kind: 'failed', reason: 'ReconcileError', message, surfaces, image: desired.image },
        'Reconcile',
      );
      throw err;
    }
    surfaces = this.#surfaces(valid.spec, desired, observed);
    const ingress = observed.ingress?.state === 'owned' ? observed.ingress.object : undefined;
    const url = canonicalURL({
      ...desired.route,
      loadBalancerAddress: loadBalancerAddress(ingress),
    });
    const outcome: Outcome = {
      kind: 'observed',
      surfaces: surfaces as Surfaces,
      url,
      image: desired.image,
      path: desired.route.path,
    };
    const status = await this.#writeStatus(server, outcome, context.log);
    if (status === 'conflict') return CONFLICT_RETRY;
    return status.phase === 'Ready' ? {} : { requeueAfterMs: NOT_READY_REQUEUE_MS };
  }

  /** Readiness of every surface this pass observed. */
  #surfaces(
    spec: MCPServer['spec'],
    desired: DesiredState,
    observed: Partial<Record<string, Observed>>,
  ): Partial<Surfaces> {
    const out: Partial<Surfaces> = {};
    if (observed.deployment) {
      out.deployment = deploymentReadiness(observed.deployment, spec.replicas);
      if (desired.gateway.enabled) out.gateway = gatewayReadiness({ deployment: out.deployment });
    }
    if (observed.service) out.service = serviceReadiness(observed.service, desired.service);
    if (observed.ingress) {
      const className = spec.ingressClass;
      out.ingress = ingressReadiness(observed.ingress, {
        mode: this.#deps.config.ingressReadinessMode,
        className,
        classExists: this.#deps.cache.get(RESOURCES.ingressClasses, className) !== undefined,
      });
    }
    return out;
  }

  async #ensure(
    server: StoredServer,
    resource: ResourceRef,
    desired: KubeObject,
    created: Related[],
  ): Promise<Observed> {
    let result: ChildResult;
    try {
      result = await ensureChild(
        this.#deps.port,
        this.#deps.cache,
        resource,
        desired,
        server.metadata.uid,
        reportedForeign(server.status, resource.kind),
      );
    } catch (err) {
      if (isRace(err)) throw err;
      throw new ChildWriteError(`failed to reconcile ${resource.kind}: ${(err as Error).message}`, {
        cause: err,
      });
    }
    const related: Related = {
      apiVersion: desired.apiVersion,
      kind: desired.kind,
      name: desired.metadata.name!,
      namespace: desired.metadata.namespace!,
    };
    if (result.wrote?.kind === 'created') {
      created.push(related);
    } else if (result.wrote) {
      const fields = result.wrote.fields;
      const shown =
        fields.slice(0, 5).join(', ') +
        (fields.length > 5 ? `, and ${fields.length - 5} more` : '');
      void this.#deps.events.record(server, {
        type: 'Normal',
        reason: 'Updated',
        action: 'Update',
        note: `Updated ${resource.kind} ${related.name}: ${shown}`,
        related,
      });
    } else if (
      result.observed.state === 'foreign' &&
      !reportedForeign(server.status, resource.kind)
    ) {
      void this.#deps.events.record(server, {
        type: 'Warning',
        reason: 'ForeignObject',
        action: 'Reconcile',
        note: `${/^[AEIOU]/.test(resource.kind) ? 'an' : 'a'} ${resource.kind} named ${related.name} exists and is not controlled by this MCPServer; it is left untouched`,
        related,
      });
    }
    if (
      resource === RESOURCES.ingresses &&
      result.wrote?.kind === 'updated' &&
      result.wrote.fields.some((f) => f.startsWith('spec.ingressClassName')) &&
      result.observed.state === 'owned' &&
      loadBalancerAddress(result.observed.object)
    ) {
      return { state: 'owned', object: await this.#forgetAddress(result.observed.object) };
    }
    return result.observed;
  }

  /**
   * The Ingress moved to another class: the address in its status is the
   * previous controller's, which no longer serves it. Cleared, so readiness
   * (and a hostless URL) wait for the new class's controller to publish its
   * own, as Ingress controllers write only the Ingresses of their class.
   */
  async #forgetAddress(ingress: KubeObject): Promise<KubeObject> {
    const { managedFields: _cached, ...metadata } = ingress.metadata;
    const status = { ...(isObject(ingress.status) ? ingress.status : {}), loadBalancer: {} };
    try {
      return await this.#deps.port.update(
        RESOURCES.ingresses,
        { ...ingress, metadata, status },
        { fieldManager: FIELD_MANAGER, subresource: 'status' },
      );
    } catch (err) {
      // Written meanwhile (the new controller, most likely): this pass still must not count it.
      if (err instanceof ConflictError) return { ...ingress, status };
      throw new ChildWriteError(
        `failed to reconcile Ingress: clearing the previous class's address: ${(err as Error).message}`,
        { cause: err },
      );
    }
  }

  async #ensurePullSecret(server: StoredServer, secret: KubeObject): Promise<void> {
    let result;
    try {
      result = await this.#pullSecrets.ensure(secret, this.#deps.clock.now());
    } catch (err) {
      throw new ChildWriteError(`failed to reconcile Secret: ${(err as Error).message}`, {
        cause: err,
      });
    }
    if (result === 'created' || result === 'updated') {
      void this.#deps.events.record(server, {
        type: 'Normal',
        reason: result === 'created' ? 'Created' : 'Updated',
        action: result === 'created' ? 'Create' : 'Update',
        note: `${result === 'created' ? 'Created' : 'Updated'} pull Secret ${secret.metadata.name}`,
      });
    }
  }

  /** Another server holds the route: no Ingress for this one, the rest left as it is. */
  async #routeConflict(
    server: StoredServer,
    valid: MCPServer,
    desired: DesiredState,
    message: string,
  ): Promise<ReconcileResult> {
    const { port, cache } = this.#deps;
    const namespace = desired.ingress.metadata.namespace!;
    try {
      await removeChild(
        port,
        cache,
        RESOURCES.ingresses,
        namespace,
        valid.metadata.name,
        server.metadata.uid,
      );
    } catch (err) {
      if (isRace(err)) throw err;
      const failure = `failed to reconcile Ingress: ${(err as Error).message}`;
      await this.#fail(
        server,
        { kind: 'failed', reason: 'ReconcileError', message: failure },
        'Reconcile',
      );
      throw err;
    }
    const ingress: Readiness = { ready: false, reason: 'RouteConflict', message };
    const failed = {
      kind: 'failed',
      reason: 'RouteConflict',
      message,
      surfaces: { ingress },
      image: desired.image,
    } as const;
    if ((await this.#fail(server, failed, 'Reconcile')) === 'conflict') return CONFLICT_RETRY;
    return {}; // the holder's deletion or route change re-queues this server
  }

  /**
   * Writes an Error status, with a Warning Event when the failure is new;
   * 'conflict' when the object changed meanwhile (the caller retries).
   */
  async #fail(
    server: StoredServer,
    outcome: Extract<Outcome, { kind: 'failed' }>,
    action: string,
  ): Promise<'conflict' | undefined> {
    const previous = server.status?.conditions?.find((c) => c.type === 'Ready');
    // Compared as the status holds it (cut to the CRD's bound), so no Event repeats for it.
    if (
      previous?.reason !== outcome.reason ||
      previous.message !== boundedMessage(outcome.message)
    ) {
      void this.#deps.events.record(server, {
        type: 'Warning',
        reason: outcome.reason,
        action,
        note: outcome.message,
      });
    }
    const written = await this.#writeStatus(server, outcome);
    return written === 'conflict' ? 'conflict' : undefined;
  }

  /** One status write, only when the status changed; 'conflict' when the object moved on meanwhile. */
  async #writeStatus(
    server: StoredServer,
    outcome: Outcome,
    log?: Logger,
  ): Promise<MCPServerStatus | 'conflict'> {
    const key = objectKey(server);
    const status = computeStatus(
      server.status,
      outcome,
      server.metadata.generation ?? 0,
      rfc3339(this.#deps.clock.now()),
    );
    this.#deps.metrics?.observe(key, status.phase!, status.phase === 'Ready');
    if (deepEqual(status, server.status)) return status;
    try {
      const { managedFields: _cached, ...metadata } = server.metadata;
      const written = await this.#deps.port.update<StoredServer>(
        RESOURCES.mcpServers,
        { ...server, metadata, status },
        { fieldManager: FIELD_MANAGER, subresource: 'status' },
      );
      this.statusEchoes.wrote(key, server, written);
    } catch (err) {
      if (err instanceof ConflictError) {
        log?.debug('status changed meanwhile; retrying with the newer object');
        // The newer version's update event must wake a pass, even if it carries our last status.
        this.statusEchoes.forget(key);
        return 'conflict';
      }
      throw err;
    }
    return status;
  }

  /** Persists static defaults an older CRD did not fill; derived values never. */
  async #persistStaticDefaults(server: StoredServer, log: Logger): Promise<StoredServer> {
    const missing = missingStaticDefaults(server.spec);
    if (Object.keys(missing).length === 0) return server;
    log.info(
      { fields: Object.keys(missing) },
      'persisting static defaults the stored object lacks',
    );
    return this.#deps.port.patch<StoredServer>(
      RESOURCES.mcpServers,
      server.metadata.namespace,
      server.metadata.name!,
      'merge',
      { metadata: { resourceVersion: server.metadata.resourceVersion }, spec: missing },
      { fieldManager: FIELD_MANAGER },
    );
  }
}

/**
 * A write that lost a race with another writer (a 409: the object changed, or
 * appeared, since the cache saw it). Retried soon with backoff; not a failure
 * worth an Error status.
 */
function isRace(err: unknown): boolean {
  return err instanceof ConflictError || err instanceof AlreadyExistsError;
}

function reportedForeign(status: MCPServerStatus | undefined, kind: string): boolean {
  return (status?.conditions ?? []).some(
    (c) => c.type === `${kind}Ready` && c.reason === 'ForeignObject',
  );
}
