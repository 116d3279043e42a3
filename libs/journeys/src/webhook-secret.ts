import { randomBytes } from 'node:crypto';
import type { Queryable } from '@journey/database';

/**
 * The secret webhook signatures use: the configured one, or one generated on first use and kept
 * in the database, so every process of a deployment signs alike. `generated` says it is new.
 */
export async function webhookSecret(db: Queryable, configured?: string): Promise<{ secret: string; generated: boolean }> {
  if (configured) return { secret: configured, generated: false };
  const inserted = await db.query<{ value: string }>(
    "INSERT INTO journey.settings (key, value) VALUES ('webhook_secret', $1) ON CONFLICT (key) DO NOTHING RETURNING value",
    [randomBytes(32).toString('base64url')],
  );
  if (inserted.rows[0]) return { secret: inserted.rows[0].value, generated: true };
  const { rows } = await db.query<{ value: string }>("SELECT value FROM journey.settings WHERE key = 'webhook_secret'");
  return { secret: rows[0]!.value, generated: false };
}
