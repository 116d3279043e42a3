export * from './conditions';
export * from './decider';
export * from './gates';
export * from './rule';
export * from './decision-record';
