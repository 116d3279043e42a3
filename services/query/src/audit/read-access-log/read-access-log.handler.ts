import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ACCESS_LOG, type AccessLog } from '@journey/platform';
import { ReadAccessLogQuery, type AccessLogPage } from './read-access-log.query';

@QueryHandler(ReadAccessLogQuery)
export class ReadAccessLogHandler implements IQueryHandler<ReadAccessLogQuery> {
  constructor(@Inject(ACCESS_LOG) private readonly accessLog: AccessLog) {}

  async execute({ filter }: ReadAccessLogQuery): Promise<AccessLogPage> {
    // What was buffered before the question is part of the answer.
    await this.accessLog.flush();
    const entries = await this.accessLog.read(filter);
    return { entries, next: entries.length === filter.limit ? entries[entries.length - 1]!.id : null };
  }
}
