import 'reflect-metadata';
import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadEnvConfig } from '@ggzy/common';
import { createQueueBackend, ProcurementScheduler, resolveInfrastructure } from '@ggzy/queues';
import { runMigrations, withDataSource } from './operations.js';
import { seedDemo } from './demo-seed.js';

/**
 * `npm start [-- --demo]`: resolves the database and Redis once (so all three processes agree),
 * migrates, optionally seeds demo data, then runs api, bidding-gateway and worker, restarting
 * one that dies and stopping all of them on Ctrl-C.
 */
const dist = join(dirname(fileURLToPath(import.meta.url)), '..');
const PROCESSES = {
  api: join(dist, 'apps/api/src/main.js'),
  'bidding-gateway': join(dist, 'apps/bidding-gateway/src/main.js'),
  worker: join(dist, 'apps/worker/src/main.js'),
} as const;

const say = (message: string) => console.error(`[ggzy] ${message}`);

async function main() {
  const demo = process.argv.includes('--demo');
  const env = loadEnvConfig();
  const { config, stopEmbedded } = await resolveInfrastructure(env, say);
  say(`database: ${config.DATABASE_URL.replace(/:[^:@/]*@/, ':***@')}`);
  say(config.REDIS_URL ? `redis: ${config.REDIS_URL}` : 'redis: none (single-machine mode on PostgreSQL)');
  await runMigrations({ owner: config.DATABASE_OWNER_URL, app: config.DATABASE_URL }, say);

  let banner = '';
  if (demo) {
    // The procurement queue the api schedules on, so the demo's openings are queued as announcing queues them.
    const queues = createQueueBackend(config);
    const procurementScheduler = new ProcurementScheduler(queues);
    const { accounts, liveListingId, liveTransferId, liveTenderId, tenderHistory, procurements } =
      await withDataSource(config.DATABASE_URL, (dataSource) =>
        seedDemo(dataSource, new Date(), config.CENTRE_TZ, config.SEALED_BID_KEYS, procurementScheduler),
      ).finally(async () => {
        await procurementScheduler.close();
        await queues.close();
      });
    banner = [
      '',
      '  ggzy demo — accounts (passwords are new at every start):',
      ...accounts.map(
        (account) =>
          `    ${account.username.padEnd(11)} ${account.password.padEnd(10)} ${account.roles.join(',')}`,
      ),
      '',
      `  live lease auction: ${liveListingId} (bidding opens in ~3 minutes)`,
      `  live transfer auction: ${liveTransferId} (产权交易, bidding opens in ~4 minutes)`,
      `  tender opening: ${liveTenderId} (建设工程, three sealed bids opened in ~4–5 minutes)`,
      ...(tenderHistory
        ? [
            `  tender in publicity: ${tenderHistory.inPublicityId} (中标候选人公示 running)`,
            `  tender awarded: ${tenderHistory.awardedId} (contract signed, deal tender_award)`,
          ]
        : []),
      ...(procurements
        ? [
            `  procurement open tender: ${procurements.openTenderId} (公开招标, responding)`,
            `  procurement negotiation: ${procurements.negotiationId} (竞争性谈判, three sealed responses in)`,
          ]
        : []),
      `  web pages  http://localhost:${config.API_PORT}/`,
      `  API        http://localhost:${config.API_PORT}/api   docs: http://localhost:${config.API_PORT}/docs`,
      `  bidding    ws://localhost:${config.GATEWAY_PORT}/bidding (socket.io)`,
      '',
    ].join('\n');
  }

  const childEnv = {
    ...process.env,
    DATABASE_URL: config.DATABASE_URL,
    REDIS_URL: config.REDIS_URL ?? 'none',
    API_PORT: String(config.API_PORT),
    GATEWAY_PORT: String(config.GATEWAY_PORT),
  };
  const children = new Map<string, ChildProcess>();
  const restarts = new Map<string, number[]>();
  let stopping = false;

  const run = (name: keyof typeof PROCESSES) => {
    const child = spawn(process.execPath, [PROCESSES[name]], {
      env: childEnv,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    children.set(name, child);
    child.on('exit', (code, signal) => {
      children.delete(name);
      if (stopping) return;
      const recent = (restarts.get(name) ?? []).filter((at) => Date.now() - at < 60_000);
      if (recent.length >= 5) {
        say(`${name} keeps failing (exit ${code ?? signal}); stopping the platform`);
        void shutdown(1);
        return;
      }
      restarts.set(name, [...recent, Date.now()]);
      say(`${name} exited (${code ?? signal}); restarting`);
      setTimeout(() => !stopping && run(name), 1000);
    });
  };

  const shutdown = async (exitCode: number) => {
    if (stopping) return;
    stopping = true;
    say('stopping…');
    await Promise.all(
      [...children.values()].map(
        (child) =>
          new Promise<void>((resolve) => {
            const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
            child.once('exit', () => {
              clearTimeout(force);
              resolve();
            });
            child.kill('SIGTERM');
          }),
      ),
    );
    await stopEmbedded();
    process.exit(exitCode);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

  for (const name of Object.keys(PROCESSES) as (keyof typeof PROCESSES)[]) run(name);
  if (banner) setTimeout(() => console.error(banner), 3000);
}

main().catch((error) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
