import type { ActionChannel } from '@journey/contracts';

export interface Delivery {
  readonly actionId: string;
  readonly customerId: string;
  readonly ruleId: string;
  readonly ruleVersion: number;
  readonly target: string;
  readonly body: string;
  readonly attempt: number;
}

/** A delivery that failed; `permanent` ones go to the dead letter without further attempts. */
export class DeliveryError extends Error {
  readonly type = 'delivery' as const;
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

/** Where actions go. Delivery is at least once: receivers deduplicate by the action id. */
export interface Channel {
  readonly name: ActionChannel;
  deliver(delivery: Delivery): Promise<void>;
  close?(): Promise<void>;
}
