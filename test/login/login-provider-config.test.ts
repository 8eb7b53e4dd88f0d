import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../src/config.js';

function problemsOf(value: string): string[] {
  try {
    loadConfig({ HUB_LOGIN_PROVIDERS: value });
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.problems;
  }
  assert.fail('the login providers were accepted');
}

const wechat = {
  id: 'wechat-weixuetong',
  kind: 'wechat-oauth',
  appId: 'wx0123456789abcdef',
  appSecret: 'super-secret-value',
};

describe('the login provider configuration', () => {
  it('without settings only phone login is offered, and it may create accounts', () => {
    assert.deepEqual(loadConfig({}).HUB_LOGIN_PROVIDERS, [
      { id: 'phone', kind: 'phone', allowSignup: true },
    ]);
  });

  it('fills in WeChat and E-learning-net defaults and keeps several providers of one kind', () => {
    const providers = loadConfig({
      HUB_LOGIN_PROVIDERS: JSON.stringify([
        wechat,
        { ...wechat, id: 'wechat-licence', appId: 'wx9999', allowSignup: false },
        { id: 'elearning', kind: 'elearning-oidc', issuer: 'https://id.example.cn', clientId: 'c' },
      ]),
    }).HUB_LOGIN_PROVIDERS;

    assert.equal(providers.length, 3);
    const [first, second, elearning] = providers;
    assert.equal(first?.kind === 'wechat-oauth' && first.scope, 'snsapi_userinfo');
    assert.equal(first?.kind === 'wechat-oauth' && first.apiBaseUrl, 'https://api.weixin.qq.com');
    assert.equal(second?.allowSignup, false);
    assert.equal(elearning?.kind === 'elearning-oidc' && elearning.scope, 'openid profile phone');
  });

  it('reads the list from a JSON file when given a path', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'hub-providers-')), 'providers.json');
    writeFileSync(file, JSON.stringify([{ id: 'phone', kind: 'phone' }, wechat]));
    const providers = loadConfig({ HUB_LOGIN_PROVIDERS: file }).HUB_LOGIN_PROVIDERS;
    assert.deepEqual(
      providers.map((provider) => provider.id),
      ['phone', 'wechat-weixuetong'],
    );
  });

  it('lists every problem of every entry with where it is, and never prints the secrets', () => {
    const problems = problemsOf(
      JSON.stringify([
        { ...wechat, scope: 'snsapi_everything' },
        { id: 'Elearning', kind: 'elearning-oidc', issuer: 'not a url', clientId: 'c' },
        { ...wechat },
        { id: 'sms', kind: 'carrier-pigeon' },
      ]),
    );

    assert.equal(problems.length, 1, 'one setting is wrong');
    const problem = problems[0] ?? '';
    assert.match(problem, /^HUB_LOGIN_PROVIDERS=\(value hidden\): /);
    assert.match(problem, /0\.scope: /);
    assert.match(problem, /1\.id: /);
    assert.match(problem, /1\.issuer: /);
    assert.match(problem, /3\.kind: /);
    assert.doesNotMatch(problem, /super-secret-value/);
  });

  it('refuses two providers with the same id', () => {
    const problems = problemsOf(JSON.stringify([wechat, { ...wechat, appId: 'wx2222' }]));
    assert.match(problems[0] ?? '', /1\.id: id "wechat-weixuetong" is used twice/);
  });

  it('refuses text that is neither a JSON list nor a readable file', () => {
    assert.match(problemsOf('/no/such/providers.json')[0] ?? '', /neither a JSON array/);
    assert.match(problemsOf('[{"id": "phone",')[0] ?? '', /not JSON/);
  });
});
