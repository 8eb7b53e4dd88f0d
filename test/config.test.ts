import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { ConfigError, loadConfig } from '../src/config.js';

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `a ConfigError, not ${String(error)}`);
    return error;
  }
  assert.fail('the configuration was accepted');
}

describe('the hub configuration', () => {
  let child: ChildProcess | undefined;

  afterEach(() => {
    // Only if a regression let the hub start: never leave it running.
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });

  it('without any settings the hub listens on 3000 at http://localhost:3000 with SQLite', () => {
    const config = loadConfig({});
    assert.equal(config.PORT, 3000);
    assert.equal(config.HUB_PUBLIC_URL, 'http://localhost:3000');
    assert.equal(config.DATABASE_URL, 'sqlite:./data/hub.sqlite');
    assert.equal(config.LOGIN_MAX_FAILURES, 5);
    assert.equal(config.SMS_RESEND_SECONDS, 60);
  });

  it('an empty variable counts as not set rather than as zero', () => {
    assert.equal(loadConfig({ PORT: '', LOGIN_MAX_FAILURES: '' }).PORT, 3000);
  });

  it('several bad settings give one ConfigError that lists every one of them', () => {
    const error = configError({
      PORT: 'eighty',
      HUB_PUBLIC_URL: 'ftp://hub.example.cn',
      DATABASE_URL: 'postgres://db/hub',
      LOGIN_MAX_FAILURES: '0',
      HUB_DEFAULT_LOCALE: 'fr',
    });
    const named = error.problems.map((problem) => problem.split('=')[0]);
    assert.deepEqual(named.sort(), [
      'DATABASE_URL',
      'HUB_DEFAULT_LOCALE',
      'HUB_PUBLIC_URL',
      'LOGIN_MAX_FAILURES',
      'PORT',
    ]);
    for (const problem of error.problems) assert.ok(error.message.includes(problem));
    assert.match(error.message, /PORT="eighty"/);
  });

  it('one bad setting among good ones is reported alone', () => {
    const error = configError({ PORT: '8080', SMS_CODE_TTL_SECONDS: '5' });
    assert.equal(error.problems.length, 1);
    assert.match(error.problems[0] ?? '', /^SMS_CODE_TTL_SECONDS="5": /);
  });

  it('a public URL with a path is refused and a trailing slash is dropped', () => {
    const error = configError({ HUB_PUBLIC_URL: 'https://hub.example.cn/sso' });
    assert.match(error.problems[0] ?? '', /^HUB_PUBLIC_URL=.*origin without a path/);
    assert.equal(
      loadConfig({ HUB_PUBLIC_URL: 'https://hub.example.cn/' }).HUB_PUBLIC_URL,
      'https://hub.example.cn',
    );
  });

  it('a hub process with bad settings stops before starting and prints every problem', async () => {
    const started = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      env: {
        ...process.env,
        PORT: 'eighty',
        DATABASE_URL: 'postgres://db/hub',
        HUB_PUBLIC_URL: 'http://127.0.0.1:1',
        LOG_LEVEL: 'silent',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let stdout = '';
    child = started;
    started.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    started.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    const code = await new Promise<number | null>((resolve) => started.once('exit', resolve));

    assert.equal(code, 2, stderr);
    assert.match(stderr, /invalid configuration/);
    assert.match(stderr, /PORT="eighty"/);
    assert.match(stderr, /DATABASE_URL="postgres:\/\/db\/hub"/);
    assert.doesNotMatch(stdout, /Star Parent Hub/, 'the hub never announced itself');
  });
});
