import 'reflect-metadata';
import { Type } from 'class-transformer';
import { isISO4217CurrencyCode, ValidateBy, ValidateIf, ValidateNested, type ValidationOptions } from 'class-validator';
import { MAX_ID_LENGTH } from './limits';

/** `|` as in Auth0's user ids (`auth0|5f…`, `google-oauth2|…`), which apps send as Segment userIds. */
export const EXTERNAL_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@+~|-]*$/;

/** What an identifier may be, as a refusal says it. */
export const EXTERNAL_ID_RULE = `1 to ${MAX_ID_LENGTH} characters: letters, digits and . _ : @ + ~ | - (not starting with a symbol)`;

/** An identifier given by an upstream system: 1–128 characters, no spaces or slashes. */
export function isExternalId(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_ID_LENGTH && EXTERNAL_ID_PATTERN.test(value);
}

export function IsExternalId(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isExternalId',
      validator: {
        validate: (value) => isExternalId(value),
        defaultMessage: () => `must be an identifier of ${EXTERNAL_ID_RULE}`,
      },
    },
    options,
  );
}

/** Money amounts are integer minor units (cents), never floats, never negative. */
export function IsMinorUnits(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isMinorUnits',
      validator: {
        validate: (value) => Number.isSafeInteger(value) && (value as number) >= 0,
        defaultMessage: () => 'must be a non-negative integer amount in minor units (e.g. cents)',
      },
    },
    options,
  );
}

/** An ISO 4217 alphabetic currency code in upper case, such as EUR or USD. */
export function IsCurrency(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isCurrency',
      validator: {
        validate: (value) => typeof value === 'string' && /^[A-Z]{3}$/.test(value) && isISO4217CurrencyCode(value),
        defaultMessage: () => 'must be an ISO 4217 currency code such as EUR or USD',
      },
    },
    options,
  );
}

/**
 * The currency of an optional amount (money is minor units plus its currency): required when the
 * amount is given, checked whenever it is given itself.
 */
export function IsCurrencyOf(amount: string): PropertyDecorator {
  const given = (value: unknown): boolean => value !== undefined && value !== null;
  const condition = ValidateIf((object: Record<string, unknown>, value: unknown) => given(value) || given(object[amount]));
  const currency = IsCurrency({ message: `must be an ISO 4217 currency code such as EUR or USD, the currency of ${amount}` });
  return (target, property) => {
    condition(target, property);
    currency(target, property);
  };
}

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/**
 * An ISO 8601 instant with an explicit offset (Z or ±hh:mm) whose date and time exist; local
 * times are ambiguous.
 */
export function isInstant(value: unknown): value is string {
  return typeof value === 'string' && INSTANT.test(value) && existsOnCalendar(value) && !Number.isNaN(Date.parse(value));
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?)?/;

/**
 * Whether the date (and time) a timestamp starts with exist on the calendar, whatever its
 * offset: Date.parse rolls 2026-02-30 over to 03-02 and 24:00 to the next day, where an upstream
 * clock that wrote them is wrong. No leap seconds: PostgreSQL and Date hold none.
 */
export function existsOnCalendar(text: string): boolean {
  const match = DATE_TIME.exec(text);
  if (!match) return false;
  const [, year, month, day, hour = '0', minute = '0', second = '0'] = match;
  const y = Number(year);
  const m = Number(month);
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];
  return days !== undefined && Number(day) >= 1 && Number(day) <= days && Number(hour) <= 23 && Number(minute) <= 59 && Number(second) <= 59;
}

export function IsInstant(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isInstant',
      validator: {
        validate: (value) => isInstant(value),
        defaultMessage: () => 'must be an ISO 8601 instant with an offset, of a date and time that exist, e.g. 2026-03-01T12:00:00Z',
      },
    },
    options,
  );
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A calendar date (YYYY-MM-DD) such as a birthday. */
export function IsCalendarDate(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isCalendarDate',
      validator: {
        validate: (value) =>
          typeof value === 'string' && DATE.test(value) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value),
        defaultMessage: () => 'must be a calendar date YYYY-MM-DD',
      },
    },
    options,
  );
}

const nestedTypes = new Map<object, Map<string, () => abstract new () => object>>();

/**
 * A nested contract (an object, or with `each` an array of objects): class-validator's
 * ValidateNested plus class-transformer's Type, recorded so compiled contracts know the class.
 */
export function Nested(type: () => abstract new () => object, options?: { each?: boolean }): PropertyDecorator {
  const validate = ValidateNested({ each: options?.each ?? false });
  const transform = Type(type as () => new () => object);
  return (target, property) => {
    validate(target, property);
    transform(target, property);
    const byProperty = nestedTypes.get(target.constructor) ?? new Map<string, () => abstract new () => object>();
    byProperty.set(String(property), type);
    nestedTypes.set(target.constructor, byProperty);
  };
}

/** The class a `@Nested` property holds, looking through the class's ancestors. */
export function nestedTypeOf(cls: abstract new () => object, property: string): (abstract new () => object) | undefined {
  for (let c: unknown = cls; typeof c === 'function' && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
    const type = nestedTypes.get(c)?.get(property);
    if (type) return type();
  }
  return undefined;
}
