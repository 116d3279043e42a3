export * from './dataset';
export * from './random';
export type { Campaign, CustomerHistory, DatasetShape } from './customer-history';
