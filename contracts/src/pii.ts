/**
 * PII marks: fields holding personal data (name, email, phone, address, birthday, free text).
 * The event store encrypts these per customer; the registry says which ones they are.
 */
const piiFields = new Map<object, Set<string>>();

export function Pii(): PropertyDecorator {
  return (target, property) => {
    const fields = piiFields.get(target.constructor) ?? new Set<string>();
    fields.add(String(property));
    piiFields.set(target.constructor, fields);
  };
}

/** The PII property names a contract class declares (own and inherited). */
export function piiFieldsOf(cls: abstract new (...args: never[]) => unknown): readonly string[] {
  const names = new Set<string>();
  for (let c: unknown = cls; typeof c === 'function' && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
    for (const name of piiFields.get(c) ?? []) names.add(name);
  }
  return [...names].sort();
}
