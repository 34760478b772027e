/* eslint-disable @typescript-eslint/no-require-imports */
/* global __dirname */
// Build once: `npm start` and the CLI scripts run what `npm run build` left in dist/, and build only when
// dist/ is missing or older than a source file. A production image has no sources: it never builds
// (and has no tsc). `--stamp` (the end of `npm run build`) records a successful build.
const { existsSync, readdirSync, statSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { execSync } = require('node:child_process');

const root = join(__dirname, '..');
const stamp = join(root, 'dist', '.built');
const SOURCES = ['src', 'packages', 'test', 'bench', 'console', 'tsconfig.json', 'package.json', 'package-lock.json'];
const SKIP = new Set(['node_modules', 'dist']);

/** The newest modification time under `path` (0 when it does not exist). */
function newest(path) {
  const s = statSync(path, { throwIfNoEntry: false });
  if (!s) return 0;
  if (!s.isDirectory()) return s.mtimeMs;
  let max = 0;
  for (const name of readdirSync(path)) if (!SKIP.has(name)) max = Math.max(max, newest(join(path, name)));
  return max;
}

if (process.argv.includes('--stamp')) {
  writeFileSync(stamp, `${new Date().toISOString()}\n`);
} else if (existsSync(join(root, 'src'))) {
  const built = statSync(stamp, { throwIfNoEntry: false })?.mtimeMs ?? 0;
  const changed = Math.max(...SOURCES.map((p) => newest(join(root, p))));
  if (changed > built) {
    process.stderr.write(built ? 'sources changed since the last build: npm run build\n' : 'no build yet: npm run build\n');
    execSync('npm run build', { cwd: root, stdio: 'inherit' });
  }
} else if (!existsSync(join(root, 'dist', 'src', 'app', 'main.js'))) {
  process.stderr.write('dist/ is missing and there are no sources to build it from\n');
  process.exit(1);
}
