import { AccessPolicy, RouteAccess } from './api-key.guard';

/** Routes open to anyone: liveness and readiness (what supervisors and load balancers probe). */
export const PUBLIC_PROBES = ['/healthz', '/readyz'];

/**
 * A service's policy: the probes are public, `GET /metrics` needs `metrics`, each listed
 * `METHOD /route` (Fastify's route pattern) needs its access, and every other route needs some
 * valid key (so an unknown path is a 404 only for a caller with a key).
 */
export function accessPolicy(routes: Record<string, RouteAccess>, isPublic: (route: string) => boolean = () => false): AccessPolicy {
  return (method, route) => {
    if (route === undefined) return 'any-key';
    if (PUBLIC_PROBES.includes(route) || isPublic(route)) return 'public';
    if (route === '/metrics') return 'metrics';
    return routes[`${method} ${route}`] ?? 'any-key';
  };
}
