/** One request as the access log records it: who, what, with which filters, and how it ended. */
export interface AccessEntry {
  readonly at: string;
  readonly keyId: string | null;
  readonly role: string | null;
  readonly method: string;
  readonly route: string;
  readonly path: string;
  readonly filters: Record<string, unknown>;
  readonly status: number;
  readonly durationMs: number;
}
