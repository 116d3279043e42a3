/** What stands for a character PostgreSQL cannot store (NUL, a lone surrogate): U+FFFD. */
export const REPLACEMENT = '\uFFFD';

/**
 * Text that PostgreSQL's text and jsonb accept, whatever a client sent: NUL and lone surrogates
 * become U+FFFD, and text longer than `max` characters is cut with a marker saying how much was.
 */
export function storableText(value: string, max: number): string {
  const cut = value.length > max ? `${value.slice(0, max)}…[truncated ${value.length - max} characters]` : value;
  // Cutting may split a surrogate pair; toWellFormed mends that too.
  return cut.toWellFormed().replaceAll('\u0000', REPLACEMENT);
}

/** Printable ASCII only, every other character (and the backslash) written as a \uXXXX escape: storable anywhere. */
export function asciiText(value: string, max: number): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    if (out.length >= max) return `${out.slice(0, max)}...[truncated]`;
    const code = value.charCodeAt(i);
    out += code >= 0x20 && code < 0x7f && code !== 0x5c ? value[i] : `\\u${code.toString(16).padStart(4, '0')}`;
  }
  return out;
}
