import { Random } from './random';

export interface Product {
  readonly sku: string;
  readonly category: string;
  readonly name: string;
  /** Price in minor units of EUR; other currencies scale it. */
  readonly price: number;
}

const CATEGORIES: readonly (readonly [string, number, number])[] = [
  // category, weight, median price (EUR cents)
  ['shoes', 14, 7900],
  ['apparel', 20, 3500],
  ['accessories', 12, 1900],
  ['outdoor', 8, 9900],
  ['home', 10, 2900],
  ['beauty', 10, 1500],
  ['electronics', 6, 14900],
  ['books', 8, 1400],
  ['toys', 6, 2400],
  ['grocery', 6, 900],
];

const ADJECTIVES = ['Classic', 'Urban', 'Trail', 'Soft', 'Pro', 'Eco', 'Daily', 'Light', 'Warm', 'Compact'];

/** The shop's products, drawn once from the data set's seed: prices log-normal per category. */
export class Catalog {
  readonly products: readonly Product[];
  readonly categories: readonly string[];
  private readonly byCategory = new Map<string, Product[]>();

  constructor(seed: number, size = 2000) {
    const random = new Random(seed, 7);
    const products: Product[] = [];
    for (let i = 0; i < size; i++) {
      const [category, , median] = random.weighted(CATEGORIES.map((c) => [c, c[1]] as const));
      const price = Math.max(99, Math.round(random.logNormal(median, 0.5) / 10) * 10 - 1);
      const product = { sku: `SKU-${String(i + 1).padStart(5, '0')}`, category, name: `${random.pick(ADJECTIVES)} ${category} ${i + 1}`, price };
      products.push(product);
      const list = this.byCategory.get(category) ?? [];
      list.push(product);
      this.byCategory.set(category, list);
    }
    this.products = products;
    this.categories = CATEGORIES.map(([category]) => category);
  }

  /** A product, mostly from the customer's favourite categories, popular ones more often. */
  pick(random: Random, favourites: readonly string[]): Product {
    const category = random.chance(0.7) ? random.pick(favourites) : random.pick(this.categories);
    const list = this.byCategory.get(category) ?? this.products;
    // A Zipf-like skew: low indexes sell more.
    const index = Math.floor(list.length * random.next() ** 2.2);
    return list[Math.min(index, list.length - 1)]!;
  }

  weightedCategories(): readonly (readonly [string, number])[] {
    return CATEGORIES.map(([category, weight]) => [category, weight] as const);
  }
}
