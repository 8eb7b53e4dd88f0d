import { createServer } from 'node:http';
import { jobs } from '../jobs/index.js';
import { startScheduler } from '../jobs/scheduler.js';
import { ConfigError, loadConfig } from './config.js';
import { createHub } from './hub.js';
import { createLogger } from './log.js';

async function main() {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }

  const log = createLogger({ level: config.LOG_LEVEL, format: config.LOG_FORMAT });
  const hub = await createHub(config, log);
  const server = createServer(hub.app);
  await new Promise<void>((resolve) => server.listen(config.PORT, resolve));

  const scheduler = config.HUB_JOBS_ENABLED ? startScheduler(hub.knex, log, jobs) : undefined;

  const url = config.HUB_PUBLIC_URL;
  log.info({ port: config.PORT, issuer: url }, 'hub.listening');

  const lines = [
    '',
    `  星级家长执照 Star Parent Hub  ${url}/`,
    `  OpenID discovery            ${url}/.well-known/openid-configuration`,
  ];
  for (const demo of hub.demo?.apps ?? []) {
    lines.push(`  ${demo.title.padEnd(28)}${url}/demo/${demo.slug}/`);
  }
  if (hub.demo) {
    const password =
      hub.demo.parent.password ?? '(set on first start; reset with npx hub accounts)';
    lines.push(`  demo parent: phone ${hub.demo.parent.phone.slice(3)}  password ${password}`);
  }
  process.stdout.write(`${lines.join('\n')}\n\n`);

  const stop = async (signal: string) => {
    log.info({ signal }, 'hub.stopping');
    server.close();
    server.closeAllConnections();
    await scheduler?.stop();
    await hub.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`hub failed to start: ${error instanceof Error ? error.stack : error}\n`);
  process.exit(1);
});
