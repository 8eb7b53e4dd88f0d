import type { Logger } from '../log.js';
import type { SubmissionProcessor } from './submission-processor.js';
import type { SubmissionStore } from './submission-store.js';

/**
 * Processes submissions in the background, one at a time per hub process. The database is
 * the queue: a wake-up (a new upload) or the periodic poll looks for queued submissions and
 * for ones a crashed process left `processing` past their lease, and the processor's claim
 * makes sure two hub processes never work on the same one.
 */
export class SubmissionQueue {
  private running: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly submissions: SubmissionStore,
    private readonly processor: SubmissionProcessor,
    private readonly log: Logger,
  ) {}

  /** Starts polling (which also picks up what a crash left) every `pollMs`. */
  start(pollMs = 30_000): void {
    this.wake();
    this.timer = setInterval(() => this.wake(), pollMs);
    this.timer.unref();
  }

  /** Looks for work now, or right after the current run when one is going. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .catch((error: unknown) => this.log.error({ err: error }, 'submission_queue.failed'))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  /** Stops taking work and waits for the submission in hand to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  private async drain(): Promise<void> {
    for (;;) {
      const ids = await this.submissions.claimable();
      if (ids.length === 0 || this.stopped) return;
      for (const id of ids) {
        if (this.stopped) return;
        await this.processor.process(id);
      }
      // Submissions another process holds stay claimable-looking only until they finish or
      // their lease runs out; stop when nothing this process could take is left.
      const remaining = await this.submissions.claimable();
      if (remaining.every((id) => ids.includes(id))) return;
    }
  }
}
