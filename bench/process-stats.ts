import { readFileSync, writeFileSync } from 'node:fs';

/**
 * Resets the kernel's peak-RSS mark of a process (Linux `clear_refs` 5), so the next reading
 * is the peak of one scenario rather than of the process's whole life. False when unsupported.
 */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** Peak resident set (VmHWM) in MiB, native memory included (argon2 buffers, SQLite cache). */
export function peakRssMiB(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmHWM:\s+(\d+)\s+kB/.exec(status)?.[1];
    return kb ? Number(kb) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** CPU seconds (user + system, all threads) a process has used so far; 0 when unknown. */
export function cpuSeconds(pid: number): number {
  try {
    // Fields after the parenthesised command name; utime and stime are the 12th and 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

// USER_HZ: 100 on every mainstream Linux build; /proc/<pid>/stat counts in these ticks.
const CLOCK_TICKS = 100;
