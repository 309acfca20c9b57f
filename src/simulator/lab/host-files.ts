import { createHash } from 'node:crypto';
import { LabModel } from 'src/simulator/model/lab-model';
import { SimHost } from 'src/simulator/model/types';
import { versionInfo } from 'src/simulator/model/versions';
import { meminfo } from 'src/simulator/shell/commands/hardware-commands';

/** Read-only files a dom0 serves from the model: logs the emulator writes, release identity files. */
export function hostVirtualFile(model: LabModel, host: SimHost, path: string): Buffer | null {
  if (path.startsWith('/var/log/')) {
    const lines = model.logs.get(host.uuid)?.get(path);
    if (lines) return Buffer.from(lines.map((l) => `${l}\n`).join(''));
    if (['/var/log/xensource.log', '/var/log/SMlog', '/var/log/daemon.log', '/var/log/kern.log'].includes(path)) {
      return Buffer.alloc(0);
    }
    return null;
  }
  if (path === '/proc/meminfo') return Buffer.from(meminfo(host));
  if (path === '/proc/sys/kernel/random/boot_id') {
    const h = createHash('sha256').update(`${host.uuid}:${host.bootedAt}`).digest('hex');
    return Buffer.from(`${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}\n`);
  }
  const v = versionInfo(host.version);
  if (path === '/etc/xensource-inventory') {
    return Buffer.from(
      [
        `PRODUCT_BRAND='XCP-ng'`,
        `PRODUCT_NAME='xenenterprise'`,
        `PRODUCT_VERSION='${v.productVersion}'`,
        `PLATFORM_VERSION='${v.platformVersion}'`,
        `BUILD_NUMBER='${v.buildNumber}'`,
        `INSTALLATION_UUID='${host.uuid}'`,
        `CONTROL_DOMAIN_UUID='${host.controlDomainUuid}'`,
        `SIMULATED='true'`,
        '',
      ].join('\n'),
    );
  }
  if (path === '/etc/os-release') {
    return Buffer.from(
      `NAME="XCP-ng"\nVERSION="${v.productVersion}"\nID="xcp-ng"\nVERSION_ID="${v.productVersion}"\nPRETTY_NAME="XCP-ng ${v.productVersion} (simulated)"\n`,
    );
  }
  if (path === '/etc/xcp-ng-release' || path === '/etc/redhat-release') {
    return Buffer.from(`XCP-ng release ${v.productVersion} (xenenterprise)\n`);
  }
  return null;
}
