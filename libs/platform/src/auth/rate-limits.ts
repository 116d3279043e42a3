import type { ExecutionContext } from '@nestjs/common';
import type { ThrottlerModuleOptions } from '@nestjs/throttler';
import type { JourneyConfig } from '../config';
import type { AuthenticatedRequest } from './auth.guard';
import { SlidingWindowCounts } from './sliding-window-counts';

function keyOf(context: ExecutionContext): AuthenticatedRequest['apiKey'] {
  return context.switchToHttp().getRequest<AuthenticatedRequest>().apiKey;
}

/**
 * Per-key rate limits (@nestjs/throttler): each key is counted on its own, over every route it
 * calls, with its role's limit and window; public routes are not counted. Over the limit: 429
 * with Retry-After. The counts are kept in SlidingWindowCounts, whose cost per request does not
 * grow with the limit.
 */
export function rateLimitOptions(config: JourneyConfig): ThrottlerModuleOptions {
  const limits = config.rateLimits;
  return {
    throttlers: [
      {
        // The default name gives the plain headers: Retry-After, X-RateLimit-Limit, -Remaining, -Reset.
        name: 'default',
        limit: (context) => limits![keyOf(context)!.role].limit,
        ttl: (context) => limits![keyOf(context)!.role].ttlMs,
      },
    ],
    skipIf: (context) => limits === undefined || keyOf(context) === undefined,
    getTracker: (request) => `key:${(request as AuthenticatedRequest).apiKey!.id}`,
    // One count per key, whatever the route (the throttler's own key is a hash per route).
    generateKey: (_context, tracker, name) => `${name}:${tracker}`,
    storage: new SlidingWindowCounts(),
    errorMessage: 'Too many requests for this API key',
  };
}
