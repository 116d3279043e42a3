import { createHmac } from 'node:crypto';
import { DeliveryError, type Channel, type Delivery } from './channel';

/** The signature a receiver recomputes: HMAC-SHA256 over "<timestamp>.<body>" with the shared secret. */
export function signature(secret: string, timestamp: string, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * HTTP POST of the rendered body, with an Idempotency-Key (the action id, the same on every
 * attempt), a timestamp and its HMAC-SHA256 signature, and a timeout. 2xx delivers; 408, 429,
 * 5xx and network errors are retried; other answers are final.
 */
export class WebhookChannel implements Channel {
  readonly name = 'webhook' as const;

  constructor(
    private readonly secret: string,
    private readonly timeoutMs: number,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async deliver(delivery: Delivery): Promise<void> {
    const timestamp = String(Math.floor(this.clock().getTime() / 1000));
    let response: Response;
    try {
      response = await fetch(delivery.target, {
        method: 'POST',
        headers: {
          'content-type': looksLikeJson(delivery.body) ? 'application/json' : 'text/plain; charset=utf-8',
          'idempotency-key': delivery.actionId,
          'x-journey-timestamp': timestamp,
          'x-journey-signature': signature(this.secret, timestamp, delivery.body),
          'x-journey-rule': `${delivery.ruleId}@${delivery.ruleVersion}`,
          'x-journey-attempt': String(delivery.attempt),
        },
        body: delivery.body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      throw new DeliveryError(`${(error as Error).name === 'TimeoutError' ? `no answer within ${this.timeoutMs} ms` : (error as Error).message}${cause ? ` (${cause})` : ''}`, false);
    }
    await response.arrayBuffer().catch(() => undefined);
    if (response.ok) return;
    const retryable = response.status === 408 || response.status === 429 || response.status >= 500;
    throw new DeliveryError(`HTTP ${response.status} from ${new URL(delivery.target).host}`, !retryable);
  }
}

function looksLikeJson(body: string): boolean {
  const first = body.trimStart()[0];
  return first === '{' || first === '[';
}
