// Cluster-wide route ownership (api.md "Routing"). Ingress controllers such as
// Traefik and ingress-nginx merge every Ingress into one routing table, so two
// MCPServers that claim the same path on the same host fight over requests
// whatever their namespaces. Like ingress-nginx's rule "the oldest Ingress
// wins a duplicate host/path", the oldest claim — by creationTimestamp, then
// namespace, then name — keeps the route; the others report RouteConflict and
// take over on their own once the holder goes. Pure.

export interface RouteClaim {
  namespace: string;
  name: string;
  creationTimestamp: string;
  host: string | undefined;
  path: string;
}

/**
 * The host a claim routes, lower-cased; undefined for a hostless route ('' and
 * blanks count as hostless). A wildcard host such as `*.example.com` is
 * compared as its own literal host: `*.example.com` and `a.example.com` do not
 * overlap here (the controller prefers the exact host, so both are served);
 * only a hostless route overlaps every host.
 */
function hostOf(claim: RouteClaim): string | undefined {
  return claim.host?.trim().toLowerCase() || undefined;
}

/** Whether two claims compete for requests: the same path (cleaned by the caller) on overlapping hosts. */
export function routesOverlap(a: RouteClaim, b: RouteClaim): boolean {
  if (a.path !== b.path) return false;
  const hostA = hostOf(a);
  const hostB = hostOf(b);
  return hostA === undefined || hostB === undefined || hostA === hostB;
}

const keyOf = (claim: RouteClaim) => `${claim.namespace}/${claim.name}`;

/** Creation time in ms; a missing or unparsable timestamp sorts as the newest. */
function createdAt(claim: RouteClaim): number {
  const time = Date.parse(claim.creationTimestamp);
  return Number.isNaN(time) ? Number.POSITIVE_INFINITY : time;
}

/** Age order: creationTimestamp, then namespace, then name (code-unit order, locale-free). */
function compareAge(a: RouteClaim, b: RouteClaim): number {
  const ta = createdAt(a);
  const tb = createdAt(b);
  if (ta !== tb) return ta < tb ? -1 : 1;
  if (a.namespace !== b.namespace) return a.namespace < b.namespace ? -1 : 1;
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  return 0;
}

/**
 * The claim that holds the route `claim` wants, when it is another server;
 * undefined when `claim` holds it. Greedy in age order: a claim holds its
 * route unless it overlaps an older claim that itself holds its route. When
 * several holders overlap `claim` (a hostless claim behind two hosted ones),
 * the oldest is named.
 *
 * Only claims on the same path can overlap, so the walk sorts just those:
 * O(n) to filter plus O(k log k) for the k claims on the path. `claims` may
 * include `claim` itself (its entry is replaced by `claim`).
 */
export function routeHolder(
  claim: RouteClaim,
  claims: readonly RouteClaim[],
): RouteClaim | undefined {
  const self = keyOf(claim);
  const seen = new Set<string>([self]);
  const contenders = [claim];
  for (const other of claims) {
    const key = keyOf(other);
    if (other.path !== claim.path || seen.has(key)) continue;
    seen.add(key);
    contenders.push(other);
  }
  contenders.sort(compareAge);

  // Holders on this path: either one hostless holder and nothing else (it
  // overlaps every later claim), or any number of hosted holders, one per host.
  let hostless: RouteClaim | undefined;
  let first: RouteClaim | undefined;
  const byHost = new Map<string, RouteClaim>();
  for (const contender of contenders) {
    const host = hostOf(contender);
    const blocker = host === undefined ? first : (hostless ?? byHost.get(host));
    if (contender === claim) return blocker;
    if (blocker) continue;
    first ??= contender;
    if (host === undefined) hostless = contender;
    else byHost.set(host, contender);
  }
  return undefined;
}

/** Claims that overlap `claim` (excluding itself), for re-queueing servers that share a route. */
export function overlappingClaims(claim: RouteClaim, claims: readonly RouteClaim[]): RouteClaim[] {
  const self = keyOf(claim);
  return claims.filter((other) => keyOf(other) !== self && routesOverlap(claim, other));
}

/** The RouteConflict message: who holds the route, where, and what to change. */
export function routeConflictMessage(holder: RouteClaim, claim: RouteClaim): string {
  const owner = `MCPServer ${holder.namespace}/${holder.name}`;
  const holderHost = hostOf(holder);
  const claimHost = hostOf(claim);
  if (holderHost === undefined) {
    return `${owner} already holds path ${claim.path} on every host (it has no ingressHost); set another spec.publicPathPrefix on this MCPServer, or move the other one`;
  }
  if (claimHost === undefined) {
    return `${owner} already holds path ${claim.path} on host ${holderHost}, which this MCPServer's hostless route also matches (every host); set another spec.publicPathPrefix or a different spec.ingressHost on this MCPServer`;
  }
  return `${owner} already holds path ${claim.path} on host ${claimHost}; set another spec.publicPathPrefix or spec.ingressHost on this MCPServer`;
}
