import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export type Child<Ready> = {
  process: ChildProcess;
  ready: Ready;
  /** Sends a message and resolves with the child's next message. */
  ask<Answer>(message: object): Promise<Answer>;
  stop(): Promise<void>;
};

// The bench runs compiled (dist/bench/*.js) or under tsx (bench/*.ts); children follow suit.
const underTsx = import.meta.url.endsWith('.ts');

/** Starts a sibling module as its own Node process and waits for its first IPC message. */
export async function startChild<Ready>(
  name: string,
  env: Record<string, string>,
): Promise<Child<Ready>> {
  const file = fileURLToPath(new URL(`./${name}${underTsx ? '.ts' : '.js'}`, import.meta.url));
  const child = fork(file, [], {
    execArgv: [
      ...(underTsx ? ['--import', 'tsx'] : []),
      // BENCH_PROFILE_DIR=<dir> writes a V8 CPU profile of every child (hub, bare provider).
      ...(process.env.BENCH_PROFILE_DIR
        ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`]
        : []),
    ],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });

  const ready = await new Promise<Ready>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} was not ready in 60 s`)), 60_000);
    child.once('message', (message) => {
      clearTimeout(timer);
      resolve(message as Ready);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited early with code ${code}`));
    });
  });

  return {
    process: child,
    ready,
    ask<Answer>(message: object) {
      const answer = new Promise<Answer>((resolve) =>
        child.once('message', (reply) => resolve(reply as Answer)),
      );
      child.send(message);
      return answer;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
