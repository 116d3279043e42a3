export * from './customer-360';
export * from './lifecycle';
export * from './money';
export * from './rfm';
export * from './visitor';
export * from './customer-360.view';
export * from './rules';
export * from './events';
