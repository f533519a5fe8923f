/**
 * Import rules that encode the layout (README "Layout"): app/ and cli/ sit on top of lib/, lib/ on
 * top of db/; components/ get server actions as props instead of importing app/; workers/ (the
 * pipeline steps' code) never reach the web app. `npm run lint` runs this with Biome.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-import-of-app',
      comment: 'Only Next.js imports app/: lib/, components/, workers/, cli/ and db/ never do (components get server actions as props).',
      severity: 'error',
      from: { path: '^(lib|components|workers|cli|db|bin|scripts)/', pathNot: '(\\.test\\.ts$|/test/)' },
      // a type-only import (the type of a server action passed as a prop) vanishes at compile time
      to: { path: '^app/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'lib-not-on-ui-or-cli',
      comment: 'lib/ is the domain floor: it never imports components/, cli/ or the bench.',
      severity: 'error',
      from: { path: '^lib/', pathNot: '(\\.test\\.ts$|/test/)' },
      to: { path: '^(components|cli|bench)/' },
    },
    {
      name: 'app-and-cli-through-lib',
      comment: 'app/ and cli/ reach the database through lib/ (the domain functions), never db/ directly (types aside).',
      severity: 'error',
      from: { path: '^(app|cli)/', pathNot: '(\\.test\\.ts$|/test/)' },
      to: { path: '^db/' },
    },
    {
      name: 'db-is-the-bottom-floor',
      comment: 'db/ (schema, migrations) imports nothing of the application.',
      severity: 'error',
      from: { path: '^db/' },
      to: { path: '^(lib|app|components|workers|cli)/' },
    },
    {
      name: 'workers-not-on-ui',
      comment: 'Pipeline step code never imports UI code.',
      severity: 'error',
      from: { path: '^workers/' },
      to: { path: '^(components|cli)/' },
    },
    {
      name: 'no-server-code-in-components',
      comment:
        "components/ is browser code: nothing it imports may reach the database, the configuration (secrets), the S3 client or the guard, directly or through other modules (a lint-time 'server-only').",
      severity: 'error',
      from: { path: '^components/' },
      to: {
        path: '^(db/|lib/db\\.ts$|lib/config/|lib/storage/s3|lib/auth/(guard|action|route|page|authorize|auth-options)\\.ts$|lib/manifests/signing-key)',
        reachable: true,
      },
    },
    {
      name: 'no-node-builtins-in-components',
      comment: 'components/ runs in the browser: no Node.js built-in modules.',
      severity: 'error',
      from: { path: '^components/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'no-circular',
      comment: 'An import cycle between modules of the app (type-only imports do not count: they vanish at compile time).',
      severity: 'error',
      from: { path: '^(lib|components|workers|cli|db)/' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'no-test-code-in-the-product',
      comment: 'Product code never imports tests or test helpers.',
      severity: 'error',
      from: { path: '^(app|lib|components|workers|cli|db)/', pathNot: '(\\.test\\.ts$|/test/)' },
      to: { path: '(\\.test\\.ts$|^test/|/test/|^e2e/)' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^node_modules|^\\.next|^\\.data)' },
    tsConfig: { fileName: 'tsconfig.json' },
    // type-only imports vanish at compile time: the rules are about what runs (a server action's type may be imported by a component)
    tsPreCompilationDeps: false,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json'],
    },
  },
};
