import type { FieldProblem } from './problem';

/** How deep a JSON body may nest before it is refused (the event contracts set their own bound). */
export const MAX_BODY_DEPTH = 64;
const MAX_FIELD_LENGTH = 100;

/**
 * The first NUL (`%00`) in a request's URL, named by where it is: `path`, the query parameter
 * whose value holds it, or `query` for a parameter name. PostgreSQL's text refuses NUL.
 */
export function nulInUrl(url: string): FieldProblem | undefined {
  if (!/%00/i.test(url)) return undefined;
  const mark = url.indexOf('?');
  const path = mark < 0 ? url : url.slice(0, mark);
  if (/%00/i.test(path)) return { field: 'path', reason: 'must not contain the NUL character (%00)' };
  for (const pair of url.slice(mark + 1).split('&')) {
    const equals = pair.indexOf('=');
    const name = equals < 0 ? pair : pair.slice(0, equals);
    if (/%00/i.test(name)) return { field: 'query', reason: 'has a parameter name with the NUL character (%00)' };
    if (/%00/i.test(pair)) return { field: fieldName(name), reason: 'must not contain the NUL character (%00)' };
  }
  return undefined;
}

/** A charset other than UTF-8 named by a Content-Type: the body would be read wrongly. */
export function foreignCharset(contentType: string | undefined): string | undefined {
  if (contentType === undefined) return undefined;
  const match = /;\s*charset\s*=\s*"?([^";\s]*)"?/i.exec(contentType);
  if (!match) return undefined;
  const charset = match[1]!.toLowerCase();
  return charset === 'utf-8' || charset === 'utf8' ? undefined : match[1]!.slice(0, 40);
}

/**
 * The first string of a parsed JSON body that PostgreSQL cannot store (a NUL, a lone
 * surrogate), named by its path (`name`, `items[2].sku`), or a nesting beyond MAX_BODY_DEPTH.
 */
export function unstorableInBody(value: unknown, path = '', depth = 0): FieldProblem | undefined {
  if (typeof value === 'string') return unstorableText(value, path || 'body');
  if (value === null || typeof value !== 'object') return undefined;
  if (depth >= MAX_BODY_DEPTH) return { field: path || 'body', reason: `is nested more than ${MAX_BODY_DEPTH} levels deep` };
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = unstorableInBody(value[i], `${path}[${i}]`, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  for (const [key, child] of Object.entries(value)) {
    const field = path === '' ? key : `${path}.${key}`;
    if (unstorableText(key, field)) return { field: fieldName(path || 'body'), reason: 'has a key with a NUL character or a lone surrogate' };
    const found = unstorableInBody(child, field, depth + 1);
    if (found) return found;
  }
  return undefined;
}

function unstorableText(text: string, field: string): FieldProblem | undefined {
  if (text.includes('\u0000')) return { field: fieldName(field), reason: 'must not contain the NUL character' };
  if (!text.isWellFormed()) return { field: fieldName(field), reason: 'must be well-formed Unicode (it holds a lone surrogate)' };
  return undefined;
}

/** A field name fit to be echoed in a problem: decoded where it can be, printable, bounded. */
function fieldName(raw: string): string {
  let name = raw;
  try {
    name = decodeURIComponent(raw.replaceAll('+', ' '));
  } catch {
    // Left as it came: malformed percent-encoding is still a name.
  }
  const printable = [...name.toWellFormed()].map((char) => (char < ' ' || char === '\u007f' ? '\uFFFD' : char)).join('');
  return printable.length > MAX_FIELD_LENGTH ? `${printable.slice(0, MAX_FIELD_LENGTH)}…` : printable;
}
