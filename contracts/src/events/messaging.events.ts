import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import { IsExternalId } from '../decorators';
import { CONSENT_CHANNELS, CONSENT_PURPOSES, type ConsentChannel, type ConsentPurpose } from './customer.events';
import { Pii } from '../pii';

export const MESSAGE_CHANNELS = ['email', 'sms', 'push', 'whatsapp', 'in_app'] as const;
export type MessageChannel = (typeof MESSAGE_CHANNELS)[number];

class MessageEvent {
  @IsExternalId() readonly messageId!: string;
  @IsIn(MESSAGE_CHANNELS) readonly channel!: MessageChannel;
  @IsOptional() @IsExternalId() readonly campaignId?: string;
}

export class MessageSent extends MessageEvent {
  @IsOptional() @IsExternalId() readonly template?: string;
}
export class MessageDelivered extends MessageEvent {}
export class MessageOpened extends MessageEvent {}
export class MessageClicked extends MessageEvent {
  @IsOptional() @IsString() @Length(1, 2048) readonly url?: string;
}
export class MessageReplied extends MessageEvent {
  @Pii() @IsOptional() @IsString() @Length(1, 4000) readonly text?: string;
}
export class MessageBounced extends MessageEvent {
  @IsIn(['hard', 'soft']) readonly bounce!: 'hard' | 'soft';
  @IsOptional() @IsString() @Length(1, 500) readonly reason?: string;
}
export class Unsubscribed {
  @IsIn(CONSENT_CHANNELS) readonly channel!: ConsentChannel;
  @IsOptional() @IsIn(CONSENT_PURPOSES) readonly purpose?: ConsentPurpose;
  @IsOptional() @IsExternalId() readonly messageId?: string;
}
