import type { Channel, Delivery } from './channel';

export interface ActionLogger {
  info(fields: object, message: string): void;
}

/** Writes that the action happened (not its body, which may hold personal data): for trying rules out. */
export class LogChannel implements Channel {
  readonly name = 'log' as const;
  constructor(private readonly logger: ActionLogger) {}

  async deliver(delivery: Delivery): Promise<void> {
    this.logger.info(
      { actionId: delivery.actionId, ruleId: delivery.ruleId, ruleVersion: delivery.ruleVersion, target: delivery.target, bytes: Buffer.byteLength(delivery.body) },
      'action delivered to the log channel',
    );
  }
}
