/**
 * The key a request presents: `Bearer <key>`, or `Basic base64(<key>:)` as Segment's and
 * RudderStack's SDKs send their write key (the key as user name, the password empty).
 */
export function presentedKey(header: string | string[] | undefined): string | undefined {
  if (typeof header !== 'string') return undefined;
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (bearer) return bearer[1];
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!basic) return undefined;
  const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const user = colon < 0 ? decoded : decoded.slice(0, colon);
  const password = colon < 0 ? '' : decoded.slice(colon + 1);
  return user.length > 0 && password === '' && !/\s/.test(user) ? user : undefined;
}
