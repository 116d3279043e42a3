import type { MessageReader } from './segment-message';

type Traits = Readonly<Record<string, unknown>>;
type Attribute = string | number | boolean | null;

/** Traits that have a field of their own in the profile (or make one up, as first and last name do). */
const PROFILE_TRAITS = new Set(['name', 'firstName', 'first_name', 'lastName', 'last_name', 'email', 'phone', 'birthday', 'address', 'city', 'country', 'timezone']);

/**
 * An identify call as events: the traits as a profile update (known traits in their fields,
 * other scalar traits as attributes) and, when the call names the visitor it was, the link.
 * The link's id suffix makes every identify of the same pair one event.
 */
export function identifyEvents(read: MessageReader, context: Traits, linkAnonymousId: string | undefined): Array<[string, Record<string, unknown>, string?]> {
  const traits = { ...(context.traits !== null && typeof context.traits === 'object' ? (context.traits as Traits) : {}), ...read.object('traits') };
  const events: Array<[string, Record<string, unknown>, string?]> = [['CustomerProfileUpdated', profileOf(traits, context, read)]];
  if (linkAnonymousId !== undefined) events.push(['IdentityLinked', { anonymousId: linkAnonymousId }, `link/${linkAnonymousId}`]);
  return events;
}

function profileOf(traits: Traits, context: Traits, read: MessageReader): Record<string, unknown> {
  const address = (traits.address !== null && typeof traits.address === 'object' ? traits.address : {}) as Traits;
  const first = read.text('traits.firstName', traits.firstName ?? traits.first_name);
  const last = read.text('traits.lastName', traits.lastName ?? traits.last_name);
  const name = read.text('traits.name', traits.name) ?? ([first, last].filter(Boolean).join(' ') || undefined);
  const attributes: Record<string, Attribute> = {};
  for (const [key, value] of Object.entries(traits)) {
    if (PROFILE_TRAITS.has(key)) continue;
    if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') attributes[key] = value;
  }
  // A country that is not an ISO 3166 code is kept as it came, among the attributes.
  const country = read.text('traits.address.country', address.country ?? traits.country);
  const isoCountry = country !== undefined && /^[A-Za-z]{2}$/.test(country) ? country.toUpperCase() : undefined;
  if (country !== undefined && isoCountry === undefined) attributes.country = country;
  const timezone = read.text('traits.timezone', traits.timezone ?? context.timezone);
  const validZone = timezone !== undefined && isTimeZone(timezone) ? timezone : undefined;
  if (timezone !== undefined && validZone === undefined) attributes.timezone = timezone;
  return defined({
    name,
    email: read.text('traits.email', traits.email),
    phone: phoneOf(read.text('traits.phone', traits.phone)),
    birthday: birthdayOf(read.text('traits.birthday', traits.birthday)),
    country: isoCountry,
    city: read.text('traits.address.city', address.city ?? traits.city),
    timezone: validZone,
    attributes: Object.keys(attributes).length > 0 ? attributes : undefined,
  });
}

/** "+49 (30) 123-456" and "0049 30 123456" as E.164; what is still not one is left for the contract to refuse. */
function phoneOf(phone: string | undefined): string | undefined {
  if (phone === undefined) return undefined;
  const compact = phone.replace(/[\s().-]/g, '');
  return compact.startsWith('00') ? `+${compact.slice(2)}` : compact;
}

/** Segment sends birthdays as dates or as instants at midnight: the calendar date is kept. */
function birthdayOf(birthday: string | undefined): string | undefined {
  return birthday !== undefined && /^\d{4}-\d{2}-\d{2}T/.test(birthday) ? birthday.slice(0, 10) : birthday;
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function defined(data: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(data).filter(([, v]) => v !== undefined));
}
