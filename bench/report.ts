import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { LoadResult } from './load.js';

export type Row = LoadResult & {
  scenario: string;
  /** `hub on sqlite`, `hub on mysql`, or the baseline's own name. */
  subject: string;
  /** CPU time (all threads) the measured process spent per completed operation. */
  cpuMsPerOp: number;
  /** Cores' worth of CPU used during the window by the measured process and by the driver. */
  subjectCores: number;
  driverCores: number;
  /** The host's 1-minute load average when the window opened: other work on the machine. */
  hostLoad1m: number;
  peakRssMiB?: number;
  baseline?: { subject: string; rate: number };
  ratio?: number;
  target?: string;
  met?: boolean;
};

const fixed = (value: number | undefined, digits = 0) =>
  value === undefined || Number.isNaN(value) ? '—' : value.toFixed(digits);

/** The run as a plain-text table, one row per scenario and subject. */
export function formatTable(rows: Row[]): string {
  const header = [
    'scenario',
    'subject',
    'rate/s',
    'p50 ms',
    'p99 ms',
    'errors',
    'baseline/s',
    'ratio',
    'target',
    'met',
    'CPU ms/op',
    'cores (subj/drv)',
    'peak RSS MiB',
  ];
  const lines = rows.map((row) => [
    row.scenario,
    row.subject,
    fixed(row.rate, 1),
    fixed(row.p50Ms, 1),
    fixed(row.p99Ms, 1),
    String(row.errors),
    row.baseline ? fixed(row.baseline.rate, 1) : '—',
    row.ratio === undefined ? '—' : `${fixed(row.ratio * 100)} %`,
    row.target ?? '—',
    row.met === undefined ? '—' : row.met ? 'yes' : 'NO',
    fixed(row.cpuMsPerOp, 2),
    `${fixed(row.subjectCores, 2)} / ${fixed(row.driverCores, 2)}`,
    fixed(row.peakRssMiB),
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...lines.map((line) => (line[column] ?? '').length)),
  );
  const render = (cells: string[]) =>
    `| ${cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' | ')} |`;
  return [
    render(header),
    render(widths.map((width) => '-'.repeat(width))),
    ...lines.map(render),
  ].join('\n');
}

export function writeJson(file: string, data: unknown) {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
}
