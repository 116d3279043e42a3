export * from './special-functions';
export * from './nelder-mead';
export * from './purchase-summary';
export * from './bg-nbd';
export * from './gamma-gamma';
export * from './clv';
export * from './churn-risk';
export * from './simulate';
