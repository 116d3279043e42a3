import Handlebars from 'handlebars';
import { EVENT_CATALOGUE, isEventType, type EventType } from '@journey/contracts';
import { getMetadataStorage } from 'class-validator';
import { nestedTypeOf } from '@journey/contracts';

/** Templates render with these roots; nothing else exists. */
export interface TemplateContext {
  readonly customer: unknown;
  readonly event: unknown;
  readonly params: unknown;
}

const handlebars = Handlebars.create();
/** {{money amount currency}} → "89.99 EUR" (minor units, two decimals). */
handlebars.registerHelper('money', (amount: unknown, currency: unknown) =>
  typeof amount === 'number' ? `${(amount / 100).toFixed(2)} ${typeof currency === 'string' ? currency : ''}`.trim() : '',
);
/** {{json value}}: a value as JSON, for templates that build JSON bodies. */
handlebars.registerHelper('json', (value: unknown) => new handlebars.SafeString(JSON.stringify(value ?? null)));

const HELPERS = new Set(['money', 'json', 'if', 'unless', 'each', 'with', 'lookup', 'log']);

/** Any key below a `*`; `true` marks a leaf. */
type Shape = { readonly [key: string]: Shape | true };
const ANY: Shape = { '*': true };

/** The customer 360 view (`customer360View`), as templates may read it. */
const CUSTOMER: Shape = {
  customerId: true,
  profile: { name: true, email: true, phone: true, birthday: true, country: true, city: true, timezone: true, attributes: ANY },
  registeredAt: true,
  signupChannel: true,
  identities: ANY,
  consent: { '*': { granted: true, at: true } },
  commerce: {
    orders: true,
    refunds: true,
    firstPurchaseAt: true,
    lastPurchaseAt: true,
    byCurrency: { '*': { orders: true, revenue: true, refunds: true, averageOrderValue: true } },
    base: { currency: true, netRevenue: true, averageOrderValue: true },
    unconverted: ANY,
    topCategories: ANY,
    topProducts: ANY,
  },
  activity: { views: true, searches: true, carts: true, lastActivityAt: true },
  support: { openTickets: ANY, ticketsTotal: true, lastSatisfaction: true, nps: true },
  messaging: { sent: true, delivered: true, opened: true, clicked: true, replied: true, bounced: true, lastEngagementAt: true },
  lifecycle: { stage: true, since: true, nextReviewAt: true },
  value: { tier: true, segment: true, rfm: { recency: true, frequency: true, monetary: true }, since: true },
  forgotten: true,
};

/** The fields an event of the type carries: the envelope's and its payload class's. */
function eventShape(type: EventType | undefined): Shape {
  const envelope = { eventId: true, type: true, version: true, customerId: true, anonymousId: true, occurredAt: true, source: true, metadata: ANY } as const;
  if (!type) return { ...envelope, data: ANY };
  return { ...envelope, data: classShape(EVENT_CATALOGUE[type].data) };
}

function classShape(cls: abstract new () => object): Shape {
  const shape: Record<string, Shape | true> = {};
  for (const metadata of getMetadataStorage().getTargetValidationMetadatas(cls, '', false, false)) {
    const nested = nestedTypeOf(cls, metadata.propertyName);
    // A free-form object (a CustomEvent's properties, profile attributes) may hold any field.
    if (metadata.name === 'isObject') shape[metadata.propertyName] = ANY;
    else if (shape[metadata.propertyName] !== ANY) shape[metadata.propertyName] = nested ? { '*': classShape(nested), ...classShape(nested) } : true;
  }
  return shape;
}

export interface TemplateProblem {
  readonly field: string;
  readonly reason: string;
}

/**
 * Parses a template and checks every field it reads against what the trigger event, the 360 and
 * the rule's parameters hold: a misspelt field is refused when the rule is saved, not discovered
 * as a blank in a customer's message.
 */
export function checkTemplate(template: string, trigger: string, params: Readonly<Record<string, unknown>>): TemplateProblem[] {
  let program: hbs.AST.Program;
  try {
    program = handlebars.parse(template);
  } catch (error) {
    return [{ field: 'action.template', reason: `is not a valid Handlebars template: ${(error as Error).message.split('\n')[0]}` }];
  }
  const roots: Shape = {
    customer: CUSTOMER,
    event: eventShape(isEventType(trigger) ? trigger : undefined),
    params: Object.fromEntries(Object.keys(params).map((key) => [key, ANY])),
  };
  const problems: TemplateProblem[] = [];
  const check = (path: hbs.AST.PathExpression, scoped: boolean): void => {
    if (path.data || path.original === 'this' || path.original.startsWith('this.')) return;
    if (scoped) return; // inside #each / #with, paths are relative to the block's value
    if (!known(roots, path.parts)) problems.push({ field: 'action.template', reason: `refers to ${path.original}, which does not exist` });
  };
  walk(program, false, check);
  return problems;
}

function walk(node: hbs.AST.Node | hbs.AST.Program, scoped: boolean, check: (path: hbs.AST.PathExpression, scoped: boolean) => void): void {
  if (node.type === 'Program') {
    for (const statement of (node as hbs.AST.Program).body) walk(statement, scoped, check);
    return;
  }
  if (node.type === 'MustacheStatement' || node.type === 'SubExpression' || node.type === 'BlockStatement') {
    const call = node as hbs.AST.MustacheStatement | hbs.AST.BlockStatement;
    const path = call.path as hbs.AST.PathExpression;
    const callsHelper = HELPERS.has(path.original) && (call.params.length > 0 || node.type === 'BlockStatement');
    if (path.type === 'PathExpression' && !callsHelper) check(path, scoped);
    for (const param of call.params) walkExpression(param, scoped, check);
    for (const pair of call.hash?.pairs ?? []) walkExpression(pair.value, scoped, check);
    if (node.type === 'BlockStatement') {
      const block = node as hbs.AST.BlockStatement;
      const scopes = block.path.type === 'PathExpression' && ['each', 'with'].includes((block.path as hbs.AST.PathExpression).original);
      if (block.program) walk(block.program, scoped || scopes, check);
      if (block.inverse) walk(block.inverse, scoped, check);
    }
  }
}

function walkExpression(node: hbs.AST.Expression, scoped: boolean, check: (path: hbs.AST.PathExpression, scoped: boolean) => void): void {
  if (node.type === 'PathExpression') check(node as hbs.AST.PathExpression, scoped);
  else if (node.type === 'SubExpression') walk(node as hbs.AST.SubExpression, scoped, check);
}

function known(shape: Shape, parts: readonly string[]): boolean {
  let current: Shape | true = shape;
  for (const part of parts) {
    if (current === true) return false;
    const next: Shape | true | undefined = current[part] ?? current['*'];
    if (next === undefined) return false;
    current = next;
  }
  return true;
}

const compiled = new Map<string, HandlebarsTemplateDelegate>();

/** Renders a template (compiled once per distinct text). */
export function render(template: string, context: TemplateContext): string {
  let delegate = compiled.get(template);
  if (!delegate) {
    delegate = handlebars.compile(template, { noEscape: true });
    compiled.set(template, delegate);
  }
  return delegate(context);
}
