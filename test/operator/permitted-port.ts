// A port that lets through only the calls operator/permissions.ts lists,
// answering any other with 403 Forbidden in kube-apiserver's words, and that
// records which listed permissions were used. The integration suites run the
// operator behind it, so a call the install manifests' roles would refuse
// fails a test at once.
import { ForbiddenError } from '@mcp-operator/kube-core/errors';
import type { KubePort, ResourceRef } from '@mcp-operator/kube-core/port';
import { permits } from '../../src/operator/permissions.ts';
import type { Verb } from '../../src/operator/permissions.ts';
import { SERVICE_ACCOUNT_USER } from '../../src/install/rbac.ts';

export class PermittedPort implements KubePort {
  readonly #inner: KubePort;
  /** `verb group/plural[/subresource]` of every call let through. */
  readonly used = new Set<string>();
  /** The same for every call refused. */
  readonly refused = new Set<string>();

  constructor(inner: KubePort) {
    this.#inner = inner;
  }

  #check(
    verb: Verb,
    r: ResourceRef,
    namespace: string | undefined,
    subresource?: string,
    name?: string,
  ): ForbiddenError | undefined {
    const key = `${verb} ${r.group}/${r.plural}${subresource ? `/${subresource}` : ''}`;
    if (permits(verb, r, subresource, name)) {
      this.used.add(key);
      return undefined;
    }
    this.refused.add(key);
    // kube-apiserver's wording (RBAC's forbidden message via
    // apiserver/pkg/endpoints/handlers/responsewriters.forbiddenMessage).
    const resource = subresource ? `${r.plural}/${subresource}` : r.plural;
    const scope = namespace ? `in the namespace "${namespace}"` : 'at the cluster scope';
    const qualified = r.group ? `${r.plural}.${r.group}` : r.plural;
    return new ForbiddenError({
      code: 403,
      reason: 'Forbidden',
      message: `${qualified}${name ? ` "${name}"` : ''} is forbidden: User "${SERVICE_ACCOUNT_USER}" cannot ${verb} resource "${resource}" in API group "${r.group}" ${scope}`,
      details: { ...(name ? { name } : {}), group: r.group, kind: resource },
    });
  }

  get: KubePort['get'] = (r, ns, name) =>
    reject(this.#check('get', r, ns, undefined, name)) ?? this.#inner.get(r, ns, name);
  list: KubePort['list'] = (r, o) =>
    reject(this.#check('list', r, o?.namespace)) ?? this.#inner.list(r, o);
  watch: KubePort['watch'] = (r, o, on) =>
    reject(this.#check('watch', r, o?.namespace)) ?? this.#inner.watch(r, o, on);
  create: KubePort['create'] = (r, obj, o) =>
    reject(this.#check('create', r, obj.metadata.namespace)) ?? this.#inner.create(r, obj, o);
  update: KubePort['update'] = (r, obj, o) =>
    reject(this.#check('update', r, obj.metadata.namespace, o.subresource, obj.metadata.name)) ??
    this.#inner.update(r, obj, o);
  patch: KubePort['patch'] = (r, ns, name, type, body, o) =>
    reject(this.#check('patch', r, ns, o.subresource, name)) ??
    this.#inner.patch(r, ns, name, type, body, o);
  delete: KubePort['delete'] = (r, ns, name, o) =>
    reject(this.#check('delete', r, ns, undefined, name)) ?? this.#inner.delete(r, ns, name, o);
}

function reject(error: ForbiddenError | undefined): Promise<never> | undefined {
  return error ? Promise.reject(error) : undefined;
}
