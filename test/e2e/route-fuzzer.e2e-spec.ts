import { INestApplication } from '@nestjs/common';
import fc from 'fast-check';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestDatabase, TestDatabase } from 'test/utils/database';
import { ResultsFactory } from 'test/utils/results-factory';
import { ADMIN_TOKEN, createCommunityTestApp, registeredRoutes } from 'test/fixtures/community/test-app';
import type { RegisteredRoute } from 'test/fixtures/community/test-app';

/** Requests per route; each draws a caller, path values, a query and a body. */
const RUNS_PER_ROUTE = 30;

/** Strings that have broken parsers, SQL casts, path handling or templates somewhere. */
const NASTY = [
  '',
  '\u0000',
  'a\u0000b',
  '\uD800',
  '\uDFFF\uD800',
  '\u202Eadmin',
  '../../../../etc/passwd',
  '/etc/passwd',
  '.',
  '99999999999',
  '2147483648',
  '-1',
  '0',
  '1.5',
  '1e309',
  'NaN',
  'Infinity',
  '0x10',
  '00000000-0000-4000-8000-000000000000',
  '00000000-0000-4000-8000-00000000000g',
  '{"$ne":null}',
  "' OR 1=1 --",
  '<script>alert(1)</script>',
  '{{constructor.constructor("return process")()}}',
  '__proto__',
  'x'.repeat(5000),
];

/** Field names the API's bodies and queries use, so generated objects get past `strict()` to the types. */
const FIELDS = [
  'campaign',
  'campaignText',
  'lab',
  'suite',
  'only',
  'cases',
  'priority',
  'outcome',
  'notes',
  'evidence',
  'contentBase64',
  'name',
  'role',
  'kind',
  'release',
  'content',
  'hardware',
  'params',
  'status',
  'reason',
  'signature',
  'url',
  'note',
  'limit',
  'baseline',
  'candidate',
  'run',
  'against',
  'format',
  'x',
  'y',
  'hardware_class',
  'count',
  'cron',
  'mediaType',
  'token',
  'next',
  '_csrf',
  '__proto__',
  'constructor',
];

const hostileString = fc.oneof(
  fc.constantFrom(...NASTY),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
);
const hostileNumber = fc.oneof(
  fc.constantFrom(2 ** 31, -(2 ** 31) - 1, 2 ** 53 + 2, 1e308, -0, 0.5, Number.MAX_VALUE),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** JSON that is deep, wide or of the wrong type where the API expects an object. */
function deep(levels: number, open: string, close: string): string {
  return `${open.repeat(levels)}1${close.repeat(levels)}`;
}
const hostileValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileString,
    hostileNumber,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.constantFrom(...FIELDS), tie('value'), { maxKeys: 4 }),
  ),
})).value;
const hostileBody = fc.oneof(
  fc.dictionary(fc.constantFrom(...FIELDS), hostileValue, { maxKeys: 6 }).map((o) => JSON.stringify(o)),
  hostileValue.map((v) => JSON.stringify(v) ?? 'null'),
  fc.constantFrom(
    deep(5000, '[', ']'),
    deep(2000, '{"a":', '}'),
    `{"name":${deep(70, '[', ']')}}`,
    '{"name":"a\\u0000b"}',
    '{"name":"\\ud800"}',
    '{"priority":1e400}',
    '{',
    'not json',
    '',
  ),
);

/** A path segment: hostile text percent-encoded, or raw escapes that are themselves malformed. */
const pathSegment = fc.oneof(
  hostileString.map((s) => encodeURIComponent(s.replace(/[\uD800-\uDFFF]/g, '\uFFFD')) || '%20'),
  fc.constantFrom('%00', '%ED%A0%80', '%E0%A4%A', '%', '%2e%2e', '1%00', '99999999999', '1', '2', 'latest'),
);
const query = fc.dictionary(fc.constantFrom(...FIELDS), fc.oneof(hostileString, hostileNumber.map(String)), {
  maxKeys: 4,
});

type Caller = 'anonymous' | 'bad-token' | 'submitter' | 'tester' | 'admin';
const callers: fc.Arbitrary<Caller> = fc.constantFrom('anonymous', 'bad-token', 'submitter', 'tester', 'admin');

interface Answer {
  status: number;
  body: string;
}

/**
 * One request over a real socket: resolves with the status and the start of the body. An event
 * stream (a run's live updates) is cut once its headers arrive; it would never end by itself.
 */
function send(
  port: number,
  req: { method: string; path: string; headers: Record<string, string>; body?: string },
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const out = httpRequest(
      { host: '127.0.0.1', port, method: req.method, path: req.path, headers: req.headers },
      (res) => {
        if (String(res.headers['content-type']).startsWith('text/event-stream')) {
          res.destroy();
          resolve({ status: res.statusCode ?? 0, body: '' });
          return;
        }
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    out.on('error', reject);
    out.end(req.body);
  });
}

/**
 * Every route Express serves, every kind of caller, hostile path values, queries and bodies:
 * never a 5xx, never an error logged, and a refused write leaves every table as it was.
 */
describe('route fuzzer', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let logs: string[];
  let port: number;
  let countAll: () => Promise<Record<string, number>>;
  const tokens: Record<Caller, string | undefined> = {
    anonymous: undefined,
    'bad-token': 'Bearer shk_not-a-real-token',
    submitter: undefined,
    tester: undefined,
    admin: `Bearer ${ADMIN_TOKEN}`,
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    ({ app, logs } = await createCommunityTestApp(db.url));
    await app.listen(0, '127.0.0.1');
    port = (app.getHttpServer().address() as AddressInfo).port;
    for (const role of ['submitter', 'tester'] as const) {
      const res = await send(port, {
        method: 'POST',
        path: '/api/v1/tokens',
        headers: { authorization: tokens.admin!, 'content-type': 'application/json' },
        body: JSON.stringify({ name: `${role} of the fuzzer`, role }),
      });
      tokens[role] = `Bearer ${(JSON.parse(res.body) as { token: string }).token}`;
    }
    // Something to find: runs 1 and 2 exist, so valid-looking numbers reach deeper code.
    const f = new ResultsFactory(db.dataSource);
    for (const release of ['8.2.1', '8.3.0']) {
      const run = await f.run({ campaignName: 'fuzz', release });
      await f.case(run, { scenario: 'perf.fio', params: { workload: 'randread' }, outcome: 'failed' });
    }
    const tables = (
      await db.dataSource.query(
        `SELECT table_name AS t FROM information_schema.tables
          WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1`,
      )
    ).map((r: { t: string }) => r.t);
    const sql = `SELECT ${tables.map((t: string) => `(SELECT count(*)::int FROM "${t}") AS "${t}"`).join(', ')}`;
    countAll = async () => (await db.dataSource.query(sql))[0];
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  function routes(): RegisteredRoute[] {
    return registeredRoutes(app);
  }

  it('should know every route it fuzzes from the router, API, pages and docs alike', () => {
    const all = routes().map((r) => `${r.method} ${r.path}`);
    expect(all.length).toBeGreaterThan(30);
    expect(all).toEqual(
      expect.arrayContaining(['POST /api/v1/runs', 'POST /api/v1/submissions', 'GET /runs/:number', 'GET /metrics']),
    );
  });

  it('should never answer 5xx, log an error, or store anything from a refused request', async () => {
    const failures: string[] = [];
    let requests = 0;
    for (const route of routes()) {
      const params = route.path.match(/:[A-Za-z_]+/g) ?? [];
      await fc.assert(
        fc.asyncProperty(
          callers,
          fc.array(pathSegment, { minLength: params.length, maxLength: params.length }),
          query,
          hostileBody,
          fc.constantFrom('application/json', 'application/vnd.shakedown.submission+json', 'text/plain'),
          async (caller, values, q, body, contentType) => {
            let i = 0;
            const path = route.path.replace(/:[A-Za-z_]+/g, () => values[i++]!);
            const search = new URLSearchParams(q).toString();
            const headers: Record<string, string> = { 'content-type': contentType };
            if (tokens[caller]) headers.authorization = tokens[caller];
            const write = route.method !== 'GET' && route.method !== 'HEAD';
            const before = write ? await countAll() : undefined;
            const logged = logs.length;
            const answer = await send(port, {
              method: route.method,
              path: search ? `${path}?${search}` : path,
              headers,
              body: write ? body : undefined,
            });
            requests++;
            const what = `${route.method} ${path}${search ? `?${search}` : ''} as ${caller} → ${answer.status}`;
            if (answer.status >= 500) failures.push(`${what}: ${answer.body.slice(0, 300)}`);
            const errors = logs.slice(logged).filter((line) => /"level":(50|60)/.test(line));
            if (errors.length > 0) failures.push(`${what} logged an error: ${errors[0]!.slice(0, 300)}`);
            if (write && answer.status >= 400) {
              const after = await countAll();
              const changed = Object.keys(after).filter((t) => after[t] !== before![t]);
              if (changed.length > 0) failures.push(`${what} changed ${changed.join(', ')}`);
            }
            return true;
          },
        ),
        { numRuns: RUNS_PER_ROUTE },
      );
    }
    expect(failures).toEqual([]);
    expect(requests).toBe(routes().length * RUNS_PER_ROUTE);
  });
});
