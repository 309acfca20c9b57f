import { Role } from 'src/auth/role';
import { TokenService } from 'src/auth/token.service';

const DEMO_ADMIN = 'demo admin';

/**
 * A sign-in link for the local demo's admin, made afresh at every start (the previous one is revoked,
 * so a link is good until the next start). The token rides after '#', which never reaches the server's logs.
 */
export async function demoAdminLink(service: {
  app: { get<T>(type: new (...args: never[]) => T): T };
  url: string;
}): Promise<string> {
  const tokens = service.app.get(TokenService);
  for (const t of await tokens.list()) {
    if (t.name === DEMO_ADMIN && t.status === 'active') await tokens.revoke(t.id);
  }
  const { token } = await tokens.create({ name: DEMO_ADMIN, role: Role.Admin });
  return `${service.url}/sign-in#token=${token}`;
}
