import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import type { AppConfig } from '../../libs/common/src/config.js';
import { createLogger } from '../../libs/common/src/logger.js';
import { createApiApp } from '../../apps/api/src/api.app.js';
import { createGatewayApp } from '../../apps/bidding-gateway/src/gateway.app.js';
import { createWorkerApp } from '../../apps/worker/src/worker.app.js';
import type { Socket } from 'socket.io-client';
import {
  configToEnv,
  createTestEnvironment,
  type EnvironmentOptions,
  type TestEnvironment,
} from './environment.js';
import { connect } from './sockets.js';

const logger = () => createLogger('test', process.env.TEST_LOG_LEVEL ?? 'silent');

export interface RunningHttpApp {
  url: string;
  app: INestApplication;
  close(): Promise<void>;
}

/** Port 0 (the tests' default) picks a free port; browser tests fix theirs (the page finds the gateway by it). */
async function listen(app: INestApplication, port = 0): Promise<RunningHttpApp> {
  await app.listen(port, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  return { url: `http://127.0.0.1:${address.port}`, app, close: () => app.close() };
}

/** The real apps, in this process: the same factories main.ts uses. */
export async function startApi(config: AppConfig): Promise<RunningHttpApp> {
  return listen(await createApiApp(config, logger()), config.API_PORT);
}

export async function startGateway(config: AppConfig): Promise<RunningHttpApp> {
  return listen(await createGatewayApp(config, logger()), config.GATEWAY_PORT);
}

export async function startWorker(config: AppConfig): Promise<INestApplicationContext> {
  return createWorkerApp(config, logger());
}

export interface ChildApp {
  process: ChildProcess;
  output: () => string;
  /** SIGKILL: no shutdown hooks, no goodbye. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

const ENTRIES = {
  api: 'dist/apps/api/src/main.js',
  gateway: 'dist/apps/bidding-gateway/src/main.js',
  worker: 'dist/apps/worker/src/main.js',
} as const;
const READY = { api: 'api listening', gateway: 'bidding gateway listening', worker: 'worker ready' } as const;

const START_TIMEOUT_MS = 90_000;

/** A real process from the build, for tests that kill or restart one (npm test builds first). */
export async function spawnApp(
  kind: keyof typeof ENTRIES,
  config: AppConfig,
  env: NodeJS.ProcessEnv = {},
): Promise<ChildApp> {
  const child = spawn(process.execPath, [join(process.cwd(), ENTRIES[kind])], {
    env: { ...configToEnv(config), LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    // Generous for a loaded machine; a child that never got ready is killed, or its open pipes
    // would keep Jest from exiting after the run.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${kind} did not start within ${START_TIMEOUT_MS} ms:\n${output}`));
    }, START_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(READY[kind])) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${kind} exited with ${code} before it was ready:\n${output}`));
    });
  });
  return {
    process: child,
    output: () => output,
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A fresh database and the three apps in this process, torn down together. */
export interface TestPlatform {
  env: TestEnvironment;
  api: RunningHttpApp;
  gateway: RunningHttpApp;
  worker: INestApplicationContext | undefined;
  /** A socket.io client on the gateway, closed with the platform. */
  open(token?: string): Promise<Socket>;
  stopWorker(): Promise<void>;
  startWorker(): Promise<void>;
  close(): Promise<void>;
}

export async function startTestPlatform(
  overrides: Partial<AppConfig> = {},
  options: EnvironmentOptions = {},
): Promise<TestPlatform> {
  const env = await createTestEnvironment(overrides, options);
  const sockets: Socket[] = [];
  const platform: TestPlatform = {
    env,
    api: await startApi(env.config),
    gateway: await startGateway(env.config),
    worker: await startWorker(env.config),
    open: async (token) => {
      const socket = await connect(platform.gateway.url, token);
      sockets.push(socket);
      return socket;
    },
    stopWorker: async () => {
      await platform.worker?.close();
      platform.worker = undefined;
    },
    startWorker: async () => {
      platform.worker = await startWorker(env.config);
    },
    // Each step runs even if one before it failed; then the failures fail the caller.
    close: async () => {
      sockets.forEach((socket) => socket.close());
      const failed: unknown[] = [];
      for (const step of [platform.stopWorker, platform.gateway.close, platform.api.close, env.drop])
        await step().catch((error: unknown) => failed.push(error));
      if (failed.length > 0) throw new AggregateError(failed, 'closing the test platform failed');
    },
  };
  return platform;
}
