import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { JourneyConfig } from '../config';
import { RequestRejectedError } from '../problem';
import { API_KEYS, CONFIG } from '../tokens';
import { AuthFailureLimiter } from './auth-failures';
import type { ApiKey, ApiKeyStore } from './api-keys';
import { presentedKey } from './presented-key';
import { PUBLIC_KEY, ROLES_KEY, type Role } from './roles';

export interface AuthenticatedRequest {
  headers: Record<string, string | string[] | undefined>;
  /** The client's address, as the socket gives it. */
  ip?: string;
  apiKey?: ApiKey;
}

/**
 * Every route needs `Authorization: Bearer <key>` (or Basic auth with the key as user name) (401 without a live key) and a role the route
 * admits (403 otherwise); admin keys are admitted everywhere. A client address that fails too
 * often is answered 429 until its window ends, with no key looked up in the database (a key
 * this process already knows as live still passes).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly failures: AuthFailureLimiter | undefined;

  constructor(
    private readonly reflector: Reflector,
    @Inject(API_KEYS) private readonly keys: ApiKeyStore,
    @Inject(CONFIG) config: JourneyConfig,
  ) {
    const limit = config.rateLimits?.unauthenticated;
    this.failures = limit ? new AuthFailureLimiter(limit.limit, limit.ttlMs) : undefined;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const address = request.ip ?? 'unknown';
    const now = Date.now();
    const waitMs = this.failures?.retryAfterMs(address, now) ?? 0;
    const presented = presentedKey(request.headers.authorization);
    const key = presented === undefined ? undefined : waitMs > 0 ? this.keys.cached(presented, now) : await this.keys.authenticate(presented, now);
    if (!key) {
      if (waitMs > 0) {
        throw new RequestRejectedError(429, 'Too many failed authentications', [{ field: 'authorization', reason: 'too many requests without a live API key from this address; wait' }], {
          retryAfter: Math.ceil(waitMs / 1000),
        });
      }
      this.failures?.fail(address, now);
      const reason = presented !== undefined ? 'is not a live API key' : 'must be "Bearer <api key>" (or Basic auth with the key as the user name, as Segment\'s SDKs send their write key)';
      throw new RequestRejectedError(401, 'Unauthorized', [{ field: 'authorization', reason }]);
    }
    request.apiKey = key;
    const admitted = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets) ?? [];
    if (key.role === 'admin' || admitted.includes(key.role)) return true;
    throw new RequestRejectedError(403, 'Forbidden', [
      { field: 'authorization', reason: `the ${key.role} role may not use this route (it admits ${[...admitted, 'admin'].join(', ')})` },
    ]);
  }
}
