/** One virtual user's repeated operation; state it needs lives in its closure. */
export type Operation = () => Promise<void>;

export type LoadOptions = {
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  maxOps: number;
};

/** Called when the measured window opens and closes, e.g. to read CPU counters. */
export type WindowHooks = { atStart(): void; atEnd(): void };

export type LoadResult = {
  ops: number;
  errors: number;
  seconds: number;
  rate: number;
  p50Ms: number;
  p99Ms: number;
  firstError?: string;
};

function percentile(sorted: number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? Number.NaN;
}

/**
 * Closed-loop load: `concurrency` virtual users each run their operation back to back.
 * Setup (building each user's operation) is not timed; operations finishing during the warm-up
 * or after the window are not counted, so the rate is completions per second of steady state.
 */
export async function runLoad(
  options: LoadOptions,
  makeOperation: (user: number) => Promise<Operation>,
  hooks: WindowHooks = { atStart() {}, atEnd() {} },
): Promise<LoadResult> {
  const operations = await Promise.all(
    Array.from({ length: options.concurrency }, (_, user) => makeOperation(user)),
  );

  const started = performance.now();
  const measureFrom = started + options.warmupMs;
  let measureUntil = measureFrom + options.durationMs;
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const opening = setTimeout(hooks.atStart, options.warmupMs);
  let closing = setTimeout(hooks.atEnd, options.warmupMs + options.durationMs);

  await Promise.all(
    operations.map(async (operation) => {
      while (performance.now() < measureUntil) {
        const begin = performance.now();
        let failed = false;
        try {
          await operation();
        } catch (error) {
          failed = true;
          firstError ??= error instanceof Error ? error.message : String(error);
        }
        const end = performance.now();
        if (end < measureFrom || end > measureUntil) continue;
        if (failed) errors++;
        else latencies.push(end - begin);
        // The count bound ends the window early rather than letting a fast scenario run long.
        if (latencies.length + errors >= options.maxOps && end < measureUntil) {
          measureUntil = end;
          clearTimeout(closing);
          closing = setTimeout(hooks.atEnd, 0);
        }
      }
    }),
  );

  clearTimeout(opening);
  await new Promise((resolve) => setTimeout(resolve, 0));
  clearTimeout(closing);
  const seconds = (measureUntil - measureFrom) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    ops: latencies.length,
    errors,
    seconds,
    rate: latencies.length / seconds,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    firstError,
  };
}
