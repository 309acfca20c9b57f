import { existsSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, normalize } from 'node:path';
import { ExecutionError, ExecutionErrorCode } from 'src/execution/execution.errors';

/** Where campaigns a run may be started from live: the only files the API and the pages accept. */
const CAMPAIGNS_DIR = join(process.cwd(), 'campaigns');

/** The campaign files one may pick (`demo.yaml`, …), sorted. */
export function listCampaignFiles(dir = CAMPAIGNS_DIR): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
}

/** The path of a campaign named relative to campaigns/; refuses anything outside it or missing. */
export function campaignFilePath(name: string, dir = CAMPAIGNS_DIR): string {
  const rel = normalize(name);
  if (isAbsolute(rel) || rel.startsWith('..')) {
    throw new ExecutionError(
      `campaign: must be a file under campaigns/, not ${name}`,
      ExecutionErrorCode.RequestInvalid,
      {
        problems: [{ path: 'campaign', message: 'must be a file under campaigns/' }],
      },
    );
  }
  const path = join(dir, rel);
  // A folder (`.`, `suites/`) is no campaign either: refused here, not an EISDIR later.
  if (!statSync(path, { throwIfNoEntry: false })?.isFile()) {
    throw new ExecutionError(`campaign: no file campaigns/${rel}`, ExecutionErrorCode.RequestInvalid, {
      problems: [{ path: 'campaign', message: `no file campaigns/${rel}` }],
    });
  }
  return path;
}
