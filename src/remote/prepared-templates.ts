import { parseMap } from 'src/remote/xe/xe-output';
import { XeClient } from 'src/remote/xe/xe-client';

/** other-config keys of a prepared template: what it was made from, what was installed, where its disks are. */
export const PREPARED_KEYS = {
  from: 'shakedown-prepared-from',
  software: 'shakedown-prepared-software',
  installed: 'shakedown-prepared-installed',
  sr: 'shakedown-prepared-sr',
} as const;

export interface PreparedTemplateRecord {
  uuid: string;
  name: string;
  from: string;
  software: string;
  installed: string;
  srUuid: string;
}

/** The pool's templates Shakedown prepared (guest software installed), from their other-config. */
export async function listPreparedTemplates(xe: XeClient): Promise<PreparedTemplateRecord[]> {
  const records = await xe.records('template-list', { params: 'uuid,name-label,other-config' });
  const out: PreparedTemplateRecord[] = [];
  for (const r of records) {
    const other = parseMap(r['other-config'] ?? '');
    const from = other[PREPARED_KEYS.from];
    if (!from) continue;
    out.push({
      uuid: r.uuid ?? '',
      name: r['name-label'] ?? '',
      from,
      software: other[PREPARED_KEYS.software] ?? '',
      installed: other[PREPARED_KEYS.installed] ?? '',
      srUuid: other[PREPARED_KEYS.sr] ?? '',
    });
  }
  return out;
}

/** Removes a prepared template and its disks: back to a VM (xapi uninstalls VMs, not templates), then uninstall. */
export async function removePreparedTemplate(xe: XeClient, uuid: string): Promise<void> {
  await xe.call('template-param-set', { uuid, 'is-a-template': false });
  await xe.call('vm-uninstall', { uuid }, { force: true });
}
