export * from './job-recorder';
export * from './job-list';
export * from './rebuild-job';
export * from './replay-check-job';
