export * from './segment';
export * from './activity';
export * from './segment-conditions';
export * from './segment-fields';
export * from './membership-decider';
export * from './membership-fold';
export * from './segment-definition';
export * from './segment-index';
