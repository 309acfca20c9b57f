import { AppConfig } from 'src/config/config';
import { ConfigError } from 'src/config/config.errors';

describe(AppConfig.name, () => {
  it('should apply defaults when the environment is empty', () => {
    const sut = AppConfig.fromEnv({});
    expect(sut.get('PORT')).toBe(3000);
    expect(sut.get('SHAKEDOWN_PUBLIC_READ')).toBe(true);
    expect(sut.get('DATABASE_URL')).toBeUndefined();
  });

  it('should name the variable when a value is wrong', () => {
    expect(() => AppConfig.fromEnv({ PORT: 'eighty' })).toThrow(/^invalid configuration: PORT="eighty": /);
  });

  it('should never print a secret it rejects', () => {
    let error: unknown;
    try {
      AppConfig.fromEnv({ DATABASE_URL: 'not a url with password hunter2' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain('DATABASE_URL=(hidden)');
    expect((error as Error).message).not.toContain('hunter2');
  });
});
