import Handlebars from 'handlebars';
import { currencyExponent } from '@journey/domain';
import { EVENT_CATALOGUE, isEventType, type EventType } from '@journey/contracts';
import { getMetadataStorage } from 'class-validator';
import { nestedTypeOf } from '@journey/contracts';

/** Templates render with these roots; nothing else exists. */
export interface TemplateContext {
  readonly customer: unknown;
  readonly event: unknown;
  readonly params: unknown;
  /** The customer's recommended SKUs, best first (empty until the prediction job has run). */
  readonly recommendations?: readonly string[];
}

const handlebars = Handlebars.create();
/** {{money amount currency}} → "89.99 EUR", "5000 JPY", "12.345 KWD": minor units, with the currency's decimals (ISO 4217). */
handlebars.registerHelper('money', (amount: unknown, currency: unknown) =>
  typeof amount === 'number' ? `${majorUnits(amount, currencyExponent(typeof currency === 'string' ? currency : ''))} ${typeof currency === 'string' ? currency : ''}`.trim() : '',
);
/** {{json value}}: a value as JSON, for templates that build JSON bodies. */
handlebars.registerHelper('json', (value: unknown) => new handlebars.SafeString(JSON.stringify(value ?? null)));
/** Handlebars' {{log}} would print what it is given (a customer's personal data) to the console: it writes nothing. */
handlebars.registerHelper('log', () => '');

/**
 * The helpers a template may call: how many arguments each takes, and whether only as a block.
 * Handlebars checks these counts only when it renders, and throws: inside the customer pass.
 */
const HELPERS: ReadonlyMap<string, { readonly min: number; readonly max: number; readonly block?: true }> = new Map([
  ['money', { min: 1, max: 2 }],
  ['json', { min: 1, max: 1 }],
  ['lookup', { min: 2, max: 2 }],
  ['if', { min: 1, max: 1, block: true }],
  ['unless', { min: 1, max: 1, block: true }],
  ['each', { min: 1, max: 1, block: true }],
  ['with', { min: 1, max: 1, block: true }],
]);
/** Names Handlebars holds as helpers that a template may not call, and why. */
const REFUSED: ReadonlyMap<string, string> = new Map([
  ['helperMissing', 'which a template cannot call'],
  ['blockHelperMissing', 'which a template cannot call'],
  ['log', "which would write the customer's data to the engine's output"],
]);

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
  predictions: {
    fitId: true,
    scoredAt: true,
    pAlive: true,
    churnRisk: true,
    churnBand: true,
    expectedPurchases30d: true,
    expectedPurchases90d: true,
    expectedPurchases365d: true,
    expectedAov: true,
    clv: true,
    currency: true,
    recommendations: ANY,
  },
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
 * as a blank in a customer's message. What Handlebars would only refuse when rendering (partials,
 * decorators, a helper called with the wrong arguments) is refused here too.
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
    recommendations: ANY,
  };
  const problems: TemplateProblem[] = [];
  const visitor: Visitor = {
    path: (path, scoped) => {
      if (path.data || path.original === 'this' || path.original.startsWith('this.')) return;
      if (scoped) return; // inside #each / #with, paths are relative to the block's value
      if (!known(roots, path.parts)) problems.push({ field: 'action.template', reason: `refers to ${path.original}, which does not exist` });
    },
    refuse: (reason) => problems.push({ field: 'action.template', reason }),
  };
  walk(program, false, visitor);
  if (problems.length > 0) return problems;
  try {
    handlebars.precompile(program, { noEscape: true });
  } catch (error) {
    return [{ field: 'action.template', reason: `is not a valid Handlebars template: ${(error as Error).message.split('\n')[0]}` }];
  }
  return [];
}

interface Visitor {
  /** A field the template reads; `scoped` inside #each and #with, where paths are relative to the block's value. */
  readonly path: (path: hbs.AST.PathExpression, scoped: boolean) => void;
  readonly refuse: (reason: string) => void;
}

function walk(node: hbs.AST.Node, scoped: boolean, visitor: Visitor): void {
  switch (node.type) {
    case 'Program':
      for (const statement of (node as hbs.AST.Program).body) walk(statement, scoped, visitor);
      return;
    case 'PartialStatement':
    case 'PartialBlockStatement':
      visitor.refuse(`uses a partial ({{> ${nameOf((node as hbs.AST.PartialStatement).name)}}}); templates have none`);
      return;
    case 'Decorator':
    case 'DecoratorBlock':
      visitor.refuse(`uses a decorator ({{* ${nameOf((node as hbs.AST.Decorator).path)}}}); templates have none`);
      return;
    case 'MustacheStatement':
    case 'BlockStatement':
    case 'SubExpression':
      call(node as hbs.AST.MustacheStatement | hbs.AST.BlockStatement | hbs.AST.SubExpression, scoped, visitor);
      return;
    default:
      return; // text and comments
  }
}

/** A mustache, a block or a subexpression: a helper call, checked for its arguments, or a field read. */
function call(node: hbs.AST.MustacheStatement | hbs.AST.BlockStatement | hbs.AST.SubExpression, scoped: boolean, visitor: Visitor): void {
  const name = nameOf(node.path);
  const block = node.type === 'BlockStatement';
  const args = node.params.length;
  const hashed = (node.hash?.pairs.length ?? 0) > 0;
  const helper = HELPERS.get(name);
  const refused = REFUSED.get(name);
  if (refused) {
    visitor.refuse(`uses ${name}, ${refused}`);
  } else if (helper) {
    if (helper.block && !block) visitor.refuse(`uses ${name} outside a block: write {{#${name} …}}…{{/${name}}}`);
    if (args < helper.min || args > helper.max) visitor.refuse(`calls ${block ? '#' : ''}${name} with ${args} argument${args === 1 ? '' : 's'}; it takes ${arity(helper)}`);
  } else if (args > 0 || hashed) {
    visitor.refuse(`calls ${name} with arguments, but ${name} is not a helper (${[...HELPERS.keys()].join(', ')})`);
  } else if (node.path.type === 'PathExpression') {
    visitor.path(node.path as hbs.AST.PathExpression, scoped);
  }
  for (const param of node.params) expression(param, scoped, visitor);
  for (const pair of node.hash?.pairs ?? []) expression(pair.value, scoped, visitor);
  if (block) {
    const { program, inverse } = node as hbs.AST.BlockStatement;
    if (program) walk(program, scoped || name === 'each' || name === 'with', visitor);
    if (inverse) walk(inverse, scoped, visitor);
  }
}

function expression(node: hbs.AST.Expression, scoped: boolean, visitor: Visitor): void {
  if (node.type === 'PathExpression') visitor.path(node as hbs.AST.PathExpression, scoped);
  else if (node.type === 'SubExpression') walk(node, scoped, visitor);
}

/** How a path or a literal in a helper's place is named: as Handlebars looks the helper up. */
function nameOf(node: hbs.AST.Expression): string {
  if (node.type === 'PathExpression') return (node as hbs.AST.PathExpression).original;
  if (node.type === 'SubExpression') return nameOf((node as hbs.AST.SubExpression).path);
  return String((node as hbs.AST.Literal & { value?: unknown }).value);
}

function arity({ min, max }: { readonly min: number; readonly max: number }): string {
  return min === max ? `exactly ${min}` : `${min} to ${max}`;
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

/** Minor units as major ones with `exponent` decimals; a whole number of minor units exactly, in its digits. */
function majorUnits(minor: number, exponent: number): string {
  if (!Number.isSafeInteger(minor)) return (minor / 10 ** exponent).toFixed(exponent);
  const digits = Math.abs(minor).toString().padStart(exponent + 1, '0');
  const point = digits.length - exponent;
  return `${minor < 0 ? '-' : ''}${digits.slice(0, point)}${exponent > 0 ? `.${digits.slice(point)}` : ''}`;
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
