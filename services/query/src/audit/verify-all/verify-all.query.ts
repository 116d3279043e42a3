import { Query } from '@nestjs/cqrs';
import type { VerifyAllReport } from '@journey/event-store';

export type VerifyAllAnswer = VerifyAllReport & { readonly ok: boolean };

/** Recompute every stream's chain: how many were checked, and every break. */
export class VerifyAllQuery extends Query<VerifyAllAnswer> {}
