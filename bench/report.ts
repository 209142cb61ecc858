import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { Spread } from './stats.js';

/**
 * Renders a run's summary as the Markdown tables of BENCHMARKS.md, so the figures there are
 * copied from the run, not retyped. Every figure is "median (min–max)" over the repeated runs.
 */
type Tree = { [key: string]: any };

const number = (value: number) =>
  Math.abs(value) >= 1000 ? Math.round(value).toLocaleString('en-US') : String(value);

function show(spread: Spread | undefined, unit = ''): string {
  if (!spread) return '—';
  const { median, min, max } = spread;
  return min === max
    ? `${number(median)}${unit}`
    : `${number(median)}${unit} (${number(min)}–${number(max)})`;
}

/** "yes" when the median meets the target; says so when some run did not. */
function met(spread: Spread | undefined, within: (value: number) => boolean): string {
  if (!spread) return '—';
  if (!within(spread.median))
    return within(spread.min) || within(spread.max) ? 'no (some runs did)' : '**no**';
  return within(spread.min) && within(spread.max) ? 'yes' : 'yes (median; not every run)';
}

function firstRunRss(run: Tree | undefined, name: string): string {
  if (!run) return '—';
  const { before, withWatchers, added } = run.rssMiB;
  return `${before[name]} MiB → ${withWatchers[name]} MiB; added ${added[name]} MiB`;
}

const latency = (tree: Tree | undefined, unit = ' ms') =>
  tree ? `p50 ${show(tree.p50, unit)}, p99 ${show(tree.p99, unit)}` : '—';

export function markdownReport(summary: Tree, machine: Tree, settings: Tree, raw: Tree = {}): string {
  const rows: string[][] = [];
  const a = summary.a;
  if (a) {
    const {
      pgbenchContended: hot,
      pgbenchOwnRow: own,
      nodeLoopContended: loop,
      flatOut,
      flatOutJumping,
      paced,
    } = a.runs;
    const pgbench = `pgbench contended UPDATE, 20 clients: ${show(hot.perSecond, '/s')}`;
    rows.push(
      [
        '(a) accepted bids/s, 20 bidders flat out on one listing',
        show(flatOut.acceptedPerSecond, '/s'),
        pgbench,
        show(a.ratios.acceptedVsPgbench),
        '≥ 0.5',
        met(a.ratios.acceptedVsPgbench, (value) => value >= 0.5),
      ],
      [
        '(a) decisions/s (accepted + recorded rejections), same phase',
        show(flatOut.decisionsPerSecond, '/s'),
        pgbench,
        show(a.ratios.decisionsVsPgbench),
        '—',
        '—',
      ],
      [
        '(a) decisions per server CPU-second (gateway, api, worker and their backends), same phase',
        show(flatOut.decisionsPerServerCpuSecond),
        `pgbench contended, per CPU-second of its backends: ${show(hot.perServerCpuSecond)}`,
        show(a.ratios.decisionsPerCpuVsPgbench),
        '—',
        '—',
      ],
      [
        '(a) decisions/s, same phase, against uncontended writes',
        show(flatOut.decisionsPerSecond, '/s'),
        `pgbench one row per client, 20 clients: ${show(own.perSecond, '/s')}`,
        show(a.ratios.decisionsVsPgbenchOwnRow),
        '—',
        '—',
      ],
      [
        '(a) bidders jumping 0–19 increments: accepted/s, decisions/s',
        `${show(flatOutJumping.acceptedPerSecond, '/s')}, ${show(flatOutJumping.decisionsPerSecond, '/s')}`,
        pgbench,
        `${show(a.ratios.jumpingAcceptedVsPgbench)}, ${show(a.ratios.jumpingDecisionsVsPgbench)}`,
        '≥ 0.5 (accepted)',
        met(a.ratios.jumpingAcceptedVsPgbench, (value) => value >= 0.5),
      ],
      [
        '(a) ack latency at 50 bids/s (20 bidders, paced)',
        latency(paced.ack),
        '—',
        '—',
        'p99 ≤ 20 ms',
        met(paced.ack.p99, (value) => value <= 20),
      ],
      [
        '(a) ack latency flat out',
        latency(flatOut.ack),
        `pgbench contended: ${latency(hot.latency)}`,
        '—',
        '—',
        '—',
      ],
      [
        '(a) Node `pg` client loop, same contended UPDATE, 20 connections',
        show(loop.perSecond, '/s'),
        pgbench,
        show(a.ratios.nodeLoopVsPgbench),
        '—',
        '—',
      ],
    );
  }
  const b = summary.b;
  if (b) {
    const { oneGateway, twoGateways, bare } = b.runs;
    const watchers = settings.watchers.toLocaleString('en-US');
    const sent = (phase: Tree) => (phase.sentPerSecond ? `; sent ${show(phase.sentPerSecond, '/s')}` : '');
    const bareLatency = `bare socket.io server, same payloads and rate: ${latency(bare.latency)}${sent(bare)}`;
    const ratio = (p50: Spread, p99: Spread) => `p50 ${show(p50)}, p99 ${show(p99)}`;
    const both = (p50: Spread, p99: Spread) => {
      const p50met = met(p50, (value) => value <= 1.3);
      const p99met = met(p99, (value) => value <= 1.3);
      return p50met === p99met ? p50met : `p50 ${p50met}, p99 ${p99met}`;
    };
    rows.push(
      [
        `(b) broadcast latency to ${watchers} watchers on one gateway (${settings.broadcast})`,
        `${latency(oneGateway.latency)}${sent(oneGateway)}`,
        bareLatency,
        ratio(b.ratios.oneGatewayP50VsBare, b.ratios.oneGatewayP99VsBare),
        '≤ 1.3',
        both(b.ratios.oneGatewayP50VsBare, b.ratios.oneGatewayP99VsBare),
      ],
      [
        `(b) same, ${watchers} watchers split over two gateways, bids entering the first`,
        `${latency(twoGateways.latency)}${sent(twoGateways)}`,
        bareLatency,
        ratio(b.ratios.twoGatewaysP50VsBare, b.ratios.twoGatewaysP99VsBare),
        '≤ 1.3',
        both(b.ratios.twoGatewaysP50VsBare, b.ratios.twoGatewaysP99VsBare),
      ],
      [
        `(b) gateway RSS before → with ${watchers} watchers (one gateway)`,
        `${show(oneGateway.rssMiB.before.gateway, ' MiB')} → ${show(oneGateway.rssMiB.withWatchers.gateway, ' MiB')}; added ${show(oneGateway.rssMiB.added.gateway, ' MiB')}`,
        `bare server: ${show(bare.rssMiB.before.bare, ' MiB')} → ${show(bare.rssMiB.withWatchers.bare, ' MiB')}; added ${show(bare.rssMiB.added.bare, ' MiB')}`,
        '—',
        '—',
        '—',
      ],
      [
        // A gateway keeps the memory it grew to after watchers leave, so later runs start higher.
        `(b) the same, first run only (a gateway that has not had watchers yet)`,
        firstRunRss(raw.b?.runs?.oneGateway?.[0], 'gateway'),
        firstRunRss(raw.b?.runs?.bare?.[0], 'bare'),
        '—',
        '—',
        '—',
      ],
      [
        `(b) RSS added per gateway, ${watchers} watchers over two`,
        `first ${show(twoGateways.rssMiB.added.gateway, ' MiB')}, second ${show(twoGateways.rssMiB.added.gateway2, ' MiB')}`,
        '—',
        '—',
        '—',
        '—',
      ],
    );
  }
  const c = summary.c;
  if (c) {
    const shape = c.runs.pgbenchCloseShape;
    for (const [key, runs] of Object.entries(c.runs as Tree)) {
      if (key === 'pgbenchCloseShape') continue;
      rows.push([
        `(c) close lag, ${settings.closingAuctions} auctions ending in the same second, ${runs.workers?.median === 1 ? 'one worker' : `${runs.workers?.median} workers`}`,
        `${latency(runs.lagMs)}, max ${show(runs.lagMs.max, ' ms')}; missed ${show(runs.missed)}`,
        shape
          ? `pgbench close shape: ${show(shape.closesPerSecond)} closes/s, ${show(shape.msFor, ' ms')} for all`
          : '—',
        '—',
        'p99 ≤ 1 s, none missed',
        runs.missed.max > 0 ? '**no** (missed)' : met(runs.lagMs.p99, (value) => value <= 1000),
      ]);
      if (runs.openLagMs)
        rows.push([
          `(c) open lag (\`auction.status\` bidding), the same auctions opening in the same second`,
          `${latency(runs.openLagMs)}, max ${show(runs.openLagMs.max, ' ms')}; seen ${show(runs.openedEventsSeen)}`,
          '—',
          '—',
          'p99 ≤ 1 s, none missed',
          met(runs.openLagMs.p99, (value) => value <= 1000),
        ]);
    }
  }
  const table = (header: string[], body: string[][]) =>
    [
      `| ${header.join(' | ')} |`,
      `|${header.map(() => '---').join('|')}|`,
      ...body.map((row) => `| ${row.join(' | ')} |`),
    ].join('\n');
  const results = table(['', 'measured', 'baseline, same run', 'ratio', 'target', 'met'], rows);
  // CPU seconds per phase (medians), so every figure says which process was busy.
  const cpuRows: string[][] = [];
  const columns = new Set<string>();
  const phases: [string, Tree][] = [];
  for (const part of ['a', 'b'] as const)
    for (const [name, phase] of Object.entries((summary[part]?.runs ?? {}) as Tree))
      if (phase.cpuSeconds) phases.push([`(${part}) ${name}`, phase.cpuSeconds]);
  if (c)
    for (const [key, runs] of Object.entries(c.runs as Tree))
      if (runs.cpuSecondsInFirst3s)
        phases.push([`(c) ${key}, first 3 s after the end`, runs.cpuSecondsInFirst3s]);
  for (const [, cpu] of phases) for (const key of Object.keys(cpu)) columns.add(key);
  for (const [name, cpu] of phases)
    cpuRows.push([name, ...[...columns].map((key) => (cpu[key] ? number(cpu[key].median) : '0'))]);
  const cpuTable = table(['CPU seconds (median)', ...columns], cpuRows);
  const conditions =
    `Node.js ${machine.node}, PostgreSQL ${machine.postgres}, Redis ${machine.redis}; ${machine.cores} cores; ` +
    `load average (1/5/15 min) ${machine.loadavgAtStart?.join(' / ')} at the start, ${machine.loadavgAtEnd?.join(' / ')} at the end; ` +
    `${settings.repeats} run${settings.repeats === 1 ? '' : 's'} of each phase, ${settings.seconds} s each; gateway DB_POOL_SIZE ${settings.gatewayDbPoolSize}.`;
  return `${conditions}\n\n${results}\n\n${cpuTable}\n`;
}

// `node dist/bench/report.js bench/results/<run>.json` renders a stored run again.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const run = JSON.parse(readFileSync(process.argv[2], 'utf8'));
  console.log(markdownReport(run.summary, run.machine, run.settings, run.raw));
}
