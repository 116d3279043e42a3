import { IsInt, IsObject, IsOptional, IsString, IsUUID, Length, Max, Min } from 'class-validator';
import { IsExternalId, IsInstant } from './decorators';

export interface EventMetadata {
  readonly correlationId?: string;
  readonly causationId?: string;
  readonly [key: string]: unknown;
}

/** What upstream apps send, and what every reader gets back (after upcasting). */
export interface EventEnvelope<TType extends string = string, TData = Readonly<Record<string, unknown>>> {
  /** The idempotency key, unique forever. */
  readonly eventId: string;
  readonly type: TType;
  readonly version: number;
  /** Exactly one of customerId and anonymousId is set; it names the stream. */
  readonly customerId?: string;
  readonly anonymousId?: string;
  /** When it happened upstream: ISO 8601 UTC with milliseconds. */
  readonly occurredAt: string;
  /** The upstream app that published the event (`journey` for derived events). */
  readonly source: string;
  readonly data: TData;
  readonly metadata: EventMetadata;
}

/** The envelope's shape as class-validator checks it; `data` is checked against the type's class. */
export class EnvelopeContract {
  @IsUUID('all', { message: 'must be a UUID' }) readonly eventId!: string;
  @IsString() @Length(1, 100) readonly type!: string;
  @IsOptional() @IsInt() @Min(1) @Max(1000) readonly version?: number;
  @IsOptional() @IsExternalId() readonly customerId?: string;
  @IsOptional() @IsExternalId() readonly anonymousId?: string;
  @IsInstant() readonly occurredAt!: string;
  @IsExternalId() readonly source!: string;
  @IsObject() readonly data!: Record<string, unknown>;
  @IsOptional() @IsObject() readonly metadata?: Record<string, unknown>;
}

export const ENGINE_SOURCE = 'journey';
