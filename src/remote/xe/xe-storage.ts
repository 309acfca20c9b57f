import { parseBool, parseRef } from 'src/remote/xe/xe-output';
import { XeCallOptions, XeCaller, XePbd, XePif, XeSr, XeVdi } from 'src/remote/xe/xe.types';

export class XeSrApi {
  constructor(private readonly xe: XeCaller) {}

  async list(filter: { kind?: string; shared?: boolean } = {}, options?: XeCallOptions): Promise<XeSr[]> {
    const records = await this.xe.records(
      'sr-list',
      { type: filter.kind, shared: filter.shared, params: 'uuid,name-label,type,content-type,shared' },
      options,
    );
    return records.map((r) => ({
      uuid: r.uuid ?? '',
      nameLabel: r['name-label'] ?? '',
      kind: r.type ?? '',
      contentType: r['content-type'] ?? '',
      shared: parseBool(r.shared),
    }));
  }

  /** The SR types present, e.g. ["ext", "nfs"] (ISO and removable-media SRs left out). */
  async kinds(options?: XeCallOptions): Promise<string[]> {
    const kinds = (await this.list({}, options)).filter((s) => s.contentType !== 'iso' && s.kind !== 'udev');
    return [...new Set(kinds.map((s) => s.kind))].sort();
  }
}

export class XePbdApi {
  constructor(private readonly xe: XeCaller) {}

  async list(filter: { srUuid?: string; hostUuid?: string } = {}, options?: XeCallOptions): Promise<XePbd[]> {
    const records = await this.xe.records(
      'pbd-list',
      { 'sr-uuid': filter.srUuid, 'host-uuid': filter.hostUuid, params: 'uuid,host-uuid,sr-uuid,currently-attached' },
      options,
    );
    return records.map((r) => ({
      uuid: r.uuid ?? '',
      hostUuid: parseRef(r['host-uuid']),
      srUuid: parseRef(r['sr-uuid']),
      attached: parseBool(r['currently-attached']),
    }));
  }

  /** Whether the SR is plugged on that host (a PBD exists and is attached). */
  async isAttached(srUuid: string, hostUuid: string, options?: XeCallOptions): Promise<boolean> {
    return (await this.list({ srUuid, hostUuid }, options)).some((p) => p.attached);
  }
}

export class XeNetworkApi {
  constructor(private readonly xe: XeCaller) {}

  async list(filter: { hostUuid?: string; management?: boolean } = {}, options?: XeCallOptions): Promise<XePif[]> {
    const records = await this.xe.records(
      'pif-list',
      {
        'host-uuid': filter.hostUuid,
        management: filter.management,
        params: 'uuid,device,host-uuid,carrier,currently-attached,management,IP',
      },
      options,
    );
    return records.map((r) => ({
      uuid: r.uuid ?? '',
      device: r.device ?? '',
      hostUuid: parseRef(r['host-uuid']),
      carrier: parseBool(r.carrier),
      attached: parseBool(r['currently-attached']),
      management: parseBool(r.management),
      ip: r.IP ?? '',
    }));
  }
}

export class XeVdiApi {
  constructor(private readonly xe: XeCaller) {}

  async list(filter: { srUuid?: string } = {}, options?: XeCallOptions): Promise<XeVdi[]> {
    const records = await this.xe.records(
      'vdi-list',
      { 'sr-uuid': filter.srUuid, params: 'uuid,name-label,sr-uuid,virtual-size' },
      options,
    );
    return records.map((r) => ({
      uuid: r.uuid ?? '',
      nameLabel: r['name-label'] ?? '',
      srUuid: parseRef(r['sr-uuid']),
      virtualSize: Number(r['virtual-size'] ?? 0),
    }));
  }

  async srOf(vdiUuid: string, options?: XeCallOptions): Promise<string | null> {
    return parseRef(await this.xe.paramGet('vdi', vdiUuid, 'sr-uuid', options));
  }

  /** Moves one disk to another SR (the successor of the removed `destination-sr-uuid`). */
  async poolMigrate(vdiUuid: string, srUuid: string, options?: XeCallOptions): Promise<void> {
    await this.xe.call('vdi-pool-migrate', { uuid: vdiUuid, 'sr-uuid': srUuid }, {}, options);
  }
}
