import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Logger, pino } from 'pino';
import { type HubConfig, loadConfig } from '../../src/config.js';
import { createHub, type Hub } from '../../src/hub.js';
import type { SmsSender } from '../../src/login/sms-sender.js';

/** Keeps every SMS the hub sends, so a test can read the code as a parent reads the phone. */
export class CapturingSmsSender implements SmsSender {
  readonly sent: Array<{ phone: string; code: string; body: string }> = [];

  async send(message: { phone: string; body: string; code: string }) {
    this.sent.push(message);
  }

  lastCodeFor(phone: string): string {
    const found = [...this.sent].reverse().find((message) => message.phone === phone);
    if (!found) throw new Error(`no SMS was sent to ${phone}`);
    return found.code;
  }
}

export type TestHub = {
  url: string;
  hub: Hub;
  sms: CapturingSmsSender;
  server: Server;
  close(): Promise<void>;
};

/** Starts a whole hub in this process on 127.0.0.1 and a free port. */
export async function startTestHub(
  databaseUrl: string,
  env: Record<string, string> = {},
  options: { port?: number; log?: Logger } = {},
): Promise<TestHub> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  const config: HubConfig = loadConfig({
    HUB_PUBLIC_URL: url,
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: 'silent',
    ...env,
  });
  const sms = new CapturingSmsSender();
  const log = options.log ?? pino({ level: 'silent' });
  const hub = await createHub(config, log, { smsSender: sms });
  server.on('request', hub.app);

  return {
    url,
    hub,
    sms,
    server,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await hub.close();
    },
  };
}

/** Starts the hub as its own process (`src/server.ts`), as an operator would. */
export async function startHubProcess(env: Record<string, string>): Promise<{
  url: string;
  process: ChildProcess;
  output: () => string;
  stop(): Promise<void>;
}> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env: { ...process.env, LOG_FORMAT: 'json', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });

  // Readiness is asked of this process's own port: HUB_PUBLIC_URL may name another process.
  const own = `http://127.0.0.1:${env.PORT}`;
  const url = env.HUB_PUBLIC_URL ?? own;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`hub process exited early:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`hub process did not become ready:\n${output}`);
    }
    try {
      const response = await fetch(`${own}/readyz`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }

  return {
    url,
    process: child,
    output: () => output,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A free TCP port on 127.0.0.1, for a hub process that must know its URL before it starts. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A logger that keeps every line it writes, so a test can read what the hub logged. */
export function capturingLogger(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) });
  return { log, lines };
}
