export * from './segment-store';
export * from './segment-writer';
export * from './segment-pass';
export * from './segment-clock';
export * from './segment-backfill';
export * from './segment-reads';
export * from './segment-predictions';
export * from './segment-prefilter';
