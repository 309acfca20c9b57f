import { casesToCsv } from 'src/results/export/cases-export';

describe(casesToCsv.name, () => {
  it('writes one row per case with the run number, the outcome and the case page, formulas neutralised', () => {
    const csv = casesToCsv([
      {
        run: 12,
        campaign: 'xcp-ng-release',
        release: '8.3.0',
        simulated: true,
        suite: 'live-migration',
        scenario: 'migration.live',
        caseKey: 'migration.live[scope=cross-pool,storage=shared]',
        caseHash: 'a1b2c3',
        params: { storage: 'shared', scope: 'cross-pool' },
        outcome: 'failed',
        status: 'done',
        reason: '=HYPERLINK("x")',
        errorCode: 'VM_MIGRATE_FAILED',
        attempts: 2,
        durationMs: 91000,
        url: 'http://127.0.0.1:3000/runs/12/cases/a1b2c3',
      },
      {
        run: 12,
        campaign: 'xcp-ng-release',
        release: '8.3.0',
        simulated: true,
        suite: 'install',
        scenario: 'basic.install-check',
        caseKey: 'basic.install-check',
        caseHash: 'd4e5f6',
        params: {},
        outcome: null,
        status: 'queued',
        reason: null,
        errorCode: null,
        attempts: 0,
        durationMs: null,
        url: '/runs/12/cases/d4e5f6',
      },
    ]);
    expect(csv.split('\r\n')).toEqual([
      'run,campaign,release,simulated,suite,scenario,case_key,case_hash,params,outcome,status,reason,error_code,attempts,duration_ms,url',
      '12,xcp-ng-release,8.3.0,true,live-migration,migration.live,"migration.live[scope=cross-pool,storage=shared]",a1b2c3,"{""scope"":""cross-pool"",""storage"":""shared""}",failed,done,"\'=HYPERLINK(""x"")",VM_MIGRATE_FAILED,2,91000,http://127.0.0.1:3000/runs/12/cases/a1b2c3',
      '12,xcp-ng-release,8.3.0,true,install,basic.install-check,basic.install-check,d4e5f6,{},,queued,,,0,,/runs/12/cases/d4e5f6',
      '',
    ]);
  });
});
