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
