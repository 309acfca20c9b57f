import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { campaignReference, EXAMPLE_CAMPAIGN } from 'src/campaign/campaign-reference';
import { expandCampaign } from 'src/campaign/expand-campaign';
import { loadCampaign } from 'src/campaign/load-campaign';
import { listScenarios, scenariosMarkdown } from 'src/cli/scenario-listing';

const generated = (): string => campaignReference(scenariosMarkdown(listScenarios()));

describe(campaignReference.name, () => {
  it('should be what docs/campaigns.md shows (regenerate with `npx shakedown campaign reference > docs/campaigns.md`)', () => {
    const page = readFileSync(join(__dirname, '..', '..', 'docs', 'campaigns.md'), 'utf8');
    expect(page).toBe(generated());
  });

  it('should give every key a type the loader records and a meaning', () => {
    const rows = generated()
      .split('\n')
      .filter((line) => /^\| `[a-z_]+` \|/.test(line));
    expect(rows.length).toBeGreaterThan(50);
    for (const row of rows) {
      const [, key, accepts, fallback, meaning] = row.split(/ \| |^\| | \|$/);
      expect({ key, accepts }).not.toEqual({ key, accepts: 'value' });
      expect({ key, fallback }).not.toEqual({ key, fallback: '' });
      expect({ key, meaning: (meaning ?? '').length > 5 }).toEqual({ key, meaning: true });
    }
  });

  it('should list every key the loader accepts, at the path where it goes', () => {
    const page = generated();
    for (const heading of ['## Top level', '## `defaults`', '## `suites[]`', '## `suites[].matrix`']) {
      expect(page).toContain(heading);
    }
    expect(page).toContain('| `seed_rows` | list of maps of parameter → value | — |');
    expect(page).toContain('| `repeat` | whole number from 1 to 1000 | `1` |');
    expect(page).toContain('| `strategy` | `full`, `pairwise` or `{ nwise: t }` | `full` |');
  });

  it('should show an example that loads and expands', () => {
    const campaign = loadCampaign({ text: EXAMPLE_CAMPAIGN, filename: 'example.yaml' });
    expect(campaign.suites.map((s) => s.id)).toEqual(['install', 'live-migration', 'fio']);
    expect(expandCampaign(campaign).total).toBeGreaterThan(5);
  });
});
