import { AccessPolicy, accessPolicy } from '@pa/auth';

/**
 * Public besides the probes: the dashboard's files (they hold no data; the page asks for a read
 * key and sends it with every API call) and the API description at /docs (Swagger UI loads it
 * without a key).
 */
const isPublicFile = (route: string) => route === '/' || route === '/index.html' || route.startsWith('/assets/') || route === '/docs' || route.startsWith('/docs/');
const base = accessPolicy({}, isPublicFile);

/** Who may call what: every /v1 route needs `read`, /metrics `metrics`, the rest as `base`. */
export const QUERY_ACCESS: AccessPolicy = (method, route) => (route?.startsWith('/v1/') ? 'read' : base(method, route));
