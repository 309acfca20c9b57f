import { coveragePageModel, submissionTimeKey } from 'src/community/coverage-page.model';
import type { CoverageReport } from 'src/community/coverage';

const report: CoverageReport = {
  release: '8.3.0',
  campaign: 'plan',
  hardwareClasses: ['intel-a / ixgbe / nvme', 'simulated / sim / sim'],
  cases: [
    {
      caseKey: 'a[x=1]',
      caseHash: 'h1',
      suite: 'one',
      scenario: 'a',
      manual: false,
      cells: {
        'intel-a / ixgbe / nvme': { outcome: 'failed', covered: true, by: ['Ann', 'core lab'], results: 2 },
        'simulated / sim / sim': { outcome: 'skipped', covered: false, by: ['Bob'], results: 1 },
      },
      coveredOn: ['intel-a / ixgbe / nvme'],
    },
    { caseKey: 'b', caseHash: 'h2', suite: 'two', scenario: 'b', manual: true, cells: {}, coveredOn: [] },
  ],
  totals: { cases: 2, covered: 1, uncovered: 1, failing: 1 },
  outsideCampaign: 0,
};

describe(coveragePageModel.name, () => {
  const times = {
    submissions: new Map([
      [submissionTimeKey('a[x=1]', 'intel-a / ixgbe / nvme', 'Ann'), new Date('2025-03-01T10:00:00Z')],
    ]),
    lab: new Map([['a[x=1]', new Date('2025-03-02T08:30:00Z')]]),
  };

  it('colors each cell by outcome, marks uncovered and not-exercised cells, and says who and when', () => {
    const model = coveragePageModel(report, times, { suites: [] });
    const [a, b] = model.rows;
    expect(a!.cells.map((c) => [c.state, c.covered])).toEqual([
      ['failed', true],
      ['skipped', false],
    ]);
    // The newest result of the contributors of the cell.
    expect(a!.cells[0]!.title).toBe(
      'intel-a / ixgbe / nvme: failed\nby Ann, core lab\nlast result 2025-03-02 08:30 UTC\n2 result(s)',
    );
    expect(a!.cells[1]!.title).toContain('SIMULATED');
    expect(b!.cells.map((c) => c.state)).toEqual(['uncovered', 'uncovered']);
    expect(model.classes).toEqual([
      { name: 'intel-a / ixgbe / nvme', simulated: false, covered: 1, failing: 1 },
      { name: 'simulated / sim / sim', simulated: true, covered: 0, failing: 0 },
    ]);
    expect(model.totals).toEqual({ cases: 2, covered: 1, uncovered: 1, failing: 1, pct: 0.5 });
    expect(model.simulated).toBe(true);
  });

  it('narrows rows and totals to the chosen suites, ignoring suites the campaign lacks', () => {
    const model = coveragePageModel(report, times, { suites: ['two', 'nope'] });
    expect(model.rows.map((r) => r.caseKey)).toEqual(['b']);
    expect(model.filter.suites).toEqual(['two']);
    expect(model.totals).toMatchObject({ cases: 1, covered: 0, failing: 0 });
    expect(model.allTotals.cases).toBe(2);
  });
});
