import { getMetadataStorage, ValidationTypes } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';
import { EVENT_CATALOGUE, isPublishableType, type EventType } from './catalogue';
import { EXTERNAL_ID_PATTERN, nestedTypeOf } from './decorators';
import { EnvelopeContract } from './envelope';
import { MAX_BATCH_EVENTS, MAX_ID_LENGTH } from './limits';

type Schema = Record<string, unknown>;

/** JSON Schema fragments of the constraints the contracts use, by class-validator's name. */
const CONSTRAINTS: Readonly<Record<string, (c: readonly unknown[]) => Schema>> = {
  isString: () => ({ type: 'string' }),
  isInt: () => ({ type: 'integer' }),
  isNumber: () => ({ type: 'number' }),
  isBoolean: () => ({ type: 'boolean' }),
  isObject: () => ({ type: 'object' }),
  isArray: () => ({ type: 'array' }),
  isLength: ([min, max]) => ({ minLength: min, ...(max === undefined ? {} : { maxLength: max }) }),
  maxLength: ([max]) => ({ maxLength: max }),
  min: ([min]) => ({ minimum: min }),
  max: ([max]) => ({ maximum: max }),
  isIn: ([values]) => ({ enum: values }),
  arrayMinSize: ([min]) => ({ minItems: min }),
  arrayMaxSize: ([max]) => ({ maxItems: max }),
  isEmail: () => ({ type: 'string', format: 'email' }),
  isUUID: () => ({ type: 'string', format: 'uuid' }),
  matches: ([pattern]) => ({ type: 'string', pattern: pattern instanceof RegExp ? pattern.source : String(pattern) }),
  isExternalId: () => ({ type: 'string', minLength: 1, maxLength: MAX_ID_LENGTH, pattern: EXTERNAL_ID_PATTERN.source }),
  isMinorUnits: () => ({ type: 'integer', description: 'an amount in minor units of the currency (cents)' }),
  isCurrency: () => ({ type: 'string', pattern: '^[A-Z]{3}$', description: 'an ISO 4217 currency code' }),
  isInstant: () => ({ type: 'string', format: 'date-time' }),
  isCalendarDate: () => ({ type: 'string', format: 'date' }),
  isIso31661Alpha2: () => ({ type: 'string', pattern: '^[A-Z]{2}$' }),
  isTimeZone: () => ({ type: 'string', description: 'an IANA time zone' }),
};

/**
 * The JSON Schema of a contract class, read from its class-validator metadata (the same the
 * validator runs), with nested contracts under `definitions` named by their class.
 */
export function contractSchema(cls: abstract new () => object, definitions: Record<string, Schema>): Schema {
  const storage = getMetadataStorage();
  const byProperty = new Map<string, ValidationMetadata[]>();
  for (const metadata of storage.getTargetValidationMetadatas(cls, '', false, false)) {
    byProperty.set(metadata.propertyName, [...(byProperty.get(metadata.propertyName) ?? []), metadata]);
  }
  const properties: Record<string, Schema> = {};
  const required: string[] = [];
  for (const [name, metadatas] of byProperty) {
    let schema: Schema = {};
    let optional = false;
    let each = false;
    for (const metadata of metadatas) {
      if (metadata.type === ValidationTypes.CONDITIONAL_VALIDATION) optional = true;
      else if (metadata.type === ValidationTypes.NESTED_VALIDATION) {
        const nested = nestedTypeOf(cls, name);
        if (nested && !definitions[nested.name]) {
          definitions[nested.name] = {};
          definitions[nested.name] = contractSchema(nested, definitions);
        }
        if (nested) schema = metadata.each ? { ...schema, type: 'array', items: { $ref: `#/components/schemas/${nested.name}` } } : { ...schema, $ref: `#/components/schemas/${nested.name}` };
      } else {
        for (const constraint of storage.getTargetValidatorConstraints(metadata.constraintCls)) {
          const fragment = CONSTRAINTS[String(constraint.name ?? metadata.name)]?.(metadata.constraints ?? []) ?? {};
          if (metadata.each && !CONSTRAINTS_ON_ARRAYS.has(String(constraint.name))) each = true;
          schema = each ? { ...schema, type: 'array', items: { ...((schema.items as Schema) ?? {}), ...fragment } } : { ...schema, ...fragment };
        }
      }
    }
    properties[name] = schema;
    if (!optional) required.push(name);
  }
  return { type: 'object', properties, required, additionalProperties: false };
}

const CONSTRAINTS_ON_ARRAYS = new Set(['isArray', 'arrayMinSize', 'arrayMaxSize']);

/** What POST /v1/events takes, and the contracts it refers to (for the document's components). */
export function eventSchemas(): { readonly request: Schema; readonly definitions: Readonly<Record<string, Schema>> } {
  const definitions: Record<string, Schema> = {};
  const request = eventRequestSchema(definitions);
  return { request, definitions };
}

/**
 * One event of a type upstream apps may publish (each type's `data` by its contract), or
 * `{events: [...], expectedVersions?}`. The contracts' classes are collected under `definitions`.
 */
function eventRequestSchema(definitions: Record<string, Schema>): Schema {
  const envelope = contractSchema(EnvelopeContract, definitions);
  const types = (Object.keys(EVENT_CATALOGUE) as EventType[]).filter(isPublishableType);
  const events = types.map((type) => {
    const data = EVENT_CATALOGUE[type].data;
    definitions[data.name] = contractSchema(data, definitions);
    const properties = { ...(envelope.properties as Schema), type: { type: 'string', enum: [type] }, data: { $ref: `#/components/schemas/${data.name}` } };
    return { ...envelope, title: type, properties };
  });
  definitions.Event = { oneOf: events, description: 'One event: its `type` names the contract of its `data`; exactly one of customerId and anonymousId' };
  return {
    oneOf: [
      { $ref: '#/components/schemas/Event' },
      {
        type: 'object',
        required: ['events'],
        properties: {
          events: { type: 'array', minItems: 1, maxItems: MAX_BATCH_EVENTS, items: { $ref: '#/components/schemas/Event' } },
          expectedVersions: { type: 'object', additionalProperties: { anyOf: [{ type: 'integer', minimum: 0 }, { type: 'string', enum: ['no_stream'] }] } },
        },
        additionalProperties: false,
      },
    ],
  };
}
