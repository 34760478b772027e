/**
 * The layers of partnerpay, checked by `npm run lint` (and so by .ci/run). README "Layout" draws them:
 *
 *   packages/*          stand alone: they import nothing of src/ (the SDK and the simulator are products of their own)
 *   src/platform/       db, http, kv, jobs, clock, logging, errors, metrics, secrets, config: imports no module
 *   src/modules/<m>/    business modules: platform/, packages, and other modules through their index.ts only
 *   src/surfaces/       what faces people and operators (console, dashboard, demo, health, openapi, ...): any module's index.ts
 *   src/app/            the composition root: wires everything
 *
 * tsPreCompilationDeps counts type-only imports too, so a cycle that exists only in types is still one.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'platform-stays-down',
      severity: 'error',
      comment:
        'src/platform/ is the floor every module stands on: it must not import a module, a surface or the app. ' +
        'Either this code belongs in the module it imports, or the platform needs a port (an interface or a TOKENS ' +
        'entry) that the module implements and registers.',
      from: { path: '^src/platform/' },
      to: { path: '^src/(modules|surfaces|app)/' },
    },
    {
      name: 'modules-through-index',
      severity: 'error',
      comment:
        "A module, a surface or the app reaches another module only through that module's index.ts (its public face). " +
        'Import what you need from the index; if it is not there, either it is private to that module or its ' +
        'index.ts should export it (a deliberate addition to its public face).',
      from: { path: '^src/(modules/[^/]+|surfaces|app)/' },
      to: { path: '^src/modules/[^/]+/', pathNot: ['^src/$1/', '^src/modules/[^/]+/index\\.ts$'] },
    },
    {
      name: 'modules-stay-below-surfaces',
      severity: 'error',
      comment:
        'Modules are used by surfaces and the app, never the other way round: move what the module needs down ' +
        'into it (or into the platform), or let the surface pass it in.',
      from: { path: '^src/modules/' },
      to: { path: '^src/(surfaces|app)/' },
    },
    {
      name: 'packages-stand-alone',
      severity: 'error',
      comment:
        'packages/* are usable without partnerpay: they never import src/. Give the package a port (see ' +
        'packages/wxpay/src/ports.ts) and let partnerpay pass its implementation in.',
      from: { path: '^packages/' },
      to: { path: '^src/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'Import cycles (type-only ones included) make load order matter and hide which way a dependency goes. ' +
        'Break it: move the shared piece down (into the lower module or the platform), or invert it with a port.',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
