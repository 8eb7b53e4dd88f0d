import { type SettingName, settings } from '../config/settings.js';

type Settings = typeof settings;

export type HubConfig = {
  -readonly [K in SettingName]: ReturnType<Settings[K]['schema']['parse']>;
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}

/**
 * Reads every setting once from `env` over the documented defaults. Collects all problems
 * before failing so an operator fixes them in one go.
 */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  overrides: Partial<HubConfig> = {},
): HubConfig {
  const problems: string[] = [];
  const config: Record<string, unknown> = {};

  for (const [name, setting] of Object.entries(settings)) {
    // An empty variable means "not set": `PORT=` must not become port 0.
    const raw = env[name] || setting.default;
    const result = setting.schema.safeParse(raw);
    if (result.success) {
      config[name] = result.data;
    } else {
      const reason = result.error.issues
        .map((issue) => (issue.path.length ? `${issue.path.join('.')}: ` : '') + issue.message)
        .join('; ');
      // A setting that holds secrets is named but not echoed: the output lands in logs.
      const shown = 'hidden' in setting ? '(value hidden)' : JSON.stringify(raw);
      problems.push(`${name}=${shown}: ${reason} (${setting.doc})`);
    }
  }

  if (problems.length > 0) throw new ConfigError(problems);
  return { ...(config as HubConfig), ...overrides };
}
