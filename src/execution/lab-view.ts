import { LabPoolView } from 'src/lab/lab-view';

/** SR kinds a pool offers, from its own and its hosts' `sr:<kind>` tags. */
export function poolSrKinds(pool: LabPoolView): Set<string> {
  const kinds = new Set<string>();
  for (const tag of [...pool.tags, ...pool.hosts.flatMap((h) => h.tags)]) {
    if (tag.startsWith('sr:')) kinds.add(tag.slice(3));
  }
  return kinds;
}

export function poolVersions(pool: LabPoolView): Set<string> {
  return new Set(pool.hosts.map((h) => h.version).filter((v): v is string => !!v));
}
