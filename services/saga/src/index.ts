export * from './saga.module';
export * from './rules/get-rule-results/get-rule-results.query';
export * from './rules/list-rule-results/list-rule-results.query';
export * from './rules/load-rules/load-rules.command';
export * from './webhooks/read-webhook-secret/read-webhook-secret.query';
