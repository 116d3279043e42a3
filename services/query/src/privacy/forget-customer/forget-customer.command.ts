import { Command } from '@nestjs/cqrs';

export interface ForgetReport {
  readonly customerId: string;
  /** The streams whose keys were destroyed: the customer's and the visitors' they were. */
  readonly subjects: readonly string[];
  readonly event: { readonly eventId: string; readonly streamId: string; readonly streamPosition?: number; readonly status: string };
  readonly readModelsScrubbed: boolean;
}

/** Forget a customer: destroy their keys, append CustomerForgotten, scrub the read models. */
export class ForgetCustomerCommand extends Command<ForgetReport> {
  constructor(
    readonly customerId: string,
    readonly reason?: string,
  ) {
    super();
  }
}
