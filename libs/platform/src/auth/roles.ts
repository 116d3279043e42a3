import { SetMetadata } from '@nestjs/common';

export const ROLES = ['ingest', 'marketing', 'auditor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const ROLES_KEY = 'journey:roles';
export const PUBLIC_KEY = 'journey:public';

/**
 * The roles a route (or every route of a controller) admits; `admin` is always admitted. A route
 * that names no roles and is not public admits `admin` only.
 */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator => SetMetadata(ROLES_KEY, roles);

/** Open without a key: liveness and the API description only. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_KEY, true);

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
