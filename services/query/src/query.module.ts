import { Module } from '@nestjs/common';
import { AnalyticsController } from './analytics/analytics.controller';
import { AuditController } from './audit/audit.controller';
import { CustomersController, ExportsController } from './customers/customers.controller';
import { PrivacyController } from './privacy/privacy.controller';

/** Marketing reads of the projections. Needs the PlatformModule in the process. */
@Module({ controllers: [CustomersController, ExportsController, AnalyticsController, AuditController, PrivacyController] })
export class QueryModule {}
