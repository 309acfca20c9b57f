import { Command, Option } from 'commander';
import { callApi, columns, postJson, ServerOptions, tokenOption, urlOption } from 'src/cli/api-client';

interface TokenView {
  id: string;
  name: string;
  email: string | null;
  role: string;
  status: string;
  tokenPrefix: string;
  createdAt: string;
  lastUsedAt: string | null;
}

const withServer = (cmd: Command): Command => cmd.addOption(urlOption()).addOption(tokenOption());

function printIssued(answer: Record<string, unknown>, json?: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(answer)}\n`);
    return;
  }
  // The token alone on stdout, so `TOKEN=$(shakedown register …)` works; the rest on stderr.
  process.stdout.write(`${String(answer['token'])}\n`);
  process.stderr.write(
    `token ${String(answer['id'])} for ${String(answer['name'])} (${String(answer['role'])}): ${String(answer['status'])}` +
      `${answer['status'] === 'pending' ? ' until an admin approves it (shakedown token approve ID)' : ''}; shown once, keep it\n`,
  );
}

/** `shakedown register`: anyone asks a server for a submitter token that works once approved. */
export function registerRegisterCommand(program: Command): void {
  withServer(
    program
      .command('register')
      .description('ask a server for a submitter token (it works once an admin approves it); prints the token')
      .requiredOption('--name <name>', 'your name, shown next to your results')
      .option('--email <email>', 'where the admins can reach you')
      .option('--json', 'print the answer as JSON'),
  ).action(async (opts: ServerOptions & { name: string; email?: string; json?: boolean }) => {
    const { body } = await postJson(
      opts,
      '/api/v1/registrations',
      { name: opts.name, ...(opts.email ? { email: opts.email } : {}) },
      false,
    );
    printIssued(body, opts.json);
  });
}

/** `shakedown token create|list|approve|revoke`: API tokens, for admins, against a running server. */
export function registerTokenCommands(program: Command): void {
  const token = program.command('token').description('API tokens (admin): create, list, approve, revoke');
  withServer(
    token
      .command('create')
      .description('create an active token; prints the token (shown once)')
      .requiredOption('--name <name>', 'who holds it')
      .addOption(
        new Option('--role <role>', 'what it may do').choices(['admin', 'tester', 'submitter']).default('tester'),
      )
      .option('--email <email>', 'contact address')
      .option('--json', 'print the answer as JSON'),
  ).action(async (opts: ServerOptions & { name: string; role: string; email?: string; json?: boolean }) => {
    const { body } = await postJson(opts, '/api/v1/tokens', {
      name: opts.name,
      role: opts.role,
      ...(opts.email ? { email: opts.email } : {}),
    });
    printIssued(body, opts.json);
  });

  withServer(
    token
      .command('list')
      .description('list tokens: pending registrations first')
      .option('--status <status>', 'only this status (pending, active, revoked)')
      .option('--json', 'print as JSON'),
  ).action(async (opts: ServerOptions & { status?: string; json?: boolean }) => {
    const { body } = await callApi(opts, 'GET', '/api/v1/tokens');
    const rows = (body as unknown as TokenView[])
      .filter((t) => !opts.status || t.status === opts.status)
      .sort((a, b) => Number(b.status === 'pending') - Number(a.status === 'pending'));
    if (opts.json) {
      process.stdout.write(`${JSON.stringify(rows)}\n`);
      return;
    }
    process.stdout.write(
      `${columns([
        ['id', 'status', 'role', 'name', 'email', 'prefix', 'last used'],
        ...rows.map((t) => [t.id, t.status, t.role, t.name, t.email ?? '-', t.tokenPrefix, t.lastUsedAt ?? 'never']),
      ])}\n`,
    );
  });

  for (const [verb, done] of [
    ['approve', 'approved'],
    ['revoke', 'revoked'],
  ] as const) {
    withServer(
      token
        .command(verb)
        .description(`${verb} a token by id (see \`shakedown token list\`)`)
        .argument('<id>', 'token id'),
    ).action(async (id: string, opts: ServerOptions) => {
      const { body } = await postJson(opts, `/api/v1/tokens/${encodeURIComponent(id)}/${verb}`, {});
      process.stderr.write(
        `token ${String(body['id'])} (${String(body['name'])}): ${done}, now ${String(body['status'])}\n`,
      );
    });
  }
}
