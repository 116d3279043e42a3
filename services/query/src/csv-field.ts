/**
 * One CSV cell: quoted as RFC 4180 asks when it holds a quote, a comma or a line break; a text
 * starting with =, +, -, @, a tab or a carriage return is prefixed with ' so that spreadsheets
 * show it instead of running it as a formula (OWASP's CSV injection advice); quoting alone does
 * not stop them. Null and undefined are empty cells.
 */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
