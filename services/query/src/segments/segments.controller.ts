import { Readable } from 'node:stream';
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { BackfillJob } from '@journey/projections';
import { isExternalId } from '@journey/contracts';
import { ApiAnswer, ApiRequest, RequestRejectedError, Roles, type FieldProblem } from '@journey/platform';
import { ArchiveSegmentCommand } from './archive-segment/archive-segment.command';
import { CreateSegmentCommand } from './create-segment/create-segment.command';
import { ExportSegmentMembersQuery } from './export-segment-members/export-segment-members.query';
import { GetBackfillJobQuery } from './get-backfill-job/get-backfill-job.query';
import { GetSegmentQuery, type SegmentDetail } from './get-segment/get-segment.query';
import { ListSegmentMembersQuery, type SegmentMemberPage } from './list-segment-members/list-segment-members.query';
import { ListSegmentsQuery } from './list-segments/list-segments.query';
import { PreviewSegmentQuery, type SegmentPreview } from './preview-segment/preview-segment.query';
import { SegmentFlowsQuery, type SegmentFlows } from './segment-flows/segment-flows.query';
import { SegmentHistoryQuery } from './segment-history/segment-history.query';
import { UpdateSegmentCommand } from './update-segment/update-segment.command';
import { dayPeriod, type SegmentSaved, type SegmentView } from './segment-view';

interface ReplyLike {
  header(name: string, value: string): ReplyLike;
  send(body: unknown): unknown;
}

const MAX_PAGE = 1000;

/** Saved segments: definitions (versioned), sizes, members, history, backfill jobs. */
@ApiTags('segments')
@Controller('v1/segments')
@Roles('marketing')
export class SegmentsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Every segment at its current version, with its size now' })
  @ApiQuery({ name: 'archived', required: false, example: 'true' })
  list(@Query('archived') archived?: string): Promise<{ segments: SegmentView[] }> {
    return this.queries.execute(new ListSegmentsQuery(archived === 'true'));
  }

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a segment; a backfill job evaluates it over every customer (see `job`)' })
  @ApiRequest<Record<string, unknown>>({ examples: { example: { summary: 'Shoe lovers', value: { id: 'shoe-lovers', name: 'Bought shoes twice in 90 days', conditions: { all: [{ event: 'PurchaseCompleted', where: { category: 'shoes' }, atLeast: 2, within: '90d' }, { field: 'consent.email:marketing', op: 'eq', value: true }] } } } } })
  create(@Body() body: unknown): Promise<SegmentSaved> {
    return this.commands.execute(new CreateSegmentCommand(body));
  }

  @Post('preview')
  @HttpCode(200)
  @ApiOperation({ summary: 'The count and a sample of the customers a definition would hold now, without saving it' })
  @ApiRequest<Record<string, unknown>>({ examples: { example: { summary: 'Shoe lovers', value: { id: 'shoe-lovers', name: 'Bought shoes twice in 90 days', conditions: { all: [{ event: 'PurchaseCompleted', where: { category: 'shoes' }, atLeast: 2, within: '90d' }, { field: 'consent.email:marketing', op: 'eq', value: true }] } } } } })
  preview(@Body() body: unknown): Promise<SegmentPreview> {
    return this.queries.execute(new PreviewSegmentQuery(body));
  }

  @Get('flows')
  @ApiOperation({ summary: 'Entries and exits of every segment over a period of UTC days (default: the last 30)' })
  flows(@Query('from') from?: string, @Query('to') to?: string): Promise<SegmentFlows> {
    const period = dayPeriod(from, to, new Date().toISOString().slice(0, 10), 30);
    return this.queries.execute(new SegmentFlowsQuery(period.from, period.to));
  }

  @Get(':id')
  @ApiOperation({ summary: 'A segment: its current version, size and latest backfill jobs' })
  get(@Param('id') id: string): Promise<SegmentDetail> {
    return this.queries.execute(new GetSegmentQuery(id));
  }

  @Put(':id')
  @ApiOperation({ summary: 'Save the definition as the next version; a backfill job evaluates it' })
  @ApiRequest<Record<string, unknown>>({ examples: { example: { summary: 'Shoe lovers, in 120 days', value: { id: 'shoe-lovers', name: 'Bought shoes twice in 90 days', conditions: { all: [{ event: 'PurchaseCompleted', where: { category: 'shoes' }, atLeast: 2, within: '120d' }, { field: 'consent.email:marketing', op: 'eq', value: true }] } } } } })
  update(@Param('id') id: string, @Body() body: unknown): Promise<SegmentSaved> {
    return this.commands.execute(new UpdateSegmentCommand(id, body));
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Archive the segment: no longer judged; a job lets its members go' })
  archive(@Param('id') id: string): Promise<SegmentSaved> {
    return this.commands.execute(new ArchiveSegmentCommand(id));
  }

  @Get(':id/members')
  @ApiOperation({ summary: "A page of the segment's members in customer id order; pass `next` back as `after`" })
  @ApiQuery({ name: 'after', required: false, description: 'the `next` of the previous page' })
  @ApiQuery({ name: 'limit', required: false, example: 100 })
  members(@Param('id') id: string, @Query('after') after?: string, @Query('limit') limit?: string): Promise<SegmentMemberPage> {
    const errors: FieldProblem[] = [];
    // `next` is the last customer id of a page: anything else (a parameter given twice is an array) is no cursor.
    if (after !== undefined && !isExternalId(after)) errors.push({ field: 'after', reason: 'must be the `next` of a previous page, given once' });
    const size = limit === undefined ? 100 : typeof limit === 'string' && /^\d+$/.test(limit) ? Number(limit) : 0;
    if (size < 1 || size > MAX_PAGE) errors.push({ field: 'limit', reason: `must be an integer from 1 to ${MAX_PAGE}` });
    if (errors.length > 0) throw new RequestRejectedError(400, 'Invalid page', errors);
    return this.queries.execute(new ListSegmentMembersQuery(id, after ?? '', size));
  }

  @Get(':id/members.csv')
  @ApiOperation({ summary: "The segment's members as a CSV file, streamed as it is read" })
  @ApiAnswer<string>(200, { contentType: 'text/csv' })
  async exportMembers(@Param('id') id: string, @Res() reply: ReplyLike): Promise<void> {
    const lines = await this.queries.execute(new ExportSegmentMembersQuery(id));
    reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="segment-${id}.csv"`)
      .send(Readable.from(lines));
  }

  @Get(':id/history')
  @ApiOperation({ summary: 'Entries, exits and size at the end of each UTC day (default: the last 30 days)' })
  history(@Param('id') id: string, @Query('from') from?: string, @Query('to') to?: string): Promise<unknown> {
    const period = dayPeriod(from, to, new Date().toISOString().slice(0, 10), 30);
    return this.queries.execute(new SegmentHistoryQuery(id, period.from, period.to));
  }

  @Get(':id/jobs/:jobId')
  @ApiOperation({ summary: "A backfill job's progress: customers done of the total, entries and exits so far" })
  job(@Param('id') id: string, @Param('jobId') jobId: string): Promise<BackfillJob> {
    return this.queries.execute(new GetBackfillJobQuery(id, jobId));
  }
}
