// An istanbul coverage reporter (jest.config.js lists it in coverageReporters): line and branch
// figures per lib and per app, summed over the files of each, printed as a table after the text
// summary. istanbul-reports loads a reporter with require(), which takes this ES module as the
// class it exports as "module.exports".
import path from 'node:path';
import libReport from 'istanbul-lib-report';
import libCoverage from 'istanbul-lib-coverage';

const { ReportBase } = libReport;
const { createCoverageSummary } = libCoverage;

class CoverageByLib extends ReportBase {
  constructor(options = {}) {
    super({ summarizer: 'flat' });
    this.root = options.root ?? process.cwd();
    this.groups = new Map();
  }

  /** Each file's summary, added to its lib's (libs/<name>) or app's (apps/<name>). */
  onDetail(node) {
    const relative = path.relative(this.root, node.getFileCoverage().path).split(path.sep);
    const group = relative[0] === 'libs' || relative[0] === 'apps' ? relative.slice(0, 2).join('/') : 'other';
    if (!this.groups.has(group)) this.groups.set(group, { files: 0, summary: createCoverageSummary() });
    const entry = this.groups.get(group);
    entry.files += 1;
    entry.summary.merge(node.getCoverageSummary());
  }

  onEnd(root, context) {
    const writer = context.writer.writeFile(null);
    const all = root.getCoverageSummary();
    const rows = [...this.groups.entries()].sort(([a], [b]) => a.localeCompare(b));
    const width = Math.max(5, ...rows.map(([name]) => name.length));
    const percent = ({ covered, total }) => (total > 0 ? `${((100 * covered) / total).toFixed(1)}%` : 'n/a');
    const figure = (metric) => `${percent(metric)} (${metric.covered}/${metric.total})`.padStart(22);
    const line = (name, files, summary) =>
      `${name.padEnd(width)} ${String(files).padStart(5)} ${figure(summary.lines)} ${figure(summary.branches)}`;
    const rule = '-'.repeat(width + 52);
    writer.println('');
    writer.println('Coverage by lib (lines and branches):');
    writer.println(
      `${'lib'.padEnd(width)} ${'files'.padStart(5)} ${'lines'.padStart(22)} ${'branches'.padStart(22)}`,
    );
    writer.println(rule);
    for (const [name, { files, summary }] of rows) writer.println(line(name, files, summary));
    writer.println(rule);
    const files = rows.reduce((sum, [, group]) => sum + group.files, 0);
    writer.println(line('all', files, all));
    writer.close();
  }
}

export { CoverageByLib as 'module.exports' };
