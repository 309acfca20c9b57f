import { parseBool, parseMap, parseRef } from 'src/remote/xe/xe-output';
import { HostVersion, XeCallOptions, XeCaller, XeHost } from 'src/remote/xe/xe.types';

export class XeHostApi {
  constructor(private readonly xe: XeCaller) {}

  async list(filter: { address?: string; nameLabel?: string } = {}, options?: XeCallOptions): Promise<XeHost[]> {
    const records = await this.xe.records(
      'host-list',
      { address: filter.address, 'name-label': filter.nameLabel, params: 'uuid,name-label,address,enabled' },
      options,
    );
    return records.map((r) => ({
      uuid: r.uuid ?? '',
      nameLabel: r['name-label'] ?? '',
      address: r.address ?? '',
      enabled: parseBool(r.enabled),
    }));
  }

  async softwareVersion(uuid: string, options?: XeCallOptions): Promise<Record<string, string>> {
    return parseMap(await this.xe.paramGet('host', uuid, 'software-version', options));
  }

  async version(uuid: string, options?: XeCallOptions): Promise<HostVersion> {
    const raw = await this.softwareVersion(uuid, options);
    return {
      productVersion: raw.product_version,
      buildNumber: raw.build_number,
      platformVersion: raw.platform_version,
      productBrand: raw.product_brand,
      xapi: raw.xapi_build ?? raw.xapi,
      raw,
    };
  }

  async isEnabled(uuid: string, options?: XeCallOptions): Promise<boolean> {
    return parseBool(await this.xe.paramGet('host', uuid, 'enabled', options));
  }

  async residentVms(uuid: string, options?: XeCallOptions): Promise<string[]> {
    return this.xe.minimal('vm-list', { 'resident-on': uuid, 'is-control-domain': false, params: 'uuid' }, options);
  }

  async disable(uuid: string, options?: XeCallOptions): Promise<void> {
    await this.xe.call('host-disable', { uuid }, {}, options);
  }

  async enable(uuid: string, options?: XeCallOptions): Promise<void> {
    await this.xe.call('host-enable', { uuid }, {}, options);
  }

  async evacuate(uuid: string, options?: XeCallOptions): Promise<void> {
    await this.xe.call('host-evacuate', { uuid }, {}, options);
  }
}

export class XePoolApi {
  constructor(
    private readonly xe: XeCaller,
    private readonly followMaster: (address: string) => boolean,
  ) {}

  /** uuid of the pool master (the coordinator). */
  async master(options?: XeCallOptions): Promise<string> {
    const [master] = await this.xe.minimal('pool-list', { params: 'master' }, options);
    const uuid = parseRef(master);
    if (!uuid) throw new Error('xe pool-list printed no master');
    return uuid;
  }

  /**
   * Hands the master role to `hostUuid`, then sends later calls to that host (xapi restarts on both;
   * callers wait for it to answer again).
   */
  async designateNewMaster(hostUuid: string, options?: XeCallOptions): Promise<void> {
    const address = await this.xe.paramGet('host', hostUuid, 'address', options);
    await this.xe.call('pool-designate-new-master', { 'host-uuid': hostUuid }, {}, options);
    this.followMaster(address);
  }
}
