import { IsObject, IsOptional, IsString, Length } from 'class-validator';

/**
 * Something an upstream app tracked that has no type of its own here (a Segment `track` whose
 * name the mapping table does not know): kept by its name with its properties, so rules and
 * segments can match `event.data.name` and read `event.data.properties.*`.
 */
export class CustomEvent {
  /** The name the app tracked, as it spelled it (`Newsletter Subscribed`). */
  @IsString() @Length(1, 200) readonly name!: string;
  /** The properties as sent; not encrypted, so apps should not put personal data here. */
  @IsOptional() @IsObject() readonly properties?: Readonly<Record<string, unknown>>;
}
