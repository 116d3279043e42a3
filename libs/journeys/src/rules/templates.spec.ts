import { checkTemplate, render } from './templates';

describe('rendering a template', () => {
  const context = {
    customer: { profile: { name: 'Ada' } },
    event: { data: { total: 8999, currency: 'EUR', items: [{ sku: 'SKU-1' }, { sku: 'SKU-2' }] } },
    params: { coupon: 'THANKS10' },
  };

  it('reads the customer, the trigger event and the parameters, without HTML escaping', () => {
    expect(render('Hi {{customer.profile.name}} <3, use {{params.coupon}}', context)).toBe('Hi Ada <3, use THANKS10');
  });

  it("writes minor units as money with the currency's decimals (ISO 4217) and the currency", () => {
    expect(render('{{money event.data.total event.data.currency}}', context)).toBe('89.99 EUR');
    const money = (total: number, currency: string) => render('{{money event.data.total event.data.currency}}', { ...context, event: { data: { total, currency } } });
    expect(money(5000, 'JPY')).toBe('5000 JPY');
    expect(money(12345, 'KWD')).toBe('12.345 KWD');
    expect(money(5, 'EUR')).toBe('0.05 EUR');
    expect(money(-1250, 'USD')).toBe('-12.50 USD');
    expect(money(9_007_199_254_740_991, 'EUR')).toBe('90071992547409.91 EUR');
    expect(render('[{{money params.coupon "EUR"}}]', context)).toBe('[]');
  });

  it('writes a value as JSON, for bodies that are JSON', () => {
    expect(render('{"skus": {{json event.data.items}}, "none": {{json event.data.missing}} }', context)).toBe(
      '{"skus": [{"sku":"SKU-1"},{"sku":"SKU-2"}], "none": null }',
    );
  });
});

describe('checking a template against what it may read', () => {
  it('accepts fields of the 360, of the trigger event type and of the rule parameters', () => {
    const template = '{{customer.profile.name}} {{customer.consent.email.granted}} {{money event.data.total event.data.currency}} {{params.coupon}}';
    expect(checkTemplate(template, 'PurchaseCompleted', { coupon: 'X' })).toEqual([]);
  });

  it('lets a template read the free properties of a CustomEvent by name, but not fields its contract lacks', () => {
    expect(checkTemplate('{{event.data.name}}: {{event.data.properties.list}}', 'CustomEvent', {})).toEqual([]);
    expect(checkTemplate('{{event.data.list}}', 'CustomEvent', {})).toEqual([{ field: 'action.template', reason: expect.stringContaining('event.data.list') }]);
  });

  it('names each field that does not exist', () => {
    const template = '{{customer.profile.nmae}} {{event.data.amount}} {{params.code}}';
    expect(checkTemplate(template, 'PurchaseCompleted', { coupon: 'X' })).toEqual([
      { field: 'action.template', reason: 'refers to customer.profile.nmae, which does not exist' },
      { field: 'action.template', reason: 'refers to event.data.amount, which does not exist' },
      { field: 'action.template', reason: 'refers to params.code, which does not exist' },
    ]);
  });

  it('checks the fields of nested payload items and the arguments of helpers', () => {
    expect(checkTemplate('{{event.data.items.0.sku}} {{money event.data.totl "EUR"}}', 'PurchaseCompleted', {})).toEqual([
      { field: 'action.template', reason: 'refers to event.data.totl, which does not exist' },
    ]);
  });

  it('offers the recommendations and the predictions', () => {
    const template = '{{#each recommendations}}{{this}} {{/each}}({{customer.predictions.churnBand}}, {{money customer.predictions.clv customer.predictions.currency}})';
    expect(checkTemplate(template, 'PurchaseCompleted', {})).toEqual([]);
    const context = { customer: { predictions: { churnBand: 'high', clv: 12345, currency: 'EUR' } }, event: {}, params: {}, recommendations: ['SKU-7', 'SKU-3'] };
    expect(render(template, context)).toBe('SKU-7 SKU-3 (high, 123.45 EUR)');
    expect(checkTemplate('{{customer.predictions.pAliveish}}', 'PurchaseCompleted', {})).toHaveLength(1);
  });

  it('leaves paths inside #each and #with to the block, and checks the block value itself', () => {
    expect(checkTemplate('{{#each event.data.items}}{{sku}} {{anything}}{{/each}}', 'PurchaseCompleted', {})).toEqual([]);
    expect(checkTemplate('{{#each event.data.lines}}{{sku}}{{/each}}', 'PurchaseCompleted', {})).toEqual([
      { field: 'action.template', reason: 'refers to event.data.lines, which does not exist' },
    ]);
  });

  it('lets a daily rule read any event data, but only the envelope fields an event has', () => {
    expect(checkTemplate('{{event.data.whatever}}', 'schedule:daily', {})).toEqual([]);
    expect(checkTemplate('{{event.owner}}', 'schedule:daily', {})).toEqual([
      { field: 'action.template', reason: 'refers to event.owner, which does not exist' },
    ]);
  });

  describe('refuses what would only fail when rendered, inside the customer pass', () => {
    const context = { customer: { profile: { name: 'Ada' } }, event: { data: { items: [{ sku: 'SKU-1' }] } }, params: {} };
    it.each([
      ['Hi {{> greeting}}', 'uses a partial ({{> greeting}}); templates have none'],
      ['{{*greeting}}', 'uses a decorator ({{* greeting}}); templates have none'],
      ['{{#if}}x{{/if}}', 'calls #if with 0 arguments; it takes exactly 1'],
      ['{{#unless customer.forgotten customer.customerId}}x{{/unless}}', 'calls #unless with 2 arguments; it takes exactly 1'],
      ['{{#each}}x{{/each}}', 'calls #each with 0 arguments; it takes exactly 1'],
      ['{{#with customer.profile params}}x{{/with}}', 'calls #with with 2 arguments; it takes exactly 1'],
      ['{{if customer.forgotten}}', 'uses if outside a block: write {{#if …}}…{{/if}}'],
      ['{{lookup customer.profile}}', 'calls lookup with 1 argument; it takes exactly 2'],
      ['{{#each event.data.items}}{{sku 1}}{{/each}}', 'calls sku with arguments, but sku is not a helper (money, json, lookup, if, unless, each, with)'],
      ['{{#with customer}}{{#if}}x{{/if}}{{/with}}', 'calls #if with 0 arguments; it takes exactly 1'],
      ['{{#each event.data.items}}{{helperMissing}}{{/each}}', 'uses helperMissing, which a template cannot call'],
    ])('%s', (template, reason) => {
      expect(checkTemplate(template, 'PurchaseCompleted', {})).toEqual([{ field: 'action.template', reason }]);
      expect(() => render(template, context)).toThrow();
    });

    it('refuses partials and decorators in every form, and a helper whose arguments Handlebars would fill with its own', () => {
      const reasons = (template: string) => checkTemplate(template, 'PurchaseCompleted', {}).map((p) => p.reason);
      expect(reasons('{{#> layout}}Hi{{/layout}}')).toEqual(['uses a partial ({{> layout}}); templates have none']);
      expect(reasons('{{#*inline "greeting"}}Hi{{/inline}}')).toEqual(['uses a decorator ({{* inline}}); templates have none']);
      // {{json}} alone would write Handlebars' options: the whole context.
      expect(reasons('{{json}}')).toEqual(['calls json with 0 arguments; it takes exactly 1']);
    });

    it("refuses {{log}}, and a stored template using it writes nothing to the engine's output", () => {
      const template = 'Hi{{log customer.profile.email}}{{#each event.data.items}}{{log this}}{{/each}}';
      expect(checkTemplate(template, 'PurchaseCompleted', {})).toEqual([
        { field: 'action.template', reason: "uses log, which would write the customer's data to the engine's output" },
        { field: 'action.template', reason: "uses log, which would write the customer's data to the engine's output" },
      ]);
      const written: unknown[] = [];
      const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((method) => jest.spyOn(console, method).mockImplementation((...args) => void written.push(args)));
      const spyOut = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => (written.push(chunk), true));
      try {
        expect(render(template, { customer: { profile: { email: 'ada@example.com' } }, event: { data: { items: [{ sku: 'SKU-1' }] } }, params: {} })).toBe('Hi');
      } finally {
        for (const spy of [...spies, spyOut]) spy.mockRestore();
      }
      expect(written).toEqual([]);
    });

    it('accepts the helpers called as they are meant to be', () => {
      const template =
        '{{#if customer.profile.name}}{{#with customer.profile}}{{name}}{{/with}}{{else}}there{{/if}}{{#unless customer.forgotten}}!{{/unless}} ' +
        '{{#each event.data.items as |item|}}{{item.sku}}{{/each}} {{lookup customer.profile "name"}} {{json (lookup customer "profile")}}';
      expect(checkTemplate(template, 'PurchaseCompleted', {})).toEqual([]);
      expect(render(template, context)).toBe('Ada! SKU-1 Ada {"name":"Ada"}');
    });
  });

  it('refuses text that is not Handlebars, saying so', () => {
    expect(checkTemplate('{{#if customer.forgotten}}', 'PurchaseCompleted', {})).toEqual([
      { field: 'action.template', reason: expect.stringMatching(/^is not a valid Handlebars template: /) },
    ]);
  });
});
