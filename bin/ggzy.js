#!/usr/bin/env node
// Entry for `npm start`, `npm run start:*` and `npm run cli`: builds when sources changed,
// then runs the compiled code (TypeORM and Nest run from plain JavaScript, never from ts).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { checkNodeRuntime } from './node-runtime.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entries = {
  start: 'dist/scripts/platform.js',
  api: 'dist/apps/api/src/main.js',
  gateway: 'dist/apps/bidding-gateway/src/main.js',
  worker: 'dist/apps/worker/src/main.js',
  cli: 'dist/scripts/cli.js',
  bench: 'dist/bench/run.js',
  'bench:flood': 'dist/bench/flood.js',
  'bench:web': 'dist/bench/web.js',
  'bench:scheduling': 'dist/bench/scheduling.js',
};

function newestSource(dir) {
  let newest = 0;
  if (!existsSync(dir)) return newest;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (/\.(ts|tsx|css|html)$/.test(entry.name)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function ensureBuilt() {
  const stamp = join(root, 'dist/.build-stamp');
  const sources = ['apps', 'libs', 'scripts', 'bench'].map((dir) => newestSource(join(root, dir)));
  const built = existsSync(stamp) ? statSync(stamp).mtimeMs : 0;
  if (built >= Math.max(...sources)) return;
  console.error('building (sources changed since the last build)…');
  const result = spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const [command, ...args] = process.argv.slice(2);
if (!entries[command]) {
  console.error(`usage: ggzy ${Object.keys(entries).join('|')} [args]`);
  process.exit(2);
}
checkNodeRuntime(command);
ensureBuilt();
process.argv = [process.argv[0], entries[command], ...args];
await import(pathToFileURL(join(root, entries[command])).href);
