import { XcpVersion } from 'src/simulator/model/types';

/** What each simulated release reports about itself (software-version map, export header, texts). */
interface VersionInfo {
  productVersion: XcpVersion;
  platformVersion: string;
  buildNumber: string;
  xapi: string;
  xapiBuild: string;
  xapiMajor: number;
  xapiMinor: number;
  xen: string;
  linux: string;
  date: string;
  /** 8.2 says "master"/"Storage XenMotion"; 8.3 says "coordinator"/"storage live migration". */
  newWording: boolean;
  guestToolsBundled: string;
}

const INFO: Record<XcpVersion, VersionInfo> = {
  '8.2.1': {
    productVersion: '8.2.1',
    platformVersion: '3.2.1',
    buildNumber: 'release/yangtze/master/58',
    xapi: '1.20',
    xapiBuild: '1.249.38',
    xapiMajor: 1,
    xapiMinor: 20,
    xen: '4.13.5-9.40',
    linux: '4.19.0+1',
    date: '2022-02-16',
    newWording: false,
    guestToolsBundled: '7.20.2-1',
  },
  '8.3.0': {
    productVersion: '8.3.0',
    platformVersion: '3.4.0',
    buildNumber: 'cloud',
    xapi: '24.19',
    xapiBuild: '24.19.2',
    xapiMajor: 24,
    xapiMinor: 19,
    xen: '4.17.5-6',
    linux: '4.19.0+1',
    date: '2024-10-01',
    newWording: true,
    guestToolsBundled: '8.4.0-1',
  },
};

export function versionInfo(version: XcpVersion): VersionInfo {
  return INFO[version];
}

export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((p) => parseInt(p, 10) || 0);
  const pb = b.split('.').map((p) => parseInt(p, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
