import { readdirSync, readFileSync } from 'node:fs';
import { round } from './stats.js';

const TICKS_PER_SECOND = 100;
const SAMPLE_EVERY_MS = 100;

/** Fields of /proc/<pid>/stat after the command name; index 0 is field 3 (state). */
function statFields(pid: number | 'self'): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
}

/** User + system CPU seconds a live process has used. */
export function processCpuSeconds(pid: number): number {
  const fields = statFields(pid);
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** CPU seconds of this process's children that have exited and been waited for (pgbench). */
function exitedChildrenCpuSeconds(): number {
  const fields = statFields('self');
  return (Number(fields[13]) + Number(fields[14])) / TICKS_PER_SECOND;
}

/** Resident memory of a live process, in MiB. */
export function rssMiB(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? round(Number(match[1]) / 1024) : Number.NaN;
}

type PostgresRole = 'postgresBench' | 'postgresShared' | 'postgresOthers';

/**
 * The PostgreSQL server is shared with other engineers' test runs, so its processes are told
 * apart by their titles: backends of the bench's database, background processes every
 * database shares (WAL writer, checkpointer, …), and everyone else's backends. Backends come
 * and go (pgbench's exit when it does), so they are sampled every 100 ms (about 1 ms of this process's CPU each) and the last reading
 * counts; at most the final 100 ms of an exiting backend's CPU is missed.
 */
class PostgresSampler {
  private readonly roles = new Map<number, PostgresRole | null>();
  private readonly first = new Map<number, number>();
  private readonly last = new Map<number, number>();
  private timer?: NodeJS.Timeout;

  constructor(private readonly database: string) {}

  start() {
    this.sample(true);
    this.timer = setInterval(() => this.sample(false), SAMPLE_EVERY_MS);
  }

  stop(): Record<PostgresRole, number> {
    clearInterval(this.timer);
    this.sample(false);
    const totals: Record<PostgresRole, number> = { postgresBench: 0, postgresShared: 0, postgresOthers: 0 };
    for (const [pid, seconds] of this.last) {
      const role = this.roles.get(pid);
      if (role) totals[role] += seconds - (this.first.get(pid) ?? 0);
    }
    for (const role of Object.keys(totals) as PostgresRole[]) totals[role] = round(totals[role], 2);
    return totals;
  }

  private sample(initial: boolean) {
    const present = new Set<number>();
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const pid = Number(entry);
      present.add(pid);
      try {
        let role = this.roles.get(pid);
        if (role === undefined) {
          role = this.classify(pid);
          if (role === undefined) continue; // a backend not yet named: look again next time
          this.roles.set(pid, role);
        }
        if (role === null) continue;
        const seconds = processCpuSeconds(pid);
        // A backend born during the window counts from zero.
        if (!this.first.has(pid)) this.first.set(pid, initial ? seconds : 0);
        this.last.set(pid, seconds);
      } catch {
        // the process ended while we looked; its last reading stands
      }
    }
    // A pid that vanished may be reused by an unrelated process later.
    for (const pid of this.roles.keys()) if (!present.has(pid) && !this.last.has(pid)) this.roles.delete(pid);
  }

  private classify(pid: number): PostgresRole | null | undefined {
    if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'postgres') return null;
    const title = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
    if (!title.startsWith('postgres:')) {
      // The postmaster, or a freshly forked backend that still carries its command line.
      const parent = Number(statFields(pid)[1]);
      const parentIsPostgres = readFileSync(`/proc/${parent}/comm`, 'utf8').trim() === 'postgres';
      return parentIsPostgres ? undefined : 'postgresShared';
    }
    const words = title.split(/\s+/);
    if (words.includes(this.database)) return 'postgresBench';
    if (/\(\d+\)|\[local\]/.test(title)) return 'postgresOthers';
    return 'postgresShared';
  }
}

/**
 * CPU seconds each process used during some work: the named live processes (the platform's,
 * the bare socket.io server), this process (the benchmark's clients), exited children
 * (pgbench) and PostgreSQL split by whose work it was.
 */
export async function measureCpu<T extends object>(
  processes: Record<string, number>,
  database: string,
  work: () => Promise<T>,
): Promise<T & { cpuSeconds: Record<string, number> }> {
  const names = Object.keys(processes);
  const before = names.map((name) => processCpuSeconds(processes[name]));
  const ownBefore = process.cpuUsage();
  const exitedBefore = exitedChildrenCpuSeconds();
  const postgres = new PostgresSampler(database);
  postgres.start();
  const wall = performance.now();
  let result: T;
  let postgresSeconds: Record<string, number>;
  try {
    result = await work();
  } finally {
    postgresSeconds = postgres.stop();
  }
  const own = process.cpuUsage(ownBefore);
  const cpu: Record<string, number> = { wallSeconds: round((performance.now() - wall) / 1000, 2) };
  names.forEach((name, index) => (cpu[name] = round(processCpuSeconds(processes[name]) - before[index], 2)));
  cpu.benchClients = round((own.user + own.system) / 1e6, 2);
  // The only child that exits within a measured phase is pgbench.
  const exited = round(exitedChildrenCpuSeconds() - exitedBefore, 2);
  if (exited > 0) cpu.pgbench = exited;
  Object.assign(cpu, postgresSeconds);
  return { ...result, cpuSeconds: cpu };
}
