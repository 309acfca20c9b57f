import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GuestBinaries } from 'src/config/guest-binaries';
import { listPreparedTemplates } from 'src/remote/prepared-templates';
import { ScenarioError } from 'src/scenarios/scenario.errors';
import { PoolOps } from 'src/scenarios/support/pool-ops';
import { useScenarioLab } from 'test/utils/scenario-harness';

jest.setTimeout(180_000);

/** The first bytes of a 64-bit little-endian ELF executable for `machine` (e_machine at offset 18). */
function elfHeader(machine: number): Buffer {
  const b = Buffer.alloc(64);
  b.writeUInt32BE(0x7f454c46, 0);
  b[4] = 2; // 64-bit
  b[5] = 1; // little-endian
  b[6] = 1;
  b.writeUInt16LE(2, 16); // ET_EXEC
  b.writeUInt16LE(machine, 18);
  return b;
}
const X86_64 = 0x3e;
const AARCH64 = 0xb7;

// The operator's folder: fio for x86_64, and a `stress` that is really an aarch64 build.
const folder = mkdtempSync(join(tmpdir(), 'shakedown-guest-bin-'));
mkdirSync(join(folder, 'x86_64'));
writeFileSync(join(folder, 'x86_64', 'fio'), elfHeader(X86_64));
writeFileSync(join(folder, 'x86_64', 'stress'), elfHeader(AARCH64));

describe('guest preparation without repositories: static binaries over SFTP', () => {
  const suite = useScenarioLab(undefined, { guestBinaries: new GuestBinaries(folder) });

  beforeAll(() => {
    // Guests made from these templates reach no package repository.
    for (const vm of suite.env().lab.model.state.vms.values()) if (vm.isTemplate) vm.repositories = false;
  });

  it('builds the prepared template by copying fio over SFTP, records it, and the case runs fio from it', async () => {
    const { ctx, error } = await suite.run(
      'perf.fio',
      { workload: 'randwrite', release: 'baseline', sr_kind: 'ext' },
      { with: { size: '64M' } },
    );
    expect(error).toBeNull();
    expect(ctx.installs).toEqual([
      { pool: expect.any(String), template: 'Debian Bookworm 12', software: ['fio'], manager: 'sftp' },
    ]);
    expect(ctx.commands.map((c) => c.command)).toContain('sftp put /usr/local/bin/fio (64 bytes)');
    expect(ctx.metric('fio.write.iops')[0]).toBeGreaterThan(0);
    const templates = await listPreparedTemplates(new PoolOps(ctx, ctx.pool('pool')).xe);
    expect(templates).toEqual([
      expect.objectContaining({ software: 'fio', installed: 'fio as static binaries over SFTP' }),
    ]);
  });

  it('a second case clones that template: nothing copied again', async () => {
    const { ctx, error } = await suite.run(
      'perf.fio',
      { workload: 'read', release: 'baseline', sr_kind: 'ext' },
      { with: { size: '64M' } },
    );
    expect(error).toBeNull();
    expect(ctx.installs).toEqual([]);
    expect(ctx.commands.some((c) => c.command.startsWith('sftp put'))).toBe(false);
  });

  it('a program the folder lacks is named with the file the operator should provide', async () => {
    const { ctx, error } = await suite.run('perf.network', { release: 'candidate', path: 'cross-host' });
    expect(error).toBeInstanceOf(ScenarioError);
    expect((error as Error).message).toMatch(
      /lacks iperf3 and apt-get finds no iperf3; SHAKEDOWN_GUEST_BINARIES_DIR has no x86_64\/iperf3 \(/,
    );
    expect(ctx.installs).toEqual([]);
  });

  it('a binary built for another machine is copied but refused: it does not run in the guest', async () => {
    const { error } = await suite.run('migration.live', {
      vm_kind: 'pvhvm-linux',
      origin: 'recent',
      size: 'tiny',
      load: 'cpu',
      storage: 'shared',
      scope: 'intra-pool',
    });
    expect(error).toBeInstanceOf(ScenarioError);
    expect((error as Error).message).toMatch(/the static stress copied to \/usr\/local\/bin does not run there/);
  });
});
