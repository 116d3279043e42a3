import { Module } from '@nestjs/common';
import { AnalyticsController } from './analytics/analytics.controller';
import { CampaignResultsHandler } from './analytics/campaign-results/campaign-results.handler';
import { LifecycleFunnelHandler } from './analytics/lifecycle-funnel/lifecycle-funnel.handler';
import { RetentionHandler } from './analytics/retention/retention.handler';
import { SalesForecastHandler } from './analytics/sales-forecast/sales-forecast.handler';
import { PredictionSummaryHandler } from './analytics/prediction-summary/prediction-summary.handler';
import { ValueGridHandler } from './analytics/value-grid/value-grid.handler';
import { WeeklyHandler } from './analytics/weekly/weekly.handler';
import { AuditController } from './audit/audit.controller';
import { CustomerAsOfHandler } from './audit/customer-as-of/customer-as-of.handler';
import { ReadAccessLogHandler } from './audit/read-access-log/read-access-log.handler';
import { ReplayCheckHandler } from './audit/replay-check/replay-check.handler';
import { GetReplayCheckHandler } from './audit/replay-check-job/get-replay-check.handler';
import { ListReplayChecksHandler } from './audit/replay-check-job/list-replay-checks.handler';
import { StartReplayCheckHandler } from './audit/replay-check-job/start-replay-check.handler';
import { VerifyAllHandler } from './audit/verify-all/verify-all.handler';
import { VerifyStreamHandler } from './audit/verify-stream/verify-stream.handler';
import { JobsController } from './jobs/jobs.controller';
import { InterruptedJobs } from './jobs/interrupted-jobs';
import { ListJobsHandler } from './jobs/list-jobs/list-jobs.handler';
import { CustomersController } from './customers/customers.controller';
import { ExportCustomersHandler } from './customers/export-customers/export-customers.handler';
import { ExportsController } from './customers/export-customers/exports.controller';
import { CustomerJourneyHandler } from './customers/customer-journey/customer-journey.handler';
import { GetCustomerHandler } from './customers/get-customer/get-customer.handler';
import { ListCustomersHandler } from './customers/list-customers/list-customers.handler';
import { ExportCustomerHandler } from './privacy/export-customer/export-customer.handler';
import { ForgetCustomerHandler } from './privacy/forget-customer/forget-customer.handler';
import { PrivacyController } from './privacy/privacy.controller';
import { ArchiveSegmentHandler } from './segments/archive-segment/archive-segment.handler';
import { CreateSegmentHandler } from './segments/create-segment/create-segment.handler';
import { ExportSegmentMembersHandler } from './segments/export-segment-members/export-segment-members.handler';
import { GetBackfillJobHandler } from './segments/get-backfill-job/get-backfill-job.handler';
import { GetSegmentHandler } from './segments/get-segment/get-segment.handler';
import { ListSegmentMembersHandler } from './segments/list-segment-members/list-segment-members.handler';
import { ListSegmentsHandler } from './segments/list-segments/list-segments.handler';
import { PreviewSegmentHandler } from './segments/preview-segment/preview-segment.handler';
import { SegmentFlowsHandler } from './segments/segment-flows/segment-flows.handler';
import { SegmentHistoryHandler } from './segments/segment-history/segment-history.handler';
import { UpdateSegmentHandler } from './segments/update-segment/update-segment.handler';
import { RunBackfillHandler } from './segments/run-backfill/run-backfill.handler';
import { SegmentsController } from './segments/segments.controller';

/** Marketing (customers, segments), audit and privacy reads of the projections and the log, one handler per use case. Needs the PlatformModule in the process. */
@Module({
  controllers: [CustomersController, ExportsController, AnalyticsController, AuditController, PrivacyController, SegmentsController, JobsController],
  providers: [
    ListCustomersHandler,
    GetCustomerHandler,
    CustomerJourneyHandler,
    ExportCustomersHandler,
    LifecycleFunnelHandler,
    ValueGridHandler,
    RetentionHandler,
    SalesForecastHandler,
    WeeklyHandler,
    PredictionSummaryHandler,
    CampaignResultsHandler,
    VerifyStreamHandler,
    VerifyAllHandler,
    CustomerAsOfHandler,
    ReplayCheckHandler,
    StartReplayCheckHandler,
    GetReplayCheckHandler,
    ListReplayChecksHandler,
    InterruptedJobs,
    ReadAccessLogHandler,
    ExportCustomerHandler,
    ForgetCustomerHandler,
    ArchiveSegmentHandler,
    CreateSegmentHandler,
    ExportSegmentMembersHandler,
    GetBackfillJobHandler,
    GetSegmentHandler,
    ListSegmentMembersHandler,
    ListSegmentsHandler,
    PreviewSegmentHandler,
    SegmentFlowsHandler,
    SegmentHistoryHandler,
    UpdateSegmentHandler,
    RunBackfillHandler,
    ListJobsHandler,
  ],
})
export class QueryModule {}
