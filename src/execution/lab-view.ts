/** The lab as the planner and the dispatcher see it: pools of hosts with versions and tags. */
export interface LabHostView {
  id: string;
  name: string;
  address: string;
  port: number;
  username: string;
  credentialRef: Record<string, unknown>;
  hostKey?: string | null;
  version?: string | null;
  tags: string[];
  health: string;
}

export interface LabPoolView {
  id: string;
  name: string;
  masterName?: string | null;
  tags: string[];
  hosts: LabHostView[];
}

export interface LabView {
  id: string;
  name: string;
  simulated: boolean;
  inventory: Record<string, unknown>;
  pools: LabPoolView[];
}

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
