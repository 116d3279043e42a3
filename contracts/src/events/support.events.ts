import { IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { IsExternalId } from '../decorators';
import { Pii } from '../pii';

export const TICKET_CHANNELS = ['email', 'chat', 'phone', 'web', 'social', 'store'] as const;
export const TICKET_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export const TICKET_STATUSES = ['open', 'pending', 'on_hold', 'escalated'] as const;
export type TicketPriority = (typeof TICKET_PRIORITIES)[number];

export class TicketOpened {
  @IsExternalId() readonly ticketId!: string;
  @Pii() @IsString() @Length(1, 300) readonly subject!: string;
  @IsIn(TICKET_CHANNELS) readonly channel!: (typeof TICKET_CHANNELS)[number];
  @IsIn(TICKET_PRIORITIES) readonly priority!: TicketPriority;
  @IsOptional() @IsString() @Length(1, 100) readonly category?: string;
}

export class TicketUpdated {
  @IsExternalId() readonly ticketId!: string;
  @IsOptional() @IsIn(TICKET_STATUSES) readonly status?: (typeof TICKET_STATUSES)[number];
  @IsOptional() @IsIn(TICKET_PRIORITIES) readonly priority?: TicketPriority;
  @Pii() @IsOptional() @IsString() @Length(1, 4000) readonly note?: string;
}

export class TicketResolved {
  @IsExternalId() readonly ticketId!: string;
  /** CSAT, 1 (very unhappy) to 5 (very happy), when the customer answered. */
  @IsOptional() @IsInt() @Min(1) @Max(5) readonly satisfaction?: number;
  @Pii() @IsOptional() @IsString() @Length(1, 4000) readonly resolution?: string;
}

export class FeedbackGiven {
  /** Net Promoter Score answer, 0 to 10. */
  @IsInt() @Min(0) @Max(10) readonly score!: number;
  @Pii() @IsOptional() @IsString() @Length(1, 4000) readonly comment?: string;
  @IsOptional() @IsString() @Length(1, 100) readonly survey?: string;
}
