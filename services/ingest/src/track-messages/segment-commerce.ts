import type { TrackTarget } from '@journey/contracts';
import { toMinorUnits } from '@journey/domain';
import type { MessageReader } from './segment-message';
import { trackKey } from './track-mapping';

type Data = Record<string, unknown>;
type Properties = Readonly<Record<string, unknown>>;

/** Segment's spec: an amount with no currency is in US dollars. */
const DEFAULT_CURRENCY = 'USD';
/** Where an order names what was paid, in the order they are read. */
const ORDER_AMOUNTS = ['total', 'revenue', 'value'] as const;

/**
 * The payload of the type a `track` maps to, read from its properties as Segment's e-commerce
 * spec names them (`order_id`, `products[].price` in major units, `currency`); amounts become
 * minor units by the currency's ISO 4217 exponent. Problems are left in the reader.
 */
export function trackData(target: TrackTarget, name: string, properties: Properties, read: MessageReader, context: Properties): Data {
  const currency = currencyOf(properties, read);
  switch (target) {
    case 'PurchaseCompleted': {
      // Segment's spec makes the products optional: an order may name only what was paid.
      const items = lineItems(properties, currency, read);
      const paid = amount(properties, ORDER_AMOUNTS, currency, read);
      if (items.length === 0 && !ORDER_AMOUNTS.some((key) => properties[key] !== undefined && properties[key] !== null)) {
        read.fail('properties.total', 'is required when the order names no products: the amount paid, in major units (or revenue, value)');
      }
      const total = paid ?? sumOf(items);
      return defined({
        orderId: read.required('properties.order_id', read.text('properties.order_id', properties.order_id ?? properties.checkout_id), 'is required: the order the purchase completed'),
        items,
        total,
        currency,
        couponCode: read.text('properties.coupon', properties.coupon),
      });
    }
    case 'PurchaseRefunded': {
      const products = Array.isArray(properties.products) ? (properties.products as unknown[]) : [];
      return defined({
        orderId: read.required('properties.order_id', read.text('properties.order_id', properties.order_id), 'is required: the order refunded'),
        amount: read.required('properties.total', amount(properties, ORDER_AMOUNTS, currency, read), 'is required: the amount refunded, in major units'),
        currency,
        items: products.length === 0 ? undefined : products.map((p, i) => ({ sku: skuOf(p, `properties.products[${i}]`, read), quantity: quantityOf(p, `properties.products[${i}]`, read) })),
      });
    }
    case 'ProductViewed':
      return defined({
        sku: skuOf(properties, 'properties', read),
        category: read.text('properties.category', properties.category),
        name: read.text('properties.name', properties.name),
        price: amount(properties, ['price'], currency, read),
        currency: properties.price === undefined ? undefined : currency,
      });
    case 'CartUpdated': {
      // Product Removed names only the product taken out: without the cart's products, the cart is left holding nothing.
      const removed = trackKey(name) === 'product removed' && !Array.isArray(properties.products);
      const items = removed ? [] : lineItems(properties, currency, read);
      return {
        cartId: read.text('properties.cart_id', properties.cart_id) ?? 'default',
        items,
        total: amount(properties, ['total', 'value'], currency, read) ?? sumOf(items),
        currency,
      };
    }
    case 'SearchPerformed':
      return defined({ query: read.required('properties.query', read.text('properties.query', properties.query), 'is required: what was searched for') });
    case 'PageViewed': {
      const page = (context.page ?? {}) as Properties;
      return defined({
        url: read.required('properties.url', read.text('properties.url', properties.url ?? page.url), 'is required (or context.page.url)'),
        title: read.text('properties.title', properties.title ?? page.title),
        referrer: read.text('properties.referrer', properties.referrer ?? page.referrer),
      });
    }
    case 'CustomEvent':
      return { name, properties };
    default: {
      const unknownTarget: never = target;
      throw new Error(`no translation for ${String(unknownTarget)}`);
    }
  }
}

function currencyOf(properties: Properties, read: MessageReader): string {
  const given = read.text('properties.currency', properties.currency);
  return given === undefined ? DEFAULT_CURRENCY : given.toUpperCase();
}

function amount(properties: Properties, keys: readonly string[], currency: string, read: MessageReader): number | undefined {
  const key = keys.find((k) => properties[k] !== undefined && properties[k] !== null);
  if (key === undefined) return undefined;
  const value = read.number(`properties.${key}`, properties[key]);
  return value === undefined ? undefined : toMinorUnits(value, currency);
}

/** The order's or the cart's products (none when it names none); a product named at the top level is a one-line cart. */
function lineItems(properties: Properties, currency: string, read: MessageReader): Data[] {
  const products = properties.products;
  if (Array.isArray(products)) return products.map((p, i) => lineItem(p, `properties.products[${i}]`, currency, read));
  if (products !== undefined) read.fail('properties.products', 'must be an array of products');
  else if (properties.product_id !== undefined || properties.sku !== undefined) return [lineItem(properties, 'properties', currency, read)];
  return [];
}

function lineItem(product: unknown, path: string, currency: string, read: MessageReader): Data {
  const p = (product !== null && typeof product === 'object' ? product : {}) as Properties;
  const price = read.number(`${path}.price`, p.price);
  if (p.price === undefined || p.price === null) read.fail(`${path}.price`, 'is required: the unit price, in major units');
  return defined({
    sku: skuOf(p, path, read),
    category: read.text(`${path}.category`, p.category),
    name: read.text(`${path}.name`, p.name),
    quantity: quantityOf(p, path, read),
    unitPrice: price === undefined ? undefined : toMinorUnits(price, currency),
  });
}

function skuOf(product: unknown, path: string, read: MessageReader): string | undefined {
  const p = (product ?? {}) as Properties;
  return read.required(`${path}.product_id`, read.text(`${path}.sku`, p.sku) ?? read.text(`${path}.product_id`, p.product_id), 'is required (or sku)');
}

function quantityOf(product: unknown, path: string, read: MessageReader): number {
  const p = (product ?? {}) as Properties;
  return read.number(`${path}.quantity`, p.quantity) ?? 1;
}

function sumOf(items: readonly Data[]): number {
  return items.reduce((sum, item) => sum + (Number(item.unitPrice) || 0) * (Number(item.quantity) || 0), 0);
}

function defined(data: Data): Data {
  return Object.fromEntries(Object.entries(data).filter(([, v]) => v !== undefined));
}
