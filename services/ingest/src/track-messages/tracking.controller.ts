import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { BATCH_EXAMPLE, EXAMPLES } from './tracking.examples';
import { ApiProblems, ApiRequest, Roles } from '@journey/platform';
import type { SegmentBatchBody, SegmentMessageBody } from './segment-message';
import { TrackMessagesCommand } from './track-messages.command';
import type { TrackReply } from './track-reply';

/**
 * Segment's HTTP tracking API: apps instrumented with Segment's or RudderStack's SDKs send here
 * by changing only the host. The write key is an ingest API key (Basic auth, or Bearer).
 */
@ApiTags('tracking')
@Controller('v1')
@Roles('ingest')
export class TrackingController {
  constructor(private readonly commands: CommandBus) {}

  @Post('batch')
  @HttpCode(200)
  @ApiRequest<SegmentBatchBody>({ examples: { batch: { summary: 'An order and an identify', value: BATCH_EXAMPLE } } })
  @ApiProblems(413, 415)
  @ApiOperation({ summary: 'A batch of Segment messages (at most 500 KB, 32 KB each): 200 with what became of each message' })
  batch(@Body() body: unknown): Promise<TrackReply> {
    return this.commands.execute(new TrackMessagesCommand('batch', body));
  }

  @Post('track')
  @HttpCode(200)
  @ApiRequest<SegmentMessageBody>({ examples: { track: { summary: 'A track call', value: EXAMPLES.track } } })
  @ApiOperation({ summary: 'What a user did: mapped to an event type by its name, or kept as a CustomEvent' })
  track(@Body() body: unknown): Promise<TrackReply> {
    return this.commands.execute(new TrackMessagesCommand('track', body));
  }

  @Post('identify')
  @HttpCode(200)
  @ApiRequest<SegmentMessageBody>({ examples: { identify: { summary: 'A identify call', value: EXAMPLES.identify } } })
  @ApiOperation({ summary: 'Who a user is: traits as a profile update; with an anonymousId, the visitor linked' })
  identify(@Body() body: unknown): Promise<TrackReply> {
    return this.commands.execute(new TrackMessagesCommand('identify', body));
  }

  @Post('page')
  @HttpCode(200)
  @ApiRequest<SegmentMessageBody>({ examples: { page: { summary: 'A page call', value: EXAMPLES.page } } })
  @ApiOperation({ summary: 'A page viewed on a website (a PageViewed)' })
  page(@Body() body: unknown): Promise<TrackReply> {
    return this.commands.execute(new TrackMessagesCommand('page', body));
  }

  @Post('screen')
  @HttpCode(200)
  @ApiRequest<SegmentMessageBody>({ examples: { screen: { summary: 'A screen call', value: EXAMPLES.screen } } })
  @ApiOperation({ summary: 'A screen viewed in a mobile app (a PageViewed)' })
  screen(@Body() body: unknown): Promise<TrackReply> {
    return this.commands.execute(new TrackMessagesCommand('screen', body));
  }

  @Post('alias')
  @HttpCode(200)
  @ApiRequest<SegmentMessageBody>({ examples: { alias: { summary: 'A alias call', value: EXAMPLES.alias } } })
  @ApiOperation({ summary: 'The previous id of a user linked to the user id (an IdentityLinked)' })
  alias(@Body() body: unknown): Promise<TrackReply> {
    return this.commands.execute(new TrackMessagesCommand('alias', body));
  }

  @Post('group')
  @HttpCode(200)
  @ApiRequest<SegmentMessageBody>({ examples: { group: { summary: 'A group call', value: EXAMPLES.group } } })
  @ApiOperation({ summary: 'The group (account, company) a user belongs to (a CustomEvent named Group)' })
  group(@Body() body: unknown): Promise<TrackReply> {
    return this.commands.execute(new TrackMessagesCommand('group', body));
  }
}
