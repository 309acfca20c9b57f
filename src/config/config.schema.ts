import { z } from 'zod';
import { loadExternalSuites } from 'src/config/external-suites';
import { guestBinariesFolder } from 'src/config/guest-binaries';

/**
 * Every setting Shakedown reads from the environment, with its default and a one-line description.
 * The configuration reference in the README is generated from this table (`shakedown config`).
 */
export const configFields = {
  DATABASE_URL: {
    schema: z.string().url().optional(),
    description:
      'PostgreSQL 13+ URL. Unset: an embedded PostgreSQL starts in SHAKEDOWN_DATA_DIR/pg (as root, when user postgres cannot enter that folder: in /var/lib/shakedown, which it says).',
    secret: true,
  },
  SHAKEDOWN_DATABASE_WAIT_SECONDS: {
    schema: z.coerce.number().int().min(0).max(3600).default(0),
    description:
      'At start, keep trying a DATABASE_URL that does not answer yet (name not resolvable, connection refused, server starting) for this long; 0 fails at once. Containers set it.',
  },
  SHAKEDOWN_DATA_DIR: {
    schema: z.string().min(1).default('.shakedown'),
    description: 'Folder for the embedded database, artifacts and the simulated lab state.',
  },
  SHAKEDOWN_EMBEDDED_PG_PORT: {
    schema: z.coerce.number().int().min(1).max(65535).default(54329),
    description: 'Port of the embedded PostgreSQL (loopback only).',
  },
  PORT: {
    schema: z.coerce.number().int().min(0).max(65535).default(3000),
    description: 'HTTP port of `shakedown serve`.',
  },
  HOST: {
    schema: z.string().min(1).default('127.0.0.1'),
    description: 'Address `shakedown serve` listens on.',
  },
  PUBLIC_URL: {
    schema: z.string().url().optional(),
    description: 'Base URL printed in links (default http://HOST:PORT).',
  },
  LOG_LEVEL: {
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    description: 'Minimum level of the JSON logs.',
  },
  SHAKEDOWN_ADMIN_TOKEN: {
    schema: z.string().min(16, 'must be at least 16 characters').optional(),
    description: 'Token of the built-in admin (Authorization: Bearer …).',
    secret: true,
  },
  SHAKEDOWN_PUBLIC_READ: {
    schema: z
      .enum(['true', 'false'])
      .default('true')
      .transform((v) => v === 'true'),
    description: 'Let anonymous visitors read pages and reports.',
  },
  SHAKEDOWN_WORKER_CONCURRENCY: {
    schema: z.coerce.number().int().min(1).max(64).default(4),
    description: 'Cases one worker process runs at the same time.',
  },
  SHAKEDOWN_WATCH_INTERVAL_SECONDS: {
    schema: z.coerce.number().int().min(5).max(86_400).default(300),
    description: '`shakedown watch`: seconds between two polls of the watched yum repository.',
  },
  SHAKEDOWN_WATCH_COOLDOWN_SECONDS: {
    schema: z.coerce.number().int().min(0).max(86_400).default(600),
    description:
      '`shakedown watch`: a new set of packages starts its run once it has stayed the same this long (a burst of pushes makes one run).',
  },
  SHAKEDOWN_NOTIFY_WEBHOOK_URL_ENV: {
    schema: z
      .string()
      .regex(/^[A-Z_][A-Z0-9_]{0,63}$/, 'must be the NAME of an environment variable')
      .optional(),
    description:
      'Every run end is posted to the webhook whose URL is in the environment variable of this name (the URL itself is a secret: it never appears in a setting or a log).',
  },
  SHAKEDOWN_NOTIFY_WEBHOOK_FORMAT: {
    schema: z.enum(['json', 'text']).default('json'),
    description:
      'Body of that webhook: `json` (the run notice) or `text` (`{"text": …}`, as Slack, Mattermost or Matrix hooks take).',
  },
  SHAKEDOWN_NOTIFY_EMAIL_TO: {
    schema: z
      .string()
      .regex(
        /^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+(,[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+)*$/,
        'must be comma-separated e-mail addresses',
      )
      .optional(),
    description: 'Every run end is e-mailed to these addresses (comma-separated), through SHAKEDOWN_SMTP_HOST.',
  },
  SHAKEDOWN_NOTIFY_WHEN: {
    schema: z.enum(['end', 'regression']).default('end'),
    description: 'For the two settings above: every run end, or only runs with regressions or that ended in error.',
  },
  SHAKEDOWN_NOTIFY_ATTEMPTS: {
    schema: z.coerce.number().int().min(1).max(10).default(4),
    description: 'Tries per notification before it is recorded as failed (a failed one never changes the run).',
  },
  SHAKEDOWN_NOTIFY_BACKOFF_MS: {
    schema: z.coerce.number().int().min(0).max(600_000).default(2000),
    description: 'Wait before the first retry of a notification, doubled for each next one.',
  },
  SHAKEDOWN_SMTP_HOST: {
    schema: z
      .string()
      .regex(/^[A-Za-z0-9.-]{1,253}$/, 'must be a host name or address')
      .optional(),
    description: 'SMTP server for e-mail notifications (STARTTLS when it offers it).',
  },
  SHAKEDOWN_SMTP_PORT: {
    schema: z.coerce.number().int().min(1).max(65535).default(25),
    description: 'Port of the SMTP server.',
  },
  SHAKEDOWN_SMTP_SECURE: {
    schema: z
      .enum(['true', 'false'])
      .default('false')
      .transform((v) => v === 'true'),
    description: 'TLS from the first byte (port 465) instead of STARTTLS.',
  },
  SHAKEDOWN_SMTP_FROM: {
    schema: z.string().email().default('shakedown@localhost'),
    description: 'Sender address of e-mail notifications.',
  },
  SHAKEDOWN_SMTP_USER: {
    schema: z.string().min(1).max(256).optional(),
    description: 'SMTP user name, when the server wants a login.',
  },
  SHAKEDOWN_SMTP_PASSWORD_ENV: {
    schema: z
      .string()
      .regex(/^[A-Z_][A-Z0-9_]{0,63}$/, 'must be the NAME of an environment variable')
      .optional(),
    description: 'Name of the environment variable holding the SMTP password (never the password itself).',
  },
  SHAKEDOWN_LEASE_TTL_SECONDS: {
    schema: z.coerce.number().min(1).max(3600).default(30),
    description:
      'A worker that stops heart-beating for this long is presumed dead: its cases are cleaned up and retried.',
  },
  SHAKEDOWN_SHUTDOWN_GRACE_SECONDS: {
    schema: z.coerce.number().min(0).max(86400).default(30),
    description: 'On SIGTERM a worker lets running cases finish this long, then hands them back to the queue.',
  },
  SHAKEDOWN_SUBMISSION_MAX_BYTES: {
    schema: z.coerce
      .number()
      .int()
      .min(1024)
      .default(10 * 1024 * 1024),
    description: 'Largest accepted submission body.',
  },
  SHAKEDOWN_SUBMISSION_RATE_PER_MINUTE: {
    schema: z.coerce.number().int().min(1).default(600),
    description: 'Submissions one token may send per minute.',
  },
  SHAKEDOWN_TRUST_PROXY: {
    schema: z
      .string()
      .regex(/^(false|loopback|\d{1,3}(\.\d{1,3}){3}(\/\d{1,2})?)$/, 'false, loopback, or an IPv4 address or CIDR')
      .default('false'),
    description:
      "Which reverse proxy may set X-Forwarded-For (rate limits key on the address it names): `false` (none, the default), `loopback`, or the proxy's address/CIDR.",
  },
  SHAKEDOWN_EXTERNAL_SUITES: {
    schema: z
      .string()
      .optional()
      .transform((value, ctx) => {
        try {
          return loadExternalSuites(value);
        } catch (err) {
          ctx.addIssue({ code: 'custom', message: err instanceof Error ? err.message : String(err) });
          return z.NEVER;
        }
      }),
    description:
      'External pytest suites this worker may run (`external.xcp-ng-tests`): a YAML/JSON file, or inline JSON, listing `{ name, folder, interpreter, args, password_env, pass_env, allow }`. A campaign names a suite and selects tests; it never chooses folders or arguments. See docs/external-suites.md.',
  },
  SHAKEDOWN_GUEST_BINARIES_DIR: {
    schema: z
      .string()
      .optional()
      .transform((value, ctx) => {
        if (value === undefined) return undefined;
        try {
          return guestBinariesFolder(value);
        } catch (err) {
          ctx.addIssue({ code: 'custom', message: err instanceof Error ? err.message : String(err) });
          return z.NEVER;
        }
      }),
    description:
      'Folder of static binaries for guests that reach no package repository, as `<machine>/<program>` (`x86_64/fio`; programs fio, iperf3, stress, stress-ng; machines x86_64, aarch64): guest preparation copies the one it lacks to /usr/local/bin over SFTP. Unset: such a guest must already have them.',
  },
} as const;

export type ConfigKey = keyof typeof configFields;
