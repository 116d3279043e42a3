/** Where the customer-items fold writes: the live tables, or the shadow ones a rebuild fills. */
export interface ItemTables {
  readonly items: string;
  readonly pairs: string;
  readonly stats: string;
}

export const LIVE_ITEM_TABLES: ItemTables = { items: 'journey.customer_items', pairs: 'journey.item_pairs', stats: 'journey.item_stats' };
export const SHADOW_ITEM_TABLES: ItemTables = {
  items: 'journey.customer_items_rebuild',
  pairs: 'journey.item_pairs_rebuild',
  stats: 'journey.item_stats_rebuild',
};
export const CUSTOMER_ITEMS_TABLE = LIVE_ITEM_TABLES.items;
