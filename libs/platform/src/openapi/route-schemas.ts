import type { Role } from '../auth/roles';

/** A JSON Schema, as the OpenAPI document carries it. */
export type JsonSchema = Readonly<Record<string, unknown>>;

/** What the generator read from one route's code: who may call it, what it takes, what it answers. */
export interface RouteSchema {
  readonly roles: readonly Role[] | 'public';
  /** By status: the body's content type and schema (none for an empty answer such as 204). */
  readonly responses: Readonly<Record<string, { readonly contentType?: string; readonly schema?: JsonSchema }>>;
  readonly requestBody?: JsonSchema;
  /** Query parameters the method names one by one, and whether it needs them. */
  readonly query?: Readonly<Record<string, { readonly required: boolean }>>;
  /** The controller the route is declared in. */
  readonly source: string;
}

export interface RouteSchemas {
  /** The project's named types the routes refer to (`#/components/schemas/<name>`). */
  readonly components: Readonly<Record<string, JsonSchema>>;
  /** By `METHOD /path/{param}`, as the OpenAPI document names operations. */
  readonly routes: Readonly<Record<string, RouteSchema>>;
}
