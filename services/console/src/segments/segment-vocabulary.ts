/**
 * What a segment definition may say, as the engine's parser accepts it (libs/domain/src/segments):
 * the fields and how their values are typed, the operators, the event types and the keys their
 * history is counted by. The console holds its own copy (it bundles no server code);
 * test/architecture/console-segment-vocabulary.spec.ts checks it against the domain's.
 */

export const LIFECYCLE_STAGES = ['prospect', 'first_time', 'repeat', 'loyal', 'at_risk', 'churned', 'reactivated'] as const;
export const VALUE_TIERS = ['high', 'medium', 'low'] as const;
export const RFM_SEGMENTS = ['Champions', 'Loyal', 'Potential Loyalist', 'New', 'Promising', 'Need Attention', 'About to Sleep', 'At Risk', "Can't Lose Them", 'Hibernating', 'Lost'] as const;
export const CHURN_BANDS = ['low', 'medium', 'high'] as const;

/**
 * How a field's value is typed in the form: one of a few names, free text, a number, money
 * (minor units in the definition, major units in the form), an instant or a duration, a list the
 * customer holds (contains), or true/false.
 */
export type FieldKind = 'enum' | 'text' | 'number' | 'money' | 'date' | 'list' | 'boolean';

/** What the key after the dot of a keyed field is: `netRevenue.EUR`, `consent.email:marketing`, `score.churn`. */
export type FieldKey = 'currency' | 'consent' | 'model';

export interface FieldSpec {
  readonly name: string;
  readonly kind: FieldKind;
  readonly values?: readonly string[];
  readonly key?: FieldKey;
  /** Money of the engine's base currency (the predictions' CLV and order value). */
  readonly base?: boolean;
  readonly prediction?: boolean;
}

export const FIELDS: readonly FieldSpec[] = [
  { name: 'stage', kind: 'enum', values: LIFECYCLE_STAGES },
  { name: 'tier', kind: 'enum', values: VALUE_TIERS },
  { name: 'rfmSegment', kind: 'enum', values: RFM_SEGMENTS },
  { name: 'country', kind: 'text' },
  { name: 'city', kind: 'text' },
  { name: 'orders', kind: 'number' },
  { name: 'openTickets', kind: 'number' },
  { name: 'topCategories', kind: 'list' },
  { name: 'nps', kind: 'number' },
  { name: 'lastPurchaseAt', kind: 'date' },
  { name: 'firstPurchaseAt', kind: 'date' },
  { name: 'lastActivityAt', kind: 'date' },
  { name: 'lastEngagementAt', kind: 'date' },
  { name: 'registeredAt', kind: 'date' },
  { name: 'netRevenue', kind: 'money', key: 'currency' },
  { name: 'consent', kind: 'boolean', key: 'consent' },
  { name: 'pAlive', kind: 'number', prediction: true },
  { name: 'churnRisk', kind: 'number', prediction: true },
  { name: 'churnBand', kind: 'enum', values: CHURN_BANDS, prediction: true },
  { name: 'clv', kind: 'money', base: true, prediction: true },
  { name: 'expectedAov', kind: 'money', base: true, prediction: true },
  { name: 'expectedPurchases30d', kind: 'number', prediction: true },
  { name: 'expectedPurchases90d', kind: 'number', prediction: true },
  { name: 'expectedPurchases365d', kind: 'number', prediction: true },
  { name: 'score', kind: 'number', key: 'model', prediction: true },
];

export function fieldSpec(name: string): FieldSpec | undefined {
  return FIELDS.find((field) => field.name === name);
}

export const FIELD_OPERATORS = ['eq', 'ne', 'in', 'nin', 'gt', 'gte', 'lt', 'lte', 'contains', 'exists', 'missing', 'withinLast', 'notWithinLast'] as const;
export type FieldOperator = (typeof FIELD_OPERATORS)[number];

/** The operators the form offers for each kind of field, the first being the default. */
export const OPERATORS_OF: Readonly<Record<FieldKind, readonly FieldOperator[]>> = {
  enum: ['eq', 'ne', 'in', 'nin', 'exists', 'missing'],
  text: ['eq', 'ne', 'in', 'nin', 'exists', 'missing'],
  number: ['gte', 'gt', 'lte', 'lt', 'eq', 'ne', 'exists', 'missing'],
  money: ['gte', 'gt', 'lte', 'lt', 'eq', 'ne'],
  date: ['withinLast', 'notWithinLast', 'gte', 'gt', 'lte', 'lt', 'exists', 'missing'],
  list: ['contains'],
  boolean: ['eq', 'ne'],
};

/** Operators that take a list of values, a duration, or nothing. */
export const LIST_OPERATORS: ReadonlySet<FieldOperator> = new Set(['in', 'nin']);
export const DURATION_OPERATORS: ReadonlySet<FieldOperator> = new Set(['withinLast', 'notWithinLast']);
export const BARE_OPERATORS: ReadonlySet<FieldOperator> = new Set(['exists', 'missing']);

/** The event types a history condition may name: those upstream apps publish (the engine's own are not counted). */
export const EVENT_TYPES = [
  'CustomerRegistered',
  'CustomerProfileUpdated',
  'ConsentChanged',
  'IdentityLinked',
  'CustomerForgotten',
  'PurchaseCompleted',
  'PurchaseRefunded',
  'PageViewed',
  'ProductViewed',
  'SearchPerformed',
  'CartUpdated',
  'TicketOpened',
  'TicketUpdated',
  'TicketResolved',
  'FeedbackGiven',
  'MessageSent',
  'MessageDelivered',
  'MessageOpened',
  'MessageClicked',
  'MessageReplied',
  'MessageBounced',
  'Unsubscribed',
  'CustomEvent',
] as const;

/** The properties an event's history is counted by, beside its type. */
export const HISTORY_KEYS: Readonly<Record<string, readonly string[]>> = {
  PurchaseCompleted: ['category'],
  ProductViewed: ['category'],
  CustomEvent: ['name'],
};

/** The longest event-history window, in days. */
export const MAX_WINDOW_DAYS = 365;

/** Duration units: the parser's, of which an event window takes days and weeks. */
export const DURATION_UNITS = ['d', 'w', 'h', 'm', 's'] as const;
export const WINDOW_UNITS = ['d', 'w'] as const;
