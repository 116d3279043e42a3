import { getMetadataStorage, ValidationTypes, type ValidationArguments } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';
import { nestedTypeOf } from './decorators';

type Check = (object: Record<string, unknown>) => boolean;

/**
 * A class's class-validator metadata, read once and turned into one boolean function. It
 * answers "would class-validator accept this plain object?" several times faster than the
 * generic executor, calling the very same constraint functions. It is used only to accept:
 * whatever it refuses goes through class-validator itself, which words the errors.
 */
export function compileContract(cls: abstract new () => object): Check {
  const cache = new Map<object, Check>();
  return compile(cls, cache);
}

function compile(cls: abstract new () => object, cache: Map<object, Check>): Check {
  const known = cache.get(cls);
  if (known) return known;
  // Placeholder first, so that self-referencing contracts terminate.
  let compiled: Check = () => false;
  cache.set(cls, (object) => compiled(object));

  const metadatas = getMetadataStorage().getTargetValidationMetadatas(cls, '', false, false);
  const byProperty = new Map<string, ValidationMetadata[]>();
  for (const metadata of metadatas) {
    if (metadata.groups?.length || metadata.always !== undefined) {
      throw new Error(`${cls.name}.${metadata.propertyName}: validation groups are not supported by compiled contracts`);
    }
    const list = byProperty.get(metadata.propertyName) ?? [];
    list.push(metadata);
    byProperty.set(metadata.propertyName, list);
  }
  if (byProperty.size === 0) throw new Error(`${cls.name} has no validation metadata`);

  const properties = [...byProperty].map(([name, list]) => compileProperty(cls, name, list, cache));
  const allowed = new Set(byProperty.keys());
  compiled = (object) => {
    for (const key in object) if (!allowed.has(key)) return false;
    for (const property of properties) if (!property(object)) return false;
    return true;
  };
  return compiled;
}

function compileProperty(
  cls: abstract new () => object,
  name: string,
  metadatas: readonly ValidationMetadata[],
  cache: Map<object, Check>,
): Check {
  const storage = getMetadataStorage();
  const conditions = metadatas.filter((m) => m.type === ValidationTypes.CONDITIONAL_VALIDATION);
  const tests: Array<(object: Record<string, unknown>, value: unknown) => boolean> = [];
  for (const metadata of metadatas) {
    if (metadata.type === ValidationTypes.CUSTOM_VALIDATION || metadata.type === ValidationTypes.IS_DEFINED) {
      for (const constraint of storage.getTargetValidatorConstraints(metadata.constraintCls)) {
        if (constraint.async) throw new Error(`${cls.name}.${name}: async constraints are not supported`);
        const validate = constraint.instance.validate.bind(constraint.instance);
        const each = metadata.each;
        // One arguments object per constraint, refilled for each call (the calls are synchronous).
        const args: ValidationArguments = { targetName: cls.name, property: name, object: {}, value: undefined, constraints: metadata.constraints };
        const test = (object: Record<string, unknown>, value: unknown): boolean => {
          args.object = object;
          args.value = value;
          if (each && Array.isArray(value)) return value.every((item) => validate(item, args) === true);
          if (each && (value instanceof Set || value instanceof Map)) return false;
          return validate(value, args) === true;
        };
        tests.push(metadata.validateIf ? (o, v) => !metadata.validateIf!(o, v) || test(o, v) : test);
      }
    } else if (metadata.type === ValidationTypes.NESTED_VALIDATION) {
      const nested = nestedTypeOf(cls, name);
      if (!nested) throw new Error(`${cls.name}.${name}: nested contracts must be declared with @Nested`);
      const check = compile(nested, cache);
      const isObject = (item: unknown): item is Record<string, unknown> =>
        item !== null && typeof item === 'object' && !Array.isArray(item);
      // As class-validator: an absent nested value is not an error of ValidateNested itself.
      tests.push((_o, value) =>
        value === undefined
          ? true
          : Array.isArray(value)
            ? value.every((item) => isObject(item) && check(item))
            : isObject(value) && check(value),
      );
    } else if (metadata.type !== ValidationTypes.CONDITIONAL_VALIDATION && metadata.type !== ValidationTypes.WHITELIST) {
      throw new Error(`${cls.name}.${name}: validation type ${metadata.type} is not supported by compiled contracts`);
    }
  }
  return (object) => {
    const value = object[name];
    for (const condition of conditions) {
      if (!(condition.constraints[0] as (o: object, v: unknown) => boolean)(object, value)) return true;
    }
    for (const test of tests) if (!test(object, value)) return false;
    return true;
  };
}
