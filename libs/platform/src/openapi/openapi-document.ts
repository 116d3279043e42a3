import type { OpenAPIObject } from '@nestjs/swagger';
import { eventSchemas } from '@journey/contracts';
import { ROLES } from '../auth/roles';
import { STATUS_TEXT } from './api-answer';
import { ROUTE_SCHEMAS } from './route-schemas.generated';
import type { JsonSchema, RouteSchemas } from './route-schemas';

type Operation = {
  responses: Record<string, { description: string; content?: Record<string, { schema: JsonSchema }> }>;
  requestBody?: unknown;
  security?: Array<Record<string, string[]>>;
  parameters?: Array<{ in: string; name: string; required?: boolean }>;
};

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

export const PROBLEM_SCHEMA: JsonSchema = {
  type: 'object',
  description: 'An RFC 9457 problem (application/problem+json)',
  required: ['type', 'title', 'status'],
  properties: {
    type: { type: 'string', example: 'urn:journey:problem:invalid-event' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    errors: { type: 'array', items: { type: 'object', required: ['field', 'reason'], properties: { field: { type: 'string' }, reason: { type: 'string' } } } },
  },
  additionalProperties: true,
};

/**
 * Completes the document Nest derives from the decorators with what the code says and the
 * decorators cannot: every route's answer and body schemas (generated from its types), the
 * roles it admits as security schemes, and the problems it may answer.
 */
export function completeDocument(document: OpenAPIObject, schemas: RouteSchemas = ROUTE_SCHEMAS): OpenAPIObject {
  // 3.1: the schemas are JSON Schema 2020-12 (a value that may be null is `type: null` in a union).
  document.openapi = '3.1.0';
  document.components = {
    ...document.components,
    schemas: {
      ...(document.components?.schemas ?? {}),
      ...(schemas.components as Record<string, object>),
      // The event contracts as their validator reads them (with their limits), over their TypeScript shapes.
      ...(eventSchemas().definitions as Record<string, object>),
      Problem: PROBLEM_SCHEMA as object,
    },
    securitySchemes: {
      ...Object.fromEntries(ROLES.map((role) => [role, { type: 'http', scheme: 'bearer', description: `An API key with the ${role} role${role === 'admin' ? ' (admitted on every route)' : ''}` }])),
      writeKey: { type: 'http', scheme: 'basic', description: 'Segment\'s write-key scheme: an ingest API key as the user name, the password empty' },
    },
  };
  delete (document as { security?: unknown }).security;
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation = (item as Record<string, Operation | undefined>)[method];
      if (!operation) continue;
      const route = schemas.routes[`${method.toUpperCase()} ${path}`];
      if (route) {
        const roles = route.roles === 'public' ? [] : [...new Set([...route.roles, 'admin'])];
        operation.security = [...roles.map((role) => ({ [role]: [] })), ...(roles.includes('ingest') ? [{ writeKey: [] }] : [])];
        if (!route.responses['201'] && operation.responses['201']?.description === '') delete operation.responses['201'];
        for (const [status, answer] of Object.entries(route.responses)) {
          operation.responses[status] = {
            description: operation.responses[status]?.description || STATUS_TEXT[Number(status)] || status,
            ...(answer.schema ? { content: { [answer.contentType ?? 'application/json']: { schema: answer.schema } } } : {}),
          };
        }
        // A parameter named by @Query and described by @ApiQuery is one parameter.
        const byName = new Map<string, { in: string; name: string; required?: boolean }>();
        for (const parameter of operation.parameters ?? []) byName.set(`${parameter.in}:${parameter.name}`, { ...byName.get(`${parameter.in}:${parameter.name}`), ...parameter });
        if (operation.parameters) operation.parameters = [...byName.values()];
        for (const parameter of operation.parameters ?? []) {
          const declared = parameter.in === 'query' ? route.query?.[parameter.name] : undefined;
          if (declared) parameter.required = declared.required;
        }
        if (route.requestBody) {
          const given = (operation.requestBody as { content?: Record<string, Record<string, unknown>> } | undefined)?.content?.['application/json'];
          operation.requestBody = { required: true, content: { 'application/json': { ...given, schema: route.requestBody } } };
        }
      }
      for (const status of problemsOf(method, path, route?.roles === 'public', operation)) {
        const given = operation.responses[String(status)];
        if (given?.content) continue;
        operation.responses[String(status)] = { description: given?.description || STATUS_TEXT[status] || String(status), content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } };
      }
    }
  }
  return document;
}

/** The refusals any route of its kind may answer, and those its decorators name. */
function problemsOf(method: string, path: string, open: boolean, operation: Operation): number[] {
  const statuses = new Set<number>([400, 429, 500, 503]);
  if (!open) [401, 403].forEach((s) => statuses.add(s));
  if (path.includes('{')) statuses.add(404);
  if (method === 'post' || method === 'put' || method === 'patch') [413, 415].forEach((s) => statuses.add(s));
  for (const status of Object.keys(operation.responses)) if (Number(status) >= 400) statuses.add(Number(status));
  return [...statuses].sort();
}
