import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { configFields, ConfigKey } from 'src/config/config.schema';
import { ConfigError } from 'src/config/config.errors';
import { suitesOverlapping } from 'src/config/external-suites';

type Parsed = { [K in ConfigKey]: z.output<(typeof configFields)[K]['schema']> };

/** Typed, validated configuration. Nothing else in Shakedown reads process.env. */
export class AppConfig {
  private constructor(private readonly values: Parsed) {}

  /** Validates the whole environment at once; the first wrong variable stops the process by name. */
  static fromEnv(env: NodeJS.ProcessEnv = process.env): AppConfig {
    const values: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(configFields)) {
      const raw = env[key] === '' ? undefined : env[key];
      const result = field.schema.safeParse(raw);
      if (!result.success) {
        const reason = result.error.issues[0]?.message ?? 'invalid value';
        const shown = 'secret' in field && field.secret ? '(hidden)' : JSON.stringify(raw);
        throw new ConfigError(`${key}=${shown}: ${reason}`, key);
      }
      values[key] = result.data;
    }
    const config = new AppConfig(values as Parsed);
    const overlapping = suitesOverlapping(config.get('SHAKEDOWN_EXTERNAL_SUITES'), config.dataDir);
    if (overlapping) {
      throw new ConfigError(
        `SHAKEDOWN_EXTERNAL_SUITES: suite ${overlapping.name} (${overlapping.folder}) overlaps SHAKEDOWN_DATA_DIR, where uploads are stored`,
        'SHAKEDOWN_EXTERNAL_SUITES',
      );
    }
    return config;
  }

  get<K extends ConfigKey>(key: K): Parsed[K] {
    return this.values[key];
  }

  get dataDir(): string {
    const dir = this.values.SHAKEDOWN_DATA_DIR;
    return isAbsolute(dir) ? dir : resolve(process.cwd(), dir);
  }

  get publicUrl(): string {
    return this.values.PUBLIC_URL ?? `http://${this.values.HOST}:${this.values.PORT}`;
  }
}
