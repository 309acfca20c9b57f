import { DoctorNeeds, DoctorRow, GIB, ok, xeDidNotAnswer } from 'src/lab/doctor/doctor-row';
import { describeError } from 'src/lab/host-health.service';
import { XeClient } from 'src/remote/xe/xe-client';

const gib = (bytes: number): string => `${(bytes / GIB).toFixed(1)} GiB`;

/** Some host of the pool can start the campaign's largest VM (xapi's memory-free, which counts what runs). */
export async function memoryHeadroom(xe: XeClient, pool: string, needs: DoctorNeeds): Promise<DoctorRow> {
  const check = 'free memory for the largest VM';
  try {
    const hosts = await xe.records('host-list', { params: 'name-label,memory-free' });
    const free = hosts.map((h) => ({ name: h['name-label'] ?? '?', bytes: Number(h['memory-free'] ?? 0) }));
    const room = free.filter((h) => h.bytes >= needs.vmMemoryBytes);
    const listing = free.map((h) => `${h.name} ${gib(h.bytes)}`).join(', ');
    if (room.length === free.length) return ok(check, pool, `${gib(needs.vmMemoryBytes)} needed; free: ${listing}`);
    return {
      check,
      subject: pool,
      status: room.length ? 'warn' : 'fail',
      detail: `${gib(needs.vmMemoryBytes)} needed; free: ${listing}`,
      fix: 'shut down or remove VMs the campaign does not use on those hosts, or add memory',
    };
  } catch (err) {
    return xeDidNotAnswer(check, pool, describeError(err), 'host-list');
  }
}

/** For each SR kind the cases use, one SR of that kind has room for a case's VM disk and data. */
export async function diskHeadroom(xe: XeClient, pool: string, needs: DoctorNeeds): Promise<DoctorRow[]> {
  const check = 'free disk for the largest case';
  try {
    const srs = (
      await xe.records('sr-list', { params: 'name-label,type,content-type,physical-size,physical-utilisation' })
    )
      .filter((s) => s['content-type'] !== 'iso' && !['iso', 'udev'].includes(s.type ?? ''))
      .map((s) => ({
        name: s['name-label'] ?? '?',
        kind: s.type ?? '?',
        free: Number(s['physical-size'] ?? 0) - Number(s['physical-utilisation'] ?? 0),
      }));
    const kinds = needs.srKinds.length ? [...needs.srKinds] : [...new Set(srs.map((s) => s.kind))];
    return kinds
      .filter((kind) => srs.some((s) => s.kind === kind))
      .map((kind) => {
        const ofKind = srs.filter((s) => s.kind === kind);
        const best = ofKind.reduce((a, b) => (b.free > a.free ? b : a));
        const detail = `${gib(needs.srFreeBytes)} needed; ${ofKind.map((s) => `${s.name} ${gib(s.free)} free`).join(', ')}`;
        if (best.free >= needs.srFreeBytes) return ok(`${check} (${kind} SR)`, pool, detail);
        return {
          check: `${check} (${kind} SR)`,
          subject: pool,
          status: 'fail',
          detail,
          fix: `free space on a ${kind} SR of pool ${pool} (remove old VMs, snapshots and VDIs) or grow it`,
        } satisfies DoctorRow;
      });
  } catch (err) {
    return [xeDidNotAnswer(check, pool, describeError(err), 'sr-list')];
  }
}
