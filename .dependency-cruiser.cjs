// The layering of docs DESIGN.md ("Architecture") as a lint, run by `npm test` (`npm run lint:layers`).
// A file's folder says which process it runs in and what it may import; these rules fail the build
// when an import crosses a boundary the other way. Type-only imports count: they couple layers too.

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'only-store-imports-sqlite',
      comment: 'Only main/store/ speaks SQL: other layers call its named operations.',
      severity: 'error',
      from: { path: '^(main|preload|renderer)/', pathNot: '^main/store/' },
      to: { path: '(^|/)node_modules/(@types/)?better-sqlite3/' },
    },
    {
      name: 'engine-imports-no-other-main',
      comment: 'main/engine/ knows nothing of the app: it can be driven from a test, the CLI or the app alike.',
      severity: 'error',
      from: { path: '^main/engine/' },
      to: { path: '^main/', pathNot: '^main/engine/' },
    },
    {
      name: 'trainer-classify-not-api',
      comment: 'main/trainer/ and main/classify/ are driven by the service; they never reach back into main/api/ (they emit through main/jobs/).',
      severity: 'error',
      from: { path: '^main/(trainer|classify)/' },
      to: { path: '^main/api/' },
    },
    {
      name: 'jobs-below-the-service',
      comment: 'main/jobs/ (the job registry, its throttle and event interface) is used by data/, trainer/, classify/ and api/; it imports none of them, nor the app.',
      severity: 'error',
      from: { path: '^main/jobs/' },
      to: { path: '^main/', pathNot: '^main/(jobs/|errors[.]ts$)' },
    },
    {
      name: 'api-not-app',
      comment: 'main/api/ serves Electron, browser mode and the CLI alike; the Electron shell (main/app/) sits above it.',
      severity: 'error',
      from: { path: '^main/api/' },
      to: { path: '^main/app/' },
    },
    {
      name: 'renderer-not-main',
      comment: 'The renderer talks only to the bridge; the contract in preload/ is all it shares with main.',
      severity: 'error',
      from: { path: '^renderer/' },
      to: { path: '^main/' },
    },
    {
      name: 'contract-areas-import-only-common',
      comment: 'Each preload/contract-*.ts area file and hyperparameters.ts import only contract-common.ts; contract.ts merges them.',
      severity: 'error',
      from: { path: '^preload/(contract-(?!common[.])[^/]+|hyperparameters)[.]ts$' },
      to: { path: '^preload/', pathNot: '^preload/contract-common[.]ts$' },
    },
    {
      name: 'no-cycles',
      comment: 'Imports flow one way; a cycle means two modules are one concept or a layer reaches back.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports are dependencies too (a layer that names another's types depends on it).
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.svelte', '.json', '.d.ts'],
    },
    exclude: { path: '^(out|dist)/' },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
