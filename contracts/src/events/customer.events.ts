import {
  IsBoolean,
  IsEmail,
  IsIn,
  IsISO31661Alpha2,
  IsObject,
  IsOptional,
  IsString,
  IsTimeZone,
  Length,
  Matches,
  MaxLength,
} from 'class-validator';
import { IsCalendarDate, IsExternalId } from '../decorators';
import { Pii } from '../pii';

export const CONSENT_CHANNELS = ['email', 'sms', 'push', 'whatsapp', 'phone', 'in_app', 'webhook'] as const;
export type ConsentChannel = (typeof CONSENT_CHANNELS)[number];
export const CONSENT_PURPOSES = ['marketing', 'transactional', 'profiling', 'surveys'] as const;
export type ConsentPurpose = (typeof CONSENT_PURPOSES)[number];

const PHONE = /^\+[1-9]\d{6,14}$/;

class ProfileFields {
  @Pii() @IsOptional() @IsString() @Length(1, 200) readonly name?: string;
  @Pii() @IsOptional() @IsEmail() @MaxLength(254) readonly email?: string;
  @Pii() @IsOptional() @Matches(PHONE, { message: 'must be an E.164 phone number such as +4930123456' })
  readonly phone?: string;
  @Pii() @IsOptional() @IsCalendarDate() readonly birthday?: string;
  @IsOptional() @IsISO31661Alpha2({ message: 'must be an ISO 3166-1 alpha-2 country code' }) readonly country?: string;
  @Pii() @IsOptional() @IsString() @Length(1, 100) readonly city?: string;
  @IsOptional() @IsTimeZone({ message: 'must be an IANA time zone such as Europe/Berlin' }) readonly timezone?: string;
  /** Free attributes of the upstream CRM: string, number or boolean values. */
  @IsOptional() @IsObject() readonly attributes?: Readonly<Record<string, string | number | boolean | null>>;
}

export class CustomerRegistered extends ProfileFields {
  @IsOptional() @IsString() @Length(1, 50) readonly signupChannel?: string;
}

export class CustomerProfileUpdated extends ProfileFields {}

export class ConsentChanged {
  @IsIn(CONSENT_CHANNELS) readonly channel!: ConsentChannel;
  @IsIn(CONSENT_PURPOSES) readonly purpose!: ConsentPurpose;
  @IsBoolean() readonly granted!: boolean;
}

/** A visitor known by an anonymous id turns out to be this customer. */
export class IdentityLinked {
  @IsExternalId() readonly anonymousId!: string;
}

export class CustomerForgotten {
  @IsOptional() @IsString() @Length(1, 200) readonly reason?: string;
}
