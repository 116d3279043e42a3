import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Max,
  Min,
} from 'class-validator';
import { IsCurrency, IsExternalId, IsMinorUnits, Nested } from '../decorators';
import { Pii } from '../pii';

export const SALES_CHANNELS = ['web', 'mobile_app', 'store', 'phone', 'marketplace', 'other'] as const;
export type SalesChannel = (typeof SALES_CHANNELS)[number];

export class LineItem {
  @IsExternalId() readonly sku!: string;
  @IsOptional() @IsString() @Length(1, 100) readonly category?: string;
  @IsOptional() @IsString() @Length(1, 200) readonly name?: string;
  @IsInt() @Min(1) @Max(100_000) readonly quantity!: number;
  /** Price of one unit in minor units of the order's currency. */
  @IsMinorUnits() readonly unitPrice!: number;
}

export class PurchaseCompleted {
  @IsExternalId() readonly orderId!: string;
  /**
   * The lines ordered; empty when the source named only the amount (Segment's Order Completed
   * may leave out its products): the order still counts, with its total, in no category.
   */
  @IsArray() @ArrayMaxSize(500) @Nested(() => LineItem, { each: true })
  readonly items!: readonly LineItem[];
  /** What the customer paid, in minor units (after discounts, with tax and shipping). */
  @IsMinorUnits() readonly total!: number;
  @IsCurrency() readonly currency!: string;
  @IsOptional() @IsIn(SALES_CHANNELS) readonly channel?: SalesChannel;
  @IsOptional() @IsExternalId() readonly storeId?: string;
  @IsOptional() @IsString() @Length(1, 64) readonly couponCode?: string;
}

export class RefundedItem {
  @IsExternalId() readonly sku!: string;
  @IsInt() @Min(1) @Max(100_000) readonly quantity!: number;
}

export class PurchaseRefunded {
  @IsExternalId() readonly orderId!: string;
  @IsMinorUnits() readonly amount!: number;
  @IsCurrency() readonly currency!: string;
  @Pii() @IsOptional() @IsString() @Length(1, 500) readonly reason?: string;
  @IsOptional() @IsArray() @ArrayMaxSize(500) @Nested(() => RefundedItem, { each: true })
  readonly items?: readonly RefundedItem[];
}
