#!/usr/bin/env node
/* eslint-disable @typescript-eslint/no-require-imports */
/* global __dirname */
// The `wxpay-simulator` command: the built standalone simulator (src/main.ts). A committed shim, so that
// npm links the command at install time, before the package is built. On a fresh clone (no dist/ yet) it
// builds the package first with the TypeScript compiler the workspace installed (tsc -b: @partnerpay/wxpay too).
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const main = join(__dirname, '..', 'dist', 'src', 'main.js');
if (!existsSync(main)) {
  const { spawnSync } = require('node:child_process');
  let tsc;
  try {
    tsc = require.resolve('typescript/bin/tsc');
  } catch {
    console.error('wxpay-simulator is not built and TypeScript is not installed: run `npm ci` and `npm run build` first');
    process.exit(1);
  }
  console.error('wxpay-simulator: first run, building it (tsc -b packages/wxpay-simulator)...');
  const packageDir = join(__dirname, '..');
  const built = spawnSync(process.execPath, [tsc, '-b', packageDir], { stdio: 'inherit' });
  if (built.status !== 0) process.exit(built.status ?? 1);
}
require(main);
