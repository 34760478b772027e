#!/usr/bin/env node
// The `wxpay-simulator` command: the built standalone simulator (src/main.ts). A committed shim, so that
// npm links the command at install time, before the package is built.
require('../dist/src/main.js');
