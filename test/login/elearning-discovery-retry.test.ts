import assert from 'node:assert/strict';
import { elearningOidcProvider } from '../../src/login/elearning-oidc-provider.js';
import type { UpstreamProvider } from '../../src/login/login-provider.js';
import { capturingLogger, freePort } from '../helpers/test-hub.js';
import { startUpstreamOidc, UPSTREAM_CLIENT } from '../helpers/upstream-oidc.js';

/** Waits for `condition`, checking often; fails the test if it never holds. */
async function eventually(condition: () => boolean, what: string) {
  const deadline = Date.now() + 15_000;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`never happened: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('E-learning-net discovery while the upstream is down', () => {
  let provider: UpstreamProvider | undefined;
  let upstream: Awaited<ReturnType<typeof startUpstreamOidc>> | undefined;

  after(async () => {
    provider?.close();
    await upstream?.close();
  });

  it('is retried in the background with growing waits, and the provider comes up with it', async () => {
    const port = await freePort();
    const issuer = `http://127.0.0.1:${port}`;
    const logged = capturingLogger();
    provider = elearningOidcProvider(
      {
        id: 'elearning',
        kind: 'elearning-oidc',
        issuer,
        ...UPSTREAM_CLIENT,
        scope: 'openid profile phone',
        timeoutMs: 1000,
        allowSignup: true,
      },
      { hubUrl: 'http://127.0.0.1:9', log: logged.log, retry: { firstMs: 40, maxMs: 160 } },
    );

    const failures = () =>
      logged.lines
        .map((line) => JSON.parse(line))
        .filter((entry) => entry.msg === 'login.provider_unavailable');
    await eventually(() => failures().length >= 4, 'four failed discoveries');
    const waits = failures()
      .slice(0, 4)
      .map((entry) => entry.retryInMs);
    assert.deepEqual(waits, [40, 80, 160, 160], 'each wait doubles, up to the maximum');
    assert.equal(provider.availability().available, false);

    upstream = await startUpstreamOidc({
      port,
      clients: [{ ...UPSTREAM_CLIENT, redirectUris: ['http://127.0.0.1:9/cb'] }],
      people: [],
    });
    await eventually(() => provider?.availability().available === true, 'discovery succeeds');
    assert.ok(logged.lines.some((line) => line.includes('login.provider_ready')));
  });
});
