#!/usr/bin/env node
/* eslint-disable @typescript-eslint/no-require-imports */
// The `wxpay-simulator` command: the built standalone simulator (src/main.ts). A committed shim, so that
// npm links the command at install time, before the package is built.
require('../dist/src/main.js');
