import type { ExecutionContext } from '@nestjs/common';
import type { ThrottlerModuleOptions } from '@nestjs/throttler';
import type { JourneyConfig } from '../config';
import type { AuthenticatedRequest } from './auth.guard';

function keyOf(context: ExecutionContext): AuthenticatedRequest['apiKey'] {
  return context.switchToHttp().getRequest<AuthenticatedRequest>().apiKey;
}

/**
 * Per-key rate limits (@nestjs/throttler): each key is counted on its own, with its role's limit
 * and window; public routes are not counted. Over the limit: 429 with Retry-After.
 */
export function rateLimitOptions(config: JourneyConfig): ThrottlerModuleOptions {
  const limits = config.rateLimits;
  return {
    throttlers: [
      {
        name: 'per-key',
        limit: (context) => limits![keyOf(context)!.role].limit,
        ttl: (context) => limits![keyOf(context)!.role].ttlMs,
      },
    ],
    skipIf: (context) => limits === undefined || keyOf(context) === undefined,
    getTracker: (request) => `key:${(request as AuthenticatedRequest).apiKey!.id}`,
    errorMessage: 'Too many requests for this API key',
  };
}
