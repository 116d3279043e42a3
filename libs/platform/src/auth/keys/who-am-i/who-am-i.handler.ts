import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ROLES } from '../../roles';
import { WhoAmIQuery, type Me } from './who-am-i.query';

@QueryHandler(WhoAmIQuery)
export class WhoAmIHandler implements IQueryHandler<WhoAmIQuery> {
  async execute({ key }: WhoAmIQuery): Promise<Me> {
    return { keyId: key.id, name: key.name, role: key.role, roles: key.role === 'admin' ? [...ROLES] : [key.role] };
  }
}
