import { Module } from '@nestjs/common';
import { CustomersController } from './customers/customers.controller';

/** Marketing reads of the projections. Needs the PlatformModule in the process. */
@Module({ controllers: [CustomersController] })
export class QueryModule {}
