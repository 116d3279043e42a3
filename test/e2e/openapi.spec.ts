import { execFileSync } from 'node:child_process';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { sampleEvent } from '../support/sample-events';
import { startEngine, type EngineUnderTest } from '../support/engine-app';
import { backends, createTestDatabase, type TestDatabase } from '../support/test-database';
import { until } from '../support/until';

type Schema = Record<string, unknown>;
interface Operation {
  readonly summary?: string;
  readonly security?: ReadonlyArray<Record<string, unknown>>;
  readonly parameters?: ReadonlyArray<{ name: string; in: string; required?: boolean; example?: unknown; schema?: { example?: unknown } }>;
  readonly requestBody?: { content: Record<string, { schema?: Schema; example?: unknown; examples?: Record<string, { value: unknown }> }> };
  readonly responses: Record<string, { description: string; content?: Record<string, { schema?: Schema }> }>;
}
interface Document {
  readonly openapi: string;
  readonly paths: Record<string, Record<string, Operation>>;
  readonly components: { schemas: Record<string, Schema>; securitySchemes: Record<string, unknown> };
}

const backend = backends()[0]!;
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
/** Operations that destroy what others read run last. */
const LAST = (key: string): number => (key.startsWith('DELETE') || key.includes('/forget') ? 1 : 0);

/**
 * The OpenAPI document against the engine's real answers: every operation it lists (so routes
 * added later are covered without touching this file) is called with its documented example
 * and every answer must be one the document describes, body and content type included.
 */
describe(`the OpenAPI document tells the truth (${backend})`, () => {
  let t: TestDatabase | undefined;
  let engine: EngineUnderTest;
  let document: Document;
  // The ids the documented examples use (a fresh database per test file).
  const customerId = 'c-42';
  const values: Record<string, string> = {};

  beforeAll(async () => {
    if (backend === 'postgres') t = await createTestDatabase('postgres', 4);
    engine = await startEngine(backend, t?.url, { JOURNEY_RATE_LIMITS: 'off' });
    const events = [sampleEvent('CustomerRegistered', { customerId }), sampleEvent('PurchaseCompleted', { customerId, occurredAt: new Date(Date.now() - 60_000).toISOString() })];
    expect((await engine.request({ method: 'POST', url: '/v1/events', body: { events } })).status).toBe(202);
    await until(async () => ((await engine.request({ method: 'GET', url: `/v1/customers/${customerId}` })).status === 200 ? true : undefined), 120_000, 'the 360');
    const key = await engine.request({ method: 'POST', url: '/v1/keys', body: { role: 'ingest', name: 'to revoke' } });
    Object.assign(values, { customerId, streamId: `customer-${customerId}`, // POST /v1/rules (its example) comes before the routes of one rule in the document.
      ruleId: 'thank-buyers', keyId: (key.json().apiKey as { id: string }).id });
    const answer = await engine.request({ method: 'GET', url: '/docs/openapi.json', key: null });
    expect(answer.status).toBe(200);
    document = answer.json() as unknown as Document;
  });
  afterAll(async () => {
    await engine?.close();
    await t?.drop();
  });

  const operations = (): Array<[string, string, string, Operation]> =>
    Object.entries(document.paths).flatMap(([path, item]) =>
      METHODS.filter((m) => item[m]).map((m) => [`${m.toUpperCase()} ${path}`, m, path, item[m]!] as [string, string, string, Operation]),
    );

  it('is a valid OpenAPI 3.1 document', () => {
    const script = `import { Validator } from '@seriousme/openapi-schema-validator';
      let text = ''; for await (const chunk of process.stdin) text += chunk;
      const result = await new Validator().validate(JSON.parse(text));
      process.stdout.write(JSON.stringify(result));`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { input: JSON.stringify(document), cwd: process.cwd() }).toString();
    const result = JSON.parse(out) as { valid: boolean; errors?: unknown };
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(document.openapi).toBe('3.1.0');
  });

  it('documents every operation: a summary, its roles, an answer schema for each success and problem+json for each refusal', () => {
    const gaps: string[] = [];
    for (const [key, , , operation] of operations()) {
      const statuses = Object.keys(operation.responses);
      const successes = statuses.filter((s) => s.startsWith('2'));
      if (!operation.summary) gaps.push(`${key}: no summary`);
      if (successes.length === 0) gaps.push(`${key}: no success answer`);
      for (const status of successes) {
        if (status !== '204' && !Object.values(operation.responses[status]!.content ?? {}).some((c) => c.schema)) gaps.push(`${key} ${status}: no schema`);
      }
      for (const status of statuses.filter((s) => Number(s) >= 400)) {
        // Refusals are problems; /health's 503 is its own report of what is down.
        const content = operation.responses[status]!.content ?? {};
        if (!content['application/problem+json'] && !(key === 'GET /health' && content['application/json'])) gaps.push(`${key} ${status}: not described as problem+json`);
      }
      if (key !== 'GET /health' && !(operation.security ?? []).some((s) => 'admin' in s)) gaps.push(`${key}: no security scheme of a role`);
      if (key === 'POST /v1/events' && (!statuses.includes('202') || statuses.includes('201'))) gaps.push(`${key}: answers 202, not 201`);
    }
    expect(gaps).toEqual([]);
  });

  it('describes every real answer: status, content type and body', async () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
    addFormats(ajv);
    ajv.addSchema({ $id: 'doc', components: document.components } as Schema);
    const mismatches: string[] = [];
    const unsuccessful: string[] = [];
    const ordered = operations().sort((a, b) => LAST(a[0]) - LAST(b[0]));
    for (const [key, method, path, operation] of ordered) {
      const url = path.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(exampleOf(name, path)));
      const query = (operation.parameters ?? []).filter((p) => p.in === 'query' && p.required).map((p) => `${p.name}=${encodeURIComponent(String(p.example ?? p.schema?.example ?? ''))}`);
      const json = operation.requestBody?.content['application/json'];
      const body = json ? (json.example ?? Object.values(json.examples ?? {})[0]?.value ?? {}) : undefined;
      if (json?.schema && body !== undefined) {
        const validateBody = ajv.compile(rebase(json.schema));
        if (!validateBody(body)) mismatches.push(`${key}: its example body does not match its request schema: ${ajv.errorsText(validateBody.errors)}`);
      }
      for (const keyGiven of [undefined, null] as const) {
        if (keyGiven === null && key === 'GET /health') continue;
        const response = await engine.request({ method: method.toUpperCase() as 'GET', url: query.length ? `${url}?${query.join('&')}` : url, body, key: keyGiven });
        // With the admin key and the documented example, a route over the data made above succeeds.
        if (keyGiven === undefined && (response.status < 200 || response.status > 299) && !url.includes('unknown-')) unsuccessful.push(`${key}: ${response.status} ${response.body.slice(0, 200)}`);
        const documented = operation.responses[String(response.status)];
        if (!documented) {
          mismatches.push(`${key} ${keyGiven === null ? '(no key) ' : ''}answered ${response.status}, which is not documented: ${response.body.slice(0, 300)}`);
          continue;
        }
        const contentType = String(response.headers['content-type'] ?? '').split(';')[0]!;
        const content = documented.content;
        if (!content) {
          if (response.body.length > 0) mismatches.push(`${key} ${response.status}: a body where none is documented`);
          continue;
        }
        const described = content[contentType];
        if (!described) {
          mismatches.push(`${key} ${response.status}: ${contentType} is not among ${Object.keys(content).join(', ')}`);
          continue;
        }
        if (!described.schema || !contentType.includes('json')) continue;
        const validate = ajv.compile(rebase(described.schema));
        if (!validate(response.json())) mismatches.push(`${key} ${response.status}: ${ajv.errorsText(validate.errors)} in ${response.body.slice(0, 300)}`);
      }
    }
    expect(mismatches).toEqual([]);
    expect(unsuccessful).toEqual([]);
  });

  it('would catch an answer the document does not describe', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ $id: 'doc', components: document.components } as Schema);
    const schema = document.paths['/v1/batch']!.post!.responses['200']!.content!['application/json']!.schema!;
    const validate = ajv.compile(rebase(schema));
    expect(validate({ success: true, accepted: 1, duplicates: 0, rejected: 0, results: [{ index: 0, status: 'accepted', eventIds: [] }] })).toBe(true);
    expect(validate({ success: 'yes', accepted: 1 })).toBe(false);
    expect(validate({ success: true, accepted: 1, duplicates: 0, rejected: 0, results: [{ index: 0, status: 'lost', eventIds: [] }] })).toBe(false);
  });

  /** Example values of path parameters: the data made above, by the parameter's name and where it is. */
  function exampleOf(name: string, path: string): string {
    if (name === 'id') return path.startsWith('/v1/keys') ? values.keyId! : path.startsWith('/v1/rules') ? values.ruleId! : 'unknown-id';
    return values[name] ?? `unknown-${name}`;
  }
});

/** The document's `#/components/...` refs, resolved inside the schema registered as `doc`. */
function rebase(schema: Schema): Schema {
  return JSON.parse(JSON.stringify(schema).replace(/"#\/components\//g, '"doc#/components/')) as Schema;
}
