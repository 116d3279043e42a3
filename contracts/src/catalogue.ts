import type { EventEnvelope } from './envelope';
import { piiFieldsOf } from './pii';
import * as browse from './events/browse.events';
import * as commerce from './events/commerce.events';
import * as custom from './events/custom.events';
import * as customer from './events/customer.events';
import * as derived from './events/derived.events';
import * as messaging from './events/messaging.events';
import * as prediction from './events/prediction.events';
import * as support from './events/support.events';

type Family = 'customer' | 'commerce' | 'browse' | 'support' | 'messaging' | 'custom' | 'derived';

function entry<C extends abstract new () => object>(family: Family, data: C) {
  return { family, data, version: 1 } as const;
}

/** Every v1 event type: its family, its payload contract and its current schema version. */
export const EVENT_CATALOGUE = {
  CustomerRegistered: entry('customer', customer.CustomerRegistered),
  CustomerProfileUpdated: entry('customer', customer.CustomerProfileUpdated),
  ConsentChanged: entry('customer', customer.ConsentChanged),
  IdentityLinked: entry('customer', customer.IdentityLinked),
  CustomerForgotten: entry('customer', customer.CustomerForgotten),
  PurchaseCompleted: entry('commerce', commerce.PurchaseCompleted),
  PurchaseRefunded: entry('commerce', commerce.PurchaseRefunded),
  PageViewed: entry('browse', browse.PageViewed),
  ProductViewed: entry('browse', browse.ProductViewed),
  SearchPerformed: entry('browse', browse.SearchPerformed),
  CartUpdated: entry('browse', browse.CartUpdated),
  TicketOpened: entry('support', support.TicketOpened),
  TicketUpdated: entry('support', support.TicketUpdated),
  TicketResolved: entry('support', support.TicketResolved),
  FeedbackGiven: entry('support', support.FeedbackGiven),
  MessageSent: entry('messaging', messaging.MessageSent),
  MessageDelivered: entry('messaging', messaging.MessageDelivered),
  MessageOpened: entry('messaging', messaging.MessageOpened),
  MessageClicked: entry('messaging', messaging.MessageClicked),
  MessageReplied: entry('messaging', messaging.MessageReplied),
  MessageBounced: entry('messaging', messaging.MessageBounced),
  Unsubscribed: entry('messaging', messaging.Unsubscribed),
  CustomEvent: entry('custom', custom.CustomEvent),
  LifecycleStageChanged: entry('derived', derived.LifecycleStageChanged),
  ValueTierChanged: entry('derived', derived.ValueTierChanged),
  ActionScheduled: entry('derived', derived.ActionScheduled),
  ActionDispatched: entry('derived', derived.ActionDispatched),
  ActionFailed: entry('derived', derived.ActionFailed),
  ActionSuppressed: entry('derived', derived.ActionSuppressed),
  ConversionAttributed: entry('derived', derived.ConversionAttributed),
  ModelFitted: entry('derived', prediction.ModelFitted),
  ChurnRiskChanged: entry('derived', prediction.ChurnRiskChanged),
  SegmentEntered: entry('derived', derived.SegmentEntered),
  SegmentExited: entry('derived', derived.SegmentExited),
} as const;

export type EventType = keyof typeof EVENT_CATALOGUE;
export type EventData<T extends EventType> = InstanceType<(typeof EVENT_CATALOGUE)[T]['data']>;

/** The discriminated union of every event, keyed by `type`. */
export type JourneyEvent = { [T in EventType]: EventEnvelope<T, EventData<T>> }[EventType];
export type EventOfType<T extends EventType> = Extract<JourneyEvent, { type: T }>;

export function isEventType(type: unknown): type is EventType {
  return typeof type === 'string' && Object.prototype.hasOwnProperty.call(EVENT_CATALOGUE, type);
}

export function isDerivedType(type: EventType): boolean {
  return EVENT_CATALOGUE[type].family === 'derived';
}

/**
 * Why upstream apps may not publish a type, or undefined when they may: the engine alone appends
 * derived events, and CustomerForgotten, which the pass folds by destroying the customer's keys,
 * comes only from an admin's forget request.
 */
export function publishRefusal(type: EventType): string | undefined {
  if (isDerivedType(type)) return `${type} is derived by the engine and cannot be published`;
  if (type === 'CustomerForgotten') {
    return 'CustomerForgotten cannot be published: the engine appends it when an admin forgets the customer (POST /v1/customers/{customerId}/forget)';
  }
  return undefined;
}

/** Whether upstream apps may publish the type (POST /v1/events, Kafka ingest, the tracking API). */
export function isPublishableType(type: EventType): boolean {
  return publishRefusal(type) === undefined;
}

const piiByType = new Map<string, readonly string[]>();

/** The PII fields of an event type's payload (none for a type outside the catalogue). */
export function piiFieldsOfType(type: string): readonly string[] {
  let fields = piiByType.get(type);
  if (!fields) {
    fields = isEventType(type) ? piiFieldsOf(EVENT_CATALOGUE[type].data) : [];
    piiByType.set(type, fields);
  }
  return fields;
}
