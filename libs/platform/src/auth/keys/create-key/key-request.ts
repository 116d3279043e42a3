import { RequestRejectedError, type FieldProblem } from '../../../problem';
import { isRole, ROLES, type Role } from '../../roles';

/** The role and the name of a key request; the name defaults to "<role> key". */
export function keyRequest(body: { role?: unknown; name?: unknown } | undefined): { role: Role; name: string } {
  const errors: FieldProblem[] = [];
  const role = body?.role;
  if (!isRole(role)) errors.push({ field: 'role', reason: `must be one of ${ROLES.join(', ')}` });
  const name = body?.name ?? '';
  if (typeof name !== 'string' || name.length > 200) errors.push({ field: 'name', reason: 'must be a string of at most 200 characters' });
  if (errors.length > 0) throw new RequestRejectedError(400, 'Invalid key request', errors);
  return { role: role as Role, name: (name as string) || `${String(role)} key` };
}
