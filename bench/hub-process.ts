import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../src/config.js';
import { createHub } from '../src/hub.js';
import { createLogger } from '../src/log.js';

/**
 * The hub under test: one Node process, configured from its environment as in production,
 * listening on 127.0.0.1 only. It binds first so the issuer URL can carry the port it got.
 */
const server = createServer();
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const config = loadConfig({ ...process.env, HUB_PUBLIC_URL: url });
const hub = await createHub(config, createLogger({ level: config.LOG_LEVEL, format: 'json' }));
server.on('request', hub.app);

process.once('SIGTERM', () => {
  server.closeAllConnections();
  server.close();
  void hub.close().finally(() => process.exit(0));
});
process.send?.({ url });
