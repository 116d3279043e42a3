import { IsBoolean, IsIn, IsInt, IsNumber, IsObject, IsOptional, IsString, IsUUID, Length, Max, Min } from 'class-validator';
import { IsCurrency, IsInstant, Nested } from '../decorators';

/** Churn risk (1 − P(alive)) in bands. */
export const CHURN_BANDS = ['low', 'medium', 'high'] as const;
export type ChurnBand = (typeof CHURN_BANDS)[number];

/** The purchase models' stream: every fit is appended to it. */
export const PURCHASE_MODEL_STREAM = 'model-purchase';

class FitQuality {
  @IsNumber() readonly logLikelihood!: number;
  @IsInt() @Min(0) readonly iterations!: number;
  @IsBoolean() readonly converged!: boolean;
  @IsInt() @Min(0) readonly customers!: number;
}

export class BgNbdFitted extends FitQuality {
  @IsNumber() @Min(0) readonly r!: number;
  @IsNumber() @Min(0) readonly alpha!: number;
  @IsNumber() @Min(0) readonly a!: number;
  @IsNumber() @Min(0) readonly b!: number;
}

export class GammaGammaFitted extends FitQuality {
  @IsNumber() @Min(0) readonly p!: number;
  @IsNumber() @Min(0) readonly q!: number;
  @IsNumber() @Min(0) readonly gamma!: number;
}

export class DataWindow {
  @IsInstant() readonly from!: string;
  @IsInstant() readonly to!: string;
}

/**
 * A fit of the purchase models (BG/NBD and Gamma-Gamma): what every prediction of that run was
 * made with. Its time unit is the week; spend is in minor units of `currency`.
 */
export class ModelFitted {
  @IsUUID() readonly fitId!: string;
  @IsIn(['bg-nbd/gamma-gamma']) readonly model!: 'bg-nbd/gamma-gamma';
  @IsIn(['week']) readonly timeUnit!: 'week';
  @IsObject() @Nested(() => DataWindow) readonly window!: DataWindow;
  @IsObject() @Nested(() => BgNbdFitted) readonly bgNbd!: BgNbdFitted;
  /** Absent when too few customers bought twice to fit the spend model (one-purchase customers then get the mean order value). */
  @IsOptional() @IsObject() @Nested(() => GammaGammaFitted) readonly gammaGamma?: GammaGammaFitted;
  @IsCurrency() readonly currency!: string;
  @IsNumber() @Min(0) @Max(1) readonly annualDiscountRate!: number;
  @IsInt() @Min(0) readonly durationMs!: number;
  @IsOptional() @IsString() @Length(1, 200) readonly trigger?: string;
}

/** A customer's churn-risk band changed at a scoring run. */
export class ChurnRiskChanged {
  @IsOptional() @IsIn(CHURN_BANDS) readonly from?: ChurnBand | null;
  @IsIn(CHURN_BANDS) readonly to!: ChurnBand;
  @IsNumber() @Min(0) @Max(1) readonly pAlive!: number;
  @IsUUID() readonly fitId!: string;
}
