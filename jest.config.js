// Four jest projects: unit (*.spec.ts beside the code), int (*.int-spec.ts beside
// the code, real PostgreSQL and Redis), e2e (cross-service tests under test/) and containers (the images, run by
// `npm run test:containers` only).
// All of them compile with @swc/jest; decorator metadata is on so Nest DI works.
// `npm test` is tools/run-tests.js: two workers for the suites that own their rows, then the few that must
// run alone (processes killed, connections cut, latency budgets) in band. Its SERIAL list names them.
const { pathsToModuleNameMapper } = require('./tools/jest-paths');

const transform = {
  '^.+\\.(t|j)s$': [
    '@swc/jest',
    {
      jsc: {
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true },
        target: 'es2022',
        keepClassNames: true,
      },
      module: { type: 'commonjs' },
      sourceMaps: 'inline',
    },
  ],
};

const common = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform,
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: pathsToModuleNameMapper(),
  modulePathIgnorePatterns: ['<rootDir>/dist/'],
};

module.exports = {
  projects: [
    {
      ...common,
      displayName: 'unit',
      // test/deploy: manifest checks that need no services. No unit spec starts a server or a long-lived process (test/deploy renders the kustomizations with one-shot `kubectl kustomize` calls):
      // those are int specs (tools/start, test/deploy/packaging, the CLI through npm).
      testMatch: ['<rootDir>/{apps,libs,tools}/**/*.spec.ts', '<rootDir>/test/deploy/**/*.spec.ts'],
    },
    {
      ...common,
      displayName: 'int',
      // test/schema: the entities against their migrations, on a private database from @casegraph/testing (which
      // itself imports @casegraph/entities, so these suites cannot live in the entities project).
      testMatch: ['<rootDir>/{apps,libs,tools}/**/*.int-spec.ts', '<rootDir>/test/deploy/**/*.int-spec.ts', '<rootDir>/test/schema/**/*.int-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      setupFiles: ['<rootDir>/test/support/test-env.ts'],
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      setupFiles: ['<rootDir>/test/support/test-env.ts'],
    },
    {
      ...common,
      displayName: 'containers',
      // The built images run in Docker, against stand-ins in one private network namespace: only through
      // `npm run test:containers` (tools/containers/run.js), which builds them and runs jest inside that namespace.
      // No globalSetup: the host's PostgreSQL and Redis are not these tests' services.
      testMatch: ['<rootDir>/test/containers/**/*.containers-spec.ts'],
    },
  ],
};
