import { Command, Option } from 'commander';
import { callApi, columns, postJson, ServerOptions, tokenOption, urlOption } from 'src/cli/api-client';

interface SubmissionView {
  id: string;
  submitter: string;
  kind: string;
  release: string;
  status: string;
  hardwareClass: string;
  createdAt: string;
  summary: { counts?: Record<string, number> } | null;
}

/** `shakedown submission list|moderate`: the moderation queue of community results (admins). */
export function registerSubmissionCommands(program: Command): void {
  const submission = program.command('submission').description('community submissions: list and moderate (admin)');
  submission
    .command('list')
    .description('list submissions, newest first')
    .addOption(new Option('--status <status>', 'only this status').choices(['pending', 'accepted', 'rejected']))
    .option('--release <release>', 'only this release')
    .option('--json', 'print as JSON')
    .addOption(urlOption())
    .addOption(tokenOption())
    .action(async (opts: ServerOptions & { status?: string; release?: string; json?: boolean }) => {
      const query = new URLSearchParams();
      if (opts.status) query.set('status', opts.status);
      if (opts.release) query.set('release', opts.release);
      const { body } = await callApi(opts, 'GET', `/api/v1/submissions${query.size ? `?${query}` : ''}`);
      const rows = body as unknown as SubmissionView[];
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(rows)}\n`);
        return;
      }
      const counts = (s: SubmissionView): string =>
        Object.entries(s.summary?.counts ?? {})
          .map(([k, v]) => `${v} ${k}`)
          .join(', ');
      process.stdout.write(
        `${columns([
          ['id', 'status', 'kind', 'release', 'submitter', 'hardware class', 'results'],
          ...rows.map((s) => [s.id, s.status, s.kind, s.release, s.submitter, s.hardwareClass, counts(s)]),
        ])}\n`,
      );
    });

  submission
    .command('moderate')
    .description('accept or reject a pending submission; accepted ones count in coverage')
    .argument('<id>', 'submission id')
    .addOption(
      new Option('--decision <decision>', 'accept or reject').choices(['accept', 'reject']).makeOptionMandatory(),
    )
    .option('--note <text>', 'why (shown to the submitter)')
    .addOption(urlOption())
    .addOption(tokenOption())
    .action(async (id: string, opts: ServerOptions & { decision: 'accept' | 'reject'; note?: string }) => {
      const { body } = await postJson(opts, `/api/v1/submissions/${encodeURIComponent(id)}/moderate`, {
        status: opts.decision === 'accept' ? 'accepted' : 'rejected',
        ...(opts.note ? { note: opts.note } : {}),
      });
      process.stderr.write(`submission ${String(body['id'])}: ${String(body['status'])}\n`);
    });
}
