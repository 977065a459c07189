// Two projects so `npm test` runs everything while `--selectProjects unit` stays quick.
const { pathsToModuleNameMapper } = require('ts-jest');
const { compilerOptions } = require('./tsconfig.json');

const common = {
  testEnvironment: 'node',
  rootDir: __dirname,
  moduleFileExtensions: ['ts', 'js', 'json'],
  // Type checking is `npm run typecheck`; jest only transpiles, which keeps suites fast.
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: { ...compilerOptions, isolatedModules: true }, diagnostics: false }],
  },
  moduleNameMapper: pathsToModuleNameMapper(compilerOptions.paths, { prefix: '<rootDir>/' }),
};

module.exports = {
  // End-to-end suites start processes and wait out real rate windows; a project cannot set this.
  testTimeout: 60000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      // eslint/: the lint rules' own specs (the import boundaries).
      testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts', '<rootDir>/eslint/**/*.spec.ts'],
    },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'] },
  ],
};
