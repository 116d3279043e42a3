/** The later of two ISO 8601 UTC instants (they compare as text); `b` when `a` is unknown. */
export function later(a: string | null, b: string): string {
  return a === null || b > a ? b : a;
}
