import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AuthConfig } from '@pa/config';
import { problemBody } from '@pa/http';
import { Principal } from './api-key.record';
import { touchApiKeys } from './api-key.repository';
import { AuditLog } from './audit-log';
import { authenticate } from './authenticator';
import { readServerSecret } from './key-hash';
import { KeyStore } from './key-store';
import { FixedWindowCounter } from './rate-limiter';
import { Scope, hasScope } from './scopes';
import { UsageRecorder } from './usage-recorder';

declare module 'fastify' {
  interface FastifyRequest {
    /** the caller, set by the API key guard on every guarded route */
    principal?: Principal;
  }
}

/** Nest injection token of the service's ApiKeyGuard (for refusals a handler decides). */
export const API_KEY_GUARD = Symbol('API_KEY_GUARD');

/** What a route needs: a scope, any valid key (unknown routes: 404 only for a caller), or nothing. */
export type RouteAccess = Scope | 'any-key' | 'public';

/** Decides a route's access from its method and route pattern (e.g. `/v1/machines/:id/snapshot`). */
export type AccessPolicy = (method: string, route: string | undefined) => RouteAccess;

export interface GuardLogger {
  log(message: string): void;
  warn(message: string): void;
}

const UNAUTHENTICATED = 'a valid API key is required: Authorization: Bearer pa1_… (missing, malformed, unknown, expired or revoked)';

/**
 * API key checks for one service, in a Fastify onRequest hook (before body parsing, so a refused
 * POST is never read): the key store, audit log, last-used recorder and both rate limits.
 */
export class ApiKeyGuard {
  private readonly failures: FixedWindowCounter;
  private readonly quota: FixedWindowCounter;

  private constructor(
    private readonly store: KeyStore,
    private readonly serverSecret: Buffer,
    private readonly audit: AuditLog,
    private readonly usage: UsageRecorder,
    config: AuthConfig,
  ) {
    this.failures = new FixedWindowCounter(config.failures.limit, config.failures.windowMs);
    this.quota = new FixedWindowCounter(config.quota.limit, config.quota.windowMs);
  }

  /** Reads the server secret and the keys; throws when either cannot be read (the service must not start open). */
  static async open(config: AuthConfig, logger: GuardLogger): Promise<ApiKeyGuard> {
    const secret = readServerSecret(config.secretFile);
    const store = await KeyStore.open({ catalogUrl: config.catalogUrl, pollMs: config.pollMs, log: (m) => logger.warn(m) });
    const audit = AuditLog.forCatalog(store.catalog, { logLine: (line) => logger.log(line), warn: (m) => logger.warn(m) });
    const usage = new UsageRecorder((uses) => touchApiKeys(store.catalog, uses), (m) => logger.warn(m), config.lastUsedFlushMs);
    return new ApiKeyGuard(store, secret, audit, usage, config);
  }

  /** Guards every route of `fastify` by `policy`; closes with the server. */
  install(fastify: FastifyInstance, policy: AccessPolicy): void {
    fastify.addHook('onRequest', async (request, reply) => this.check(request, reply, policy));
    fastify.addHook('onClose', async () => this.close());
  }

  async close(): Promise<void> {
    await Promise.all([this.audit.close(), this.usage.close()]);
    await this.store.close();
  }

  private async check(request: FastifyRequest, reply: FastifyReply, policy: AccessPolicy): Promise<void> {
    const route = request.routeOptions.url;
    const access = policy(request.method, route);
    if (access === 'public') return;
    const nowMs = Date.now();
    const address = request.ip;
    const where = `${request.method} ${route ?? request.url.split('?')[0]}`;
    const blocked = this.failures.check(address, nowMs);
    if (blocked.isLimited) {
      this.refuse(reply, 429, 'TOO_MANY_FAILED_AUTHENTICATIONS', `too many failed authentications from this address; retry in ${blocked.retryAfterS} s`, blocked.retryAfterS);
      this.audit.record({ atMs: nowMs, event: 'request.refused', address, route: where, reason: 'rate limited: failed authentications' });
      return;
    }
    const result = authenticate(request.headers.authorization, (id) => this.store.lookup(id), this.serverSecret, nowMs);
    if ('refused' in result) {
      this.failures.add(address, nowMs);
      this.audit.record({ atMs: nowMs, event: 'request.refused', keyId: result.keyId, address, route: where, reason: result.refused });
      this.refuse(reply, 401, 'UNAUTHENTICATED', UNAUTHENTICATED);
      return;
    }
    const { principal } = result;
    if (access !== 'any-key' && !hasScope(principal.scopes, access)) {
      this.audit.record({ atMs: nowMs, event: 'request.refused', keyId: principal.keyId, address, route: where, reason: `missing scope ${access}` });
      this.refuse(reply, 403, 'MISSING_SCOPE', `this key lacks the \`${access}\` scope that ${where} needs`);
      return;
    }
    const quota = this.quota.check(principal.keyId, nowMs);
    if (quota.isLimited) {
      this.audit.record({ atMs: nowMs, event: 'request.refused', keyId: principal.keyId, address, route: where, reason: 'rate limited: key quota' });
      this.refuse(reply, 429, 'KEY_QUOTA_EXCEEDED', `this key made ${this.quota.limit} requests in ${this.quota.windowMs / 1000} s; retry in ${quota.retryAfterS} s`, quota.retryAfterS);
      return;
    }
    this.quota.add(principal.keyId, nowMs);
    this.usage.record(principal.keyId, nowMs);
    request.principal = principal;
  }

  /** Records a refusal that a handler decided (a machine outside the key's tenant). */
  recordRefusal(request: FastifyRequest, reason: string): void {
    const where = `${request.method} ${request.routeOptions.url ?? request.url.split('?')[0]}`;
    this.audit.record({ atMs: Date.now(), event: 'request.refused', keyId: request.principal?.keyId, address: request.ip, route: where, reason });
  }

  private refuse(reply: FastifyReply, status: number, code: string, detail: string, retryAfterS?: number): void {
    if (status === 401) void reply.header('www-authenticate', 'Bearer');
    if (retryAfterS !== undefined) void reply.header('retry-after', String(retryAfterS));
    void reply.code(status).header('content-type', 'application/problem+json').send(JSON.stringify(problemBody(status, code, detail)));
  }
}

/** The caller of a guarded route (a programmer error when the route was left unguarded). */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new Error(`${request.method} ${request.url}: no principal (route not guarded?)`);
  return request.principal;
}
