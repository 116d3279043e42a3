import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { RequestRejectedError } from '../problem';
import { API_KEYS } from '../tokens';
import type { ApiKey, ApiKeyStore } from './api-keys';
import { PUBLIC_KEY, ROLES_KEY, type Role } from './roles';

export interface AuthenticatedRequest {
  headers: Record<string, string | string[] | undefined>;
  apiKey?: ApiKey;
}

/**
 * Every route needs `Authorization: Bearer <key>` (401 without a live key) and a role the route
 * admits (403 otherwise); admin keys are admitted everywhere.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(API_KEYS) private readonly keys: ApiKeyStore,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match) throw new RequestRejectedError(401, 'Unauthorized', [{ field: 'authorization', reason: 'must be "Bearer <api key>"' }]);
    const key = await this.keys.authenticate(match[1]!);
    if (!key) throw new RequestRejectedError(401, 'Unauthorized', [{ field: 'authorization', reason: 'is not a live API key' }]);
    request.apiKey = key;
    const admitted = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets) ?? [];
    if (key.role === 'admin' || admitted.includes(key.role)) return true;
    throw new RequestRejectedError(403, 'Forbidden', [
      { field: 'authorization', reason: `the ${key.role} role may not use this route (it admits ${[...admitted, 'admin'].join(', ')})` },
    ]);
  }
}
