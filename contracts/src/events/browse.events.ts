import {
  ArrayMaxSize,
  IsArray,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Max,
  Min,
} from 'class-validator';
import { IsCurrency, IsCurrencyOf, IsExternalId, IsMinorUnits, Nested } from '../decorators';
import { LineItem } from './commerce.events';
import { Pii } from '../pii';

export class PageViewed {
  @IsString() @Length(1, 2048) readonly url!: string;
  @IsOptional() @IsString() @Length(1, 300) readonly title?: string;
  @IsOptional() @IsString() @Length(1, 2048) readonly referrer?: string;
}

export class ProductViewed {
  @IsExternalId() readonly sku!: string;
  @IsOptional() @IsString() @Length(1, 100) readonly category?: string;
  @IsOptional() @IsString() @Length(1, 200) readonly name?: string;
  @IsOptional() @IsMinorUnits() readonly price?: number;
  @IsCurrencyOf('price') readonly currency?: string;
}

export class SearchPerformed {
  /** What the visitor typed: free text, so personal data. */
  @Pii() @IsString() @Length(1, 500) readonly query!: string;
  @IsOptional() @IsInt() @Min(0) @Max(1_000_000_000) readonly resultsCount?: number;
}

/** The cart as it stands after a change. */
export class CartUpdated {
  @IsExternalId() readonly cartId!: string;
  @IsArray() @ArrayMaxSize(500) @Nested(() => LineItem, { each: true })
  readonly items!: readonly LineItem[];
  @IsMinorUnits() readonly total!: number;
  @IsCurrency() readonly currency!: string;
}
