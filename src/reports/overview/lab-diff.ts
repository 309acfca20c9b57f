import type { LabSnapshot } from 'src/reports/read/read-models';

interface PackageChange {
  name: string;
  /** Versions across the lab's hosts, joined when hosts differ; null when absent. */
  baseline: string | null;
  candidate: string | null;
  change: 'changed' | 'added' | 'removed';
}

interface HostVersionChange {
  name: string;
  baseline: string | null;
  candidate: string | null;
}

export interface LabDiff {
  packages: PackageChange[];
  hosts: HostVersionChange[];
  unchangedPackages: number;
}

/** What changed between the baseline run's lab and this run's: host versions and package versions. */
export function diffLabs(baseline: LabSnapshot, candidate: LabSnapshot): LabDiff {
  const before = packageVersions(baseline);
  const after = packageVersions(candidate);
  const packages: PackageChange[] = [];
  let unchangedPackages = 0;
  for (const name of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const b = before.get(name) ?? null;
    const a = after.get(name) ?? null;
    if (b === a) unchangedPackages++;
    else packages.push({ name, baseline: b, candidate: a, change: b === null ? 'added' : a === null ? 'removed' : 'changed' });
  }
  const hostText = (s: LabSnapshot): Map<string, string> =>
    new Map(s.hosts.map((h) => [h.name, [h.version, h.build && `build ${h.build}`].filter(Boolean).join(' ') || '?']));
  const hb = hostText(baseline);
  const ha = hostText(candidate);
  const hosts = [...new Set([...hb.keys(), ...ha.keys()])]
    .sort()
    .map((name) => ({ name, baseline: hb.get(name) ?? null, candidate: ha.get(name) ?? null }));
  return { packages, hosts, unchangedPackages };
}

function packageVersions(s: LabSnapshot): Map<string, string> {
  const sets = new Map<string, Set<string>>();
  for (const h of s.hosts) {
    for (const [name, version] of Object.entries(h.packages)) {
      let set = sets.get(name);
      if (!set) sets.set(name, (set = new Set()));
      set.add(version);
    }
  }
  return new Map([...sets.entries()].map(([name, set]) => [name, [...set].sort().join(', ')]));
}
