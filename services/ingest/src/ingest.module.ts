import { Module } from '@nestjs/common';
import { AppendEventsHandler } from './append-events/append-events.handler';
import { IngestController } from './append-events/ingest.controller';
import { ReadStreamController } from './read-stream/read-stream.controller';

/** HTTP ingest of events, and the stream read-back. Needs the PlatformModule in the process. */
@Module({
  controllers: [IngestController, ReadStreamController],
  providers: [AppendEventsHandler],
})
export class IngestModule {}
