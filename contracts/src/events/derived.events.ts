import {
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  Min,
} from 'class-validator';
import { IsCurrencyOf, IsExternalId, IsInstant, IsMinorUnits, Nested } from '../decorators';

/** Events the engine derives itself; upstream apps may not publish them. Their source is `journey`. */
export const LIFECYCLE_STAGES = [
  'prospect',
  'first_time',
  'repeat',
  'loyal',
  'at_risk',
  'churned',
  'reactivated',
] as const;
export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number];

export const VALUE_TIERS = ['high', 'medium', 'low'] as const;
export type ValueTier = (typeof VALUE_TIERS)[number];

export const RFM_SEGMENTS = [
  'Champions',
  'Loyal',
  'Potential Loyalist',
  'New',
  'Promising',
  'Need Attention',
  'About to Sleep',
  'At Risk',
  "Can't Lose Them",
  'Hibernating',
  'Lost',
] as const;
export type RfmSegment = (typeof RFM_SEGMENTS)[number];

export const ACTION_CHANNELS = ['webhook', 'kafka', 'log'] as const;
export type ActionChannel = (typeof ACTION_CHANNELS)[number];

export const SUPPRESSION_REASONS = [
  'frequency_cap',
  'global_cap',
  'quiet_hours',
  'no_consent',
  'holdout',
  'forgotten',
  'depth_limit',
  'template_error',
] as const;
export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];

export class LifecycleStageChanged {
  @IsOptional() @IsIn(LIFECYCLE_STAGES) readonly from?: LifecycleStage | null;
  @IsIn(LIFECYCLE_STAGES) readonly to!: LifecycleStage;
  @IsString() @Length(1, 200) readonly reason!: string;
}

export class RfmScores {
  @IsInt() @Min(1) @Max(5) readonly recency!: number;
  @IsInt() @Min(1) @Max(5) readonly frequency!: number;
  @IsInt() @Min(1) @Max(5) readonly monetary!: number;
}

export class ValueTierChanged {
  @IsOptional() @IsIn(VALUE_TIERS) readonly from?: ValueTier | null;
  @IsIn(VALUE_TIERS) readonly to!: ValueTier;
  @IsObject() @Nested(() => RfmScores) readonly rfm!: RfmScores;
  @IsIn(RFM_SEGMENTS) readonly segment!: RfmSegment;
}

class ActionEvent {
  @IsExternalId() readonly ruleId!: string;
  @IsInt() @Min(1) readonly ruleVersion!: number;
  @IsUUID() readonly actionId!: string;
  @IsUUID() readonly triggerEventId!: string;
}

export class ActionScheduled extends ActionEvent {
  @IsIn(ACTION_CHANNELS) readonly channel!: ActionChannel;
  @IsInstant() readonly dueAt!: string;
}

export class ActionDispatched extends ActionEvent {
  @IsIn(ACTION_CHANNELS) readonly channel!: ActionChannel;
  @IsInt() @Min(1) readonly attempt!: number;
}

export class ActionFailed extends ActionEvent {
  @IsIn(ACTION_CHANNELS) readonly channel!: ActionChannel;
  @IsInt() @Min(1) readonly attempts!: number;
  @IsString() @Length(1, 2000) readonly error!: string;
}

export class ActionSuppressed {
  @IsExternalId() readonly ruleId!: string;
  @IsInt() @Min(1) readonly ruleVersion!: number;
  @IsUUID() readonly triggerEventId!: string;
  @IsIn(SUPPRESSION_REASONS) readonly reason!: SuppressionReason;
}

export class ConversionAttributed {
  @IsExternalId() readonly ruleId!: string;
  @IsInt() @Min(1) readonly ruleVersion!: number;
  @IsOptional() @IsUUID() readonly actionId?: string;
  @IsUUID() readonly conversionEventId!: string;
  @IsString() @Length(1, 100) readonly goalType!: string;
  @IsBoolean() readonly holdout!: boolean;
  @IsOptional() @IsMinorUnits() readonly value?: number;
  @IsCurrencyOf('value') readonly currency?: string;
}

/**
 * A customer's membership of a saved segment changed. `change` numbers the changes of one
 * customer's membership of one segment (1 the first entry, 2 its exit, …): the event id derives
 * from it, so a change decided again (a pass run again, the clock and the backfill racing) is
 * stored once, and a fold applies each change once, in order.
 */
class SegmentMembershipEvent {
  @IsExternalId() readonly segmentId!: string;
  @IsInt() @Min(1) readonly segmentVersion!: number;
  @IsInt() @Min(1) readonly change!: number;
  /** The event whose fold caused it, when an event did. */
  @IsOptional() @IsUUID() readonly causeEventId?: string;
  /** The clock's review instant, when the passing of time caused it. */
  @IsOptional() @IsInstant() readonly causeTick?: string;
  /** The backfill job, when evaluating a new or edited segment over every customer caused it. */
  @IsOptional() @IsUUID() readonly backfillJobId?: string;
  @IsBoolean() readonly backfill!: boolean;
}

export class SegmentEntered extends SegmentMembershipEvent {}
export class SegmentExited extends SegmentMembershipEvent {}
