/**
 * The dependency rule (DESIGN §2): libs/domain is pure (contracts only; no Nest, no I/O
 * drivers), contracts stand alone, no library imports a service, no service imports another
 * (but the two that assemble services), platform imports no feature library, and no module
 * reaches itself through its imports.
 */
const IO_AND_FRAMEWORK = '(@nestjs|pg|pg-[a-z-]+|@electric-sql|kafkajs|@eventstore|@kurrent|prom-client|pino|testcontainers)';

module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment: 'libs/domain and libs/datagen hold pure logic: no framework, no database, no broker',
      from: { path: '(^|/)libs/(domain|datagen)/' },
      to: { path: `(^|/)node_modules/${IO_AND_FRAMEWORK}/` },
    },
    {
      name: 'domain-imports-only-contracts',
      severity: 'error',
      comment: 'libs/domain and libs/datagen may import contracts, nothing else of ours',
      from: { path: '(^|/)libs/(domain|datagen)/' },
      to: { path: '(^|/)(libs/(?!domain/|datagen/)|services/)' },
    },
    {
      name: 'contracts-stand-alone',
      severity: 'error',
      comment: 'contracts import no library and no service',
      from: { path: '(^|/)contracts/' },
      to: { path: '(^|/)(libs|services)/' },
    },
    {
      name: 'libs-never-import-services',
      severity: 'error',
      comment: 'a library never imports a service',
      from: { path: '(^|/)(libs|contracts)/' },
      to: { path: '(^|/)services/' },
    },
    {
      name: 'services-never-import-services',
      severity: 'error',
      comment:
        'a service reaches another only through the libraries; the engine (all services in one process) and the CLI (which runs the engine for its demo) assemble them',
      from: { path: '(^|/)services/(?!engine/|cli/)([^/]+)/' },
      to: { path: '(^|/)services/', pathNot: '(^|/)services/$2/' },
    },
    {
      name: 'platform-imports-no-feature-lib',
      severity: 'error',
      comment: 'libs/platform is the base the feature libraries stand on: it may import contracts, domain and the storage and broker libraries, not projections, journeys or datagen',
      from: { path: '(^|/)libs/platform/' },
      to: { path: '(^|/)libs/', pathNot: '(^|/)libs/(platform|domain|event-store|database|privacy|kafka)/' },
    },
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'modules import one another one way: a cycle makes load order and reasoning depend on each other',
      from: {},
      to: { circular: true },
    },
    {
      name: 'store-behind-its-port',
      severity: 'error',
      comment:
        'the adapters of the event store (PostgreSQL, KurrentDB) are reached through the EventStore port; only the adapters themselves and the composition root (the platform module) construct them',
      from: {
        path: '(^|/)(libs|services)/',
        pathNot: '(^|/)(libs/event-store/|libs/platform/src/(platform\\.module|metrics|privacy/open-vault)\\.ts$)',
      },
      to: { path: '(^|/)libs/event-store/src/(postgres|kurrentdb)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)dist/|\\.spec\\.ts$' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
  },
};
