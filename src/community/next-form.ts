import type { CommunityReadService } from 'src/community/community-read.service';

/** The "what to test next" form as typed, echoed back into the page. */
interface NextForm {
  hardwareClass: string;
  profile: string;
  pools: string;
  hostsPerPool: string;
  srKinds: string;
  tags: string;
}

type NextTestbed = Parameters<CommunityReadService['next']>[1];

/** A pasted profile is read from the query string; anything longer is not a hardware profile. */
const MAX_PROFILE_CHARS = 16_384;

const text = (v: unknown): string =>
  typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : '';

const list = (v: string): string[] | undefined => {
  const items = v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return items.length ? items : undefined;
};

function count(value: string, field: string): number | undefined {
  if (value.trim() === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new Error(`${field}: expected a whole number from 1 to 64`);
  return n;
}

/**
 * Reads the form from the page's query. `testbed` is null when nothing was asked (no class and no
 * profile); `error` names the field that is wrong.
 */
export function readNextForm(q: Record<string, unknown>): {
  form: NextForm;
  testbed: NextTestbed | null;
  error: string | null;
} {
  const form: NextForm = {
    hardwareClass: text(q.hardware_class).trim().slice(0, 300),
    profile: text(q.profile).slice(0, MAX_PROFILE_CHARS + 1),
    pools: text(q.pools).slice(0, 8),
    hostsPerPool: text(q.hosts_per_pool).slice(0, 8),
    srKinds: text(q.sr_kinds).slice(0, 300),
    tags: text(q.tags).slice(0, 300),
  };
  if (!form.hardwareClass && !form.profile.trim()) return { form, testbed: null, error: null };
  try {
    const testbed: NextTestbed = {};
    if (form.profile.trim()) {
      if (form.profile.length > MAX_PROFILE_CHARS) {
        throw new Error(`profile: at most ${MAX_PROFILE_CHARS} characters`);
      }
      try {
        testbed.hardware = JSON.parse(form.profile) as unknown;
      } catch (err) {
        throw new Error(`profile: not valid JSON (${(err as Error).message})`, { cause: err });
      }
    } else {
      testbed.hardwareClass = form.hardwareClass;
    }
    const pools = count(form.pools, 'pools');
    const hostsPerPool = count(form.hostsPerPool, 'hosts per pool');
    const srKinds = list(form.srKinds);
    const tags = list(form.tags);
    if (pools !== undefined) testbed.pools = pools;
    if (hostsPerPool !== undefined) testbed.hostsPerPool = hostsPerPool;
    if (srKinds) testbed.srKinds = srKinds;
    if (tags) testbed.tags = tags;
    return { form, testbed, error: null };
  } catch (err) {
    return { form, testbed: null, error: (err as Error).message };
  }
}
