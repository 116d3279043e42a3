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

  it('writes minor units as money with two decimals and the currency', () => {
    expect(render('{{money event.data.total event.data.currency}}', context)).toBe('89.99 EUR');
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

  it('refuses text that is not Handlebars, saying so', () => {
    expect(checkTemplate('{{#if customer.forgotten}}', 'PurchaseCompleted', {})).toEqual([
      { field: 'action.template', reason: expect.stringMatching(/^is not a valid Handlebars template: /) },
    ]);
  });
});
