#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { AccountStore, type Role } from './accounts/account-store.js';
import { AuditLog } from './accounts/audit-log.js';
import { hashPassword, MIN_PASSWORD_LENGTH } from './accounts/password.js';
import { normalisePhone } from './accounts/phone.js';
import {
  CommandError,
  importFile,
  institutionsAdd,
  institutionsList,
  operatorsAdd,
} from './admin/intake-commands.js';
import { ConfigError, loadConfig } from './config.js';
import { type Knex, openDatabase } from './db/knex.js';
import { migrateToLatest } from './db/migrate.js';
import { AppStore, buildClientMetadata } from './oidc/app-store.js';
import { listSigningKeys, rotateSigningKeys } from './oidc/signing-keys.js';

const USAGE = `usage: hub <command>

  migrate                               bring the database schema up to date
  keys rotate                           add a new signing key; the old one stays published
  keys list                             show the signing keys
  apps add --name NAME [--redirect-uri URI]... [--post-logout-redirect-uri URI]...
           [--backchannel-logout-uri URI] [--public] [--first-party] [--json]
                                        register an app; prints its client id and, once, its secret
  apps list [--json]                    show the registered apps
  accounts add --phone P [--name N] [--role parent|admin|operator] --password-stdin
                                        create an account; the password is read from stdin
  institutions add --kind hospital|school|street --code C --name N [--json]
                                        add an institution that submits attendance files
  institutions list [--json]            show the institutions
  operators add --institution C --phone P [--name N] [--password-stdin] [--json]
                                        make an operator account (new, or found by phone)
                                        an operator of the institution
  import FILE --institution C [--sheet S] [--json]
                                        submit and process an attendance file now; exit code 3
                                        when the file itself is refused

Settings come from the environment (DATABASE_URL, …); see config/settings.ts.`;

class UsageError extends Error {}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

function print(json: boolean, value: unknown, text: string) {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${text}\n`);
}

async function appsAdd(knex: Knex, args: string[]) {
  const { values } = parseArgs({
    args,
    options: {
      name: { type: 'string' },
      'redirect-uri': { type: 'string', multiple: true },
      'post-logout-redirect-uri': { type: 'string', multiple: true },
      'backchannel-logout-uri': { type: 'string' },
      public: { type: 'boolean', default: false },
      'first-party': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  });
  if (!values.name) throw new UsageError('apps add needs --name');
  const redirectUris = values['redirect-uri'] ?? [];
  if (values.public && redirectUris.length === 0) {
    throw new UsageError('a --public app signs people in, so it needs --redirect-uri');
  }

  const metadata = buildClientMetadata({
    name: values.name,
    redirectUris,
    postLogoutRedirectUris: values['post-logout-redirect-uri'],
    backchannelLogoutUri: values['backchannel-logout-uri'],
    isPublic: values.public,
    firstParty: values['first-party'],
  });
  await validateClient(metadata);
  await new AppStore(knex).insert(metadata);

  const result = {
    client_id: metadata.client_id,
    client_secret: metadata.client_secret,
    grant_types: metadata.grant_types,
  };
  const secretLine = metadata.client_secret
    ? `client_secret ${metadata.client_secret}\n` +
      "(shown once: store it in the app's configuration now)"
    : '(public app: no secret; it must use PKCE)';
  print(values.json, result, `client_id     ${metadata.client_id}\n${secretLine}`);
}

/** Checks redirect URIs and the rest with oidc-provider's own client validation. */
async function validateClient(metadata: ReturnType<typeof buildClientMetadata>) {
  const { default: Provider } = await import('oidc-provider');
  const provider = new Provider('http://hub.invalid', {
    extraClientMetadata: { properties: ['first_party'] },
    features: { clientCredentials: { enabled: true }, backchannelLogout: { enabled: true } },
    responseTypes: ['code'],
    scopes: ['openid', 'profile', 'phone', 'offline_access'],
  });
  try {
    await provider.Client.validate(metadata);
  } catch (error) {
    const detail = (error as { error_description?: string }).error_description;
    throw new UsageError(`the app is not valid: ${detail ?? (error as Error).message}`);
  }
}

async function appsList(knex: Knex, args: string[]) {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean', default: false } } });
  const apps = await new AppStore(knex).list();
  const text = apps
    .map(
      (app) =>
        `${app.clientId}  ${app.name}${app.firstParty ? '  [first-party]' : ''}` +
        `${app.isPublic ? '  [public]' : ''}\n    grants: ${app.grantTypes.join(', ')}` +
        `\n    redirect: ${app.redirectUris.join(' ') || '-'}`,
    )
    .join('\n');
  print(values.json, apps, text || 'no apps registered');
}

async function accountsAdd(knex: Knex, args: string[]) {
  const { values } = parseArgs({
    args,
    options: {
      phone: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string', default: 'parent' },
      'password-stdin': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  });
  const phone = normalisePhone(values.phone ?? '');
  if (!phone) throw new UsageError('accounts add needs a valid --phone');
  if (!['parent', 'admin', 'operator'].includes(values.role)) {
    throw new UsageError('--role must be parent, admin or operator');
  }
  if (!values['password-stdin'])
    throw new UsageError('pass the password on stdin with --password-stdin');

  const password = await readStdin();
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new UsageError(`the password needs at least ${MIN_PASSWORD_LENGTH} characters`);
  }

  const accounts = new AccountStore(knex);
  if (await accounts.findByIdentity('phone', phone)) {
    throw new UsageError('an account with this phone already exists');
  }
  const account = await accounts.create({
    name: values.name ?? null,
    role: values.role as Role,
    passwordHash: await hashPassword(password),
    identities: [{ provider: 'phone', subject: phone, verified: true }],
  });
  await new AuditLog(knex).write({
    action: 'account.created',
    subjectAccountId: account.id,
    provider: 'phone',
    detail: { via: 'cli', role: account.role },
  });
  print(
    values.json,
    { id: account.id, role: account.role },
    `account ${account.id} (${account.role})`,
  );
}

async function run(argv: string[]): Promise<void> {
  const [command, sub, ...rest] = argv;
  if (!command || command === 'help' || command === '--help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }

  const config = loadConfig();
  const knex = openDatabase(config.DATABASE_URL);
  try {
    const applied = await migrateToLatest(knex);
    const key = command === 'import' ? 'import' : `${command} ${sub ?? ''}`.trim();
    const io = { print, readStdin };
    switch (key) {
      case 'migrate':
        process.stdout.write(applied.length ? `applied ${applied.join(', ')}\n` : 'up to date\n');
        break;
      case 'keys rotate':
        process.stdout.write(
          `new signing key ${await rotateSigningKeys(knex, config.SIGNING_KEY_RETIRE_DAYS)}; ` +
            'restart the hub processes to sign with it\n',
        );
        break;
      case 'keys list':
        for (const key of await listSigningKeys(knex)) {
          const state = key.retiredAt
            ? `retired ${new Date(key.retiredAt).toISOString()}`
            : 'active';
          process.stdout.write(
            `${key.kid}  created ${new Date(key.createdAt).toISOString()}  ${state}\n`,
          );
        }
        break;
      case 'apps add':
        await appsAdd(knex, rest);
        break;
      case 'apps list':
        await appsList(knex, rest);
        break;
      case 'accounts add':
        await accountsAdd(knex, rest);
        break;
      case 'institutions add':
        await institutionsAdd(knex, rest, io);
        break;
      case 'institutions list':
        await institutionsList(knex, rest, io);
        break;
      case 'operators add':
        await operatorsAdd(knex, rest, io);
        break;
      case 'import':
        process.exitCode = await importFile(knex, config, argv.slice(1), io);
        break;
      default:
        throw new UsageError(`unknown command: ${argv.join(' ')}`);
    }
  } finally {
    await knex.destroy();
  }
}

run(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof CommandError) {
    process.stderr.write(`hub: ${error.message}\n`);
    process.exit(error.exitCode);
  }
  if (error instanceof UsageError || error instanceof ConfigError) {
    process.stderr.write(`hub: ${error.message}\n`);
    process.exit(2);
  }
  if (
    error instanceof TypeError &&
    'code' in error &&
    String(error.code).startsWith('ERR_PARSE_ARGS')
  ) {
    process.stderr.write(`hub: ${error.message}\n${USAGE}\n`);
    process.exit(2);
  }
  process.stderr.write(`hub: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
