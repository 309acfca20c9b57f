import { INestApplication } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ModulesContainer } from '@nestjs/core/injector/modules-container';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common';
import request from 'supertest';
import { Role, roleIncludes } from 'src/auth/role';
import { PUBLIC_KEY, ROLES_KEY } from 'src/auth/roles.decorator';
import { createTestDatabase, TestDatabase } from 'test/utils/database';
import { ADMIN_TOKEN, concretePath, createCommunityTestApp, registeredRoutes } from 'test/fixtures/community/test-app';

/** Write routes anyone may call. Adding one here is a decision to review, not a formality. */
const PUBLIC_WRITES = new Set(['POST /api/v1/registrations']);

interface RouteRule {
  method: string;
  path: string;
  roles?: Role[];
  public: boolean;
}

/** What each controller method declares, read from Nest's own metadata. */
function declaredRules(app: INestApplication): RouteRule[] {
  const reflector = app.get(Reflector);
  const rules: RouteRule[] = [];
  for (const mod of app.get(ModulesContainer).values()) {
    for (const wrapper of mod.controllers.values()) {
      const type = wrapper.metatype as (new (...args: never[]) => unknown) | undefined;
      if (!type) continue;
      const base = String(Reflect.getMetadata(PATH_METADATA, type) ?? '');
      for (const name of Object.getOwnPropertyNames(type.prototype)) {
        const handler = (type.prototype as Record<string, unknown>)[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const sub = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (sub === undefined || method === undefined) continue;
        const path = `/${[base, sub]
          .map((p) => p.replace(/^\/|\/$/g, ''))
          .filter(Boolean)
          .join('/')}`;
        rules.push({
          method: RequestMethod[method],
          path,
          roles: reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, [handler, type]),
          public: reflector.getAllAndOverride<boolean | undefined>(PUBLIC_KEY, [handler, type]) === true,
        });
      }
    }
  }
  return rules;
}

describe('access control on every route', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let closedApp: INestApplication;
  const tokens: Partial<Record<Role, string>> = {};

  beforeAll(async () => {
    db = await createTestDatabase();
    ({ app } = await createCommunityTestApp(db.url));
    ({ app: closedApp } = await createCommunityTestApp(db.url, { SHAKEDOWN_PUBLIC_READ: 'false' }));
    for (const role of [Role.Tester, Role.Submitter, Role.Admin]) {
      const res = await request(app.getHttpServer())
        .post('/api/v1/tokens')
        .set('authorization', `Bearer ${ADMIN_TOKEN}`)
        .send({ name: `${role} for tests`, role })
        .expect(201);
      tokens[role] = res.body.token;
    }
  });
  afterAll(async () => {
    await app?.close();
    await closedApp?.close();
    await db?.close();
  });

  function rulesOf(): Array<RouteRule & { minimum: Role | 'anyone' }> {
    const declared = declaredRules(app);
    const routes = registeredRoutes(app).filter((r) => r.path.startsWith('/api/v1'));
    return routes.map((r) => {
      const rule = declared.find((d) => d.method === r.method && d.path === r.path);
      if (!rule) throw new Error(`${r.method} ${r.path} is served but no controller declares it`);
      // Undeclared writes are admin-only; undeclared reads follow public read.
      const minimum: Role | 'anyone' = rule.public
        ? 'anyone'
        : rule.roles
          ? ([Role.Submitter, Role.Tester, Role.Admin].find((candidate) =>
              rule.roles!.some((need) => roleIncludes(candidate, need)),
            ) ?? Role.Admin)
          : r.method === 'GET'
            ? 'anyone'
            : Role.Admin;
      return { ...rule, minimum };
    });
  }

  it('should see the token routes among those Nest registered', () => {
    const paths = rulesOf().map((r) => `${r.method} ${r.path}`);
    expect(paths).toEqual(
      expect.arrayContaining(['POST /api/v1/tokens', 'GET /api/v1/tokens', 'POST /api/v1/tokens/:id/revoke']),
    );
  });

  it('should open write routes to anonymous callers only where reviewed as public', () => {
    const open = rulesOf()
      .filter((r) => r.method !== 'GET' && r.minimum === 'anyone')
      .map((r) => `${r.method} ${r.path}`);
    expect(open.filter((r) => !PUBLIC_WRITES.has(r))).toEqual([]);
  });

  it('should refuse every protected route without a token (401) and below its role (403)', async () => {
    const failures: string[] = [];
    for (const rule of rulesOf()) {
      if (rule.minimum === 'anyone') continue;
      const url = concretePath(rule.path);
      const send = (token?: string): request.Test => {
        const req = request(app.getHttpServer())[rule.method.toLowerCase() as 'post'](url);
        return token ? req.set('authorization', `Bearer ${token}`) : req;
      };
      const anonymous = await send();
      if (anonymous.status !== 401) failures.push(`${rule.method} ${rule.path} anonymous → ${anonymous.status}`);
      for (const role of [Role.Submitter, Role.Tester, Role.Admin]) {
        if (roleIncludes(role, rule.minimum)) continue;
        const res = await send(tokens[role]);
        if (res.status !== 403) failures.push(`${rule.method} ${rule.path} as ${role} → ${res.status}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('should refuse every non-public read without a token when public read is off', async () => {
    const failures: string[] = [];
    for (const rule of rulesOf()) {
      if (rule.method !== 'GET' || rule.public) continue;
      const res = await request(closedApp.getHttpServer()).get(concretePath(rule.path));
      if (res.status !== 401) failures.push(`GET ${rule.path} → ${res.status}`);
    }
    expect(failures).toEqual([]);
    await request(closedApp.getHttpServer())
      .get('/api/v1/tokens')
      .set('authorization', `Bearer ${ADMIN_TOKEN}`)
      .expect(200);
  });

  it('should refuse a wrong token with 401 even on public routes, without echoing it', async () => {
    const res = await request(app.getHttpServer())
      .get('/api/v1/whoami')
      .set('authorization', 'Bearer shk_not-a-real-token')
      .expect(401);
    expect(res.body).toMatchObject({ error: 'AUTH_UNAUTHORIZED' });
    expect(JSON.stringify(res.body)).not.toContain('not-a-real-token');
    await request(app.getHttpServer()).get('/api/v1/whoami').set('authorization', 'Basic abc').expect(401);
  });

  it('should tell each caller who it is', async () => {
    const anon = await request(app.getHttpServer()).get('/api/v1/whoami').expect(200);
    expect(anon.body).toEqual({ kind: 'anonymous', name: 'anonymous', role: null });
    const admin = await request(app.getHttpServer())
      .get('/api/v1/whoami')
      .set('authorization', `Bearer ${ADMIN_TOKEN}`)
      .expect(200);
    expect(admin.body).toEqual({ kind: 'config-admin', name: 'admin', role: 'admin' });
    const tester = await request(app.getHttpServer())
      .get('/api/v1/whoami')
      .set('authorization', `Bearer ${tokens.tester}`)
      .expect(200);
    expect(tester.body).toEqual({ kind: 'token', name: 'tester for tests', role: 'tester' });
  });
});
