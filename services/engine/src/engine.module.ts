import { Module, type DynamicModule } from '@nestjs/common';
import { IngestModule } from '@journey/ingest';
import { PlatformModule, type PlatformOptions } from '@journey/platform';
import { ProjectorModule } from '@journey/projector';
import { QueryModule } from '@journey/query';
import { SagaModule } from '@journey/saga';

/** Everything in one process: the default `npm start`. */
@Module({})
export class EngineModule {
  static forRoot(options: PlatformOptions): DynamicModule {
    return { module: EngineModule, imports: [PlatformModule.forRoot(options), IngestModule, ProjectorModule, QueryModule, SagaModule] };
  }
}
