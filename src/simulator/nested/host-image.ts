import { XcpVersion } from 'src/simulator/model/types';
import { versionInfo } from 'src/simulator/model/versions';
import { HOST_IMAGE_FAULT_KEY, HOST_IMAGE_KEY } from 'src/simulator/nested/nested-hosts';
import { writeXva, XvaCompression } from 'src/simulator/xva/xva-format';
import { XmlRpcValue } from 'src/simulator/xva/xmlrpc';

const GIB = 1024 ** 3;

interface HostImageOptions {
  version: XcpVersion;
  /** the release of the host it was exported from (import refuses newer exports); default 8.2.1 */
  exportedFrom?: XcpVersion;
  memoryGib?: number;
  vcpus?: number;
  diskGib?: number;
  compression?: XvaCompression;
  /** simulated trouble for tests: `hang` (sshd never answers) or `no-boot` */
  fault?: 'hang' | 'no-boot';
}

/**
 * A simulated "XCP-ng host image": the XVA export of a VM with XCP-ng installed, marked with
 * other-config:xcp-ng-host-image=<version>. Importing and starting it on a simulated host makes a
 * nested host appear.
 */
export async function simulatedHostImageXva(opts: HostImageOptions): Promise<Buffer> {
  const from = versionInfo(opts.exportedFrom ?? '8.2.1');
  const disk = (opts.diskGib ?? 60) * GIB;
  const otherConfig: Record<string, string> = { [HOST_IMAGE_KEY]: opts.version };
  if (opts.fault) otherConfig[HOST_IMAGE_FAULT_KEY] = opts.fault;
  const objects: XmlRpcValue[] = [
    {
      class: 'VM',
      id: 'Ref:0',
      snapshot: {
        name_label: `XCP-ng ${opts.version} host image`,
        name_description: 'XCP-ng installed in a VM, for nested pools (simulated)',
        memory_static_max: String((opts.memoryGib ?? 8) * GIB),
        memory_dynamic_max: String((opts.memoryGib ?? 8) * GIB),
        VCPUs_max: String(opts.vcpus ?? 2),
        HVM_boot_policy: 'BIOS order',
        HVM_boot_params: { order: 'cd' },
        PV_bootloader: '',
        platform: {},
        power_state: 'Halted',
        other_config: otherConfig,
        is_a_template: false,
        tags: [],
      },
    },
    {
      class: 'VDI',
      id: 'Ref:1',
      snapshot: {
        name_label: `XCP-ng ${opts.version} system disk`,
        virtual_size: String(disk),
        physical_utilisation: String(Math.round(disk * 0.1)),
        type: 'system',
      },
    },
  ];
  const header: XmlRpcValue = {
    version: {
      hostname: 'localhost',
      date: from.date,
      product_version: from.productVersion,
      product_brand: 'XCP-ng',
      build_number: from.buildNumber,
      xapi_major: from.xapiMajor,
      xapi_minor: from.xapiMinor,
      export_vsn: 2,
    },
    objects,
  };
  return writeXva(
    { header, disks: [{ ref: 'Ref:1', files: {}, seed: `host-image-${opts.version}` }] },
    opts.compression ?? 'none',
  );
}
