import { CredentialRef } from 'src/remote/ssh-target';

/** A lab inventory as loaded (the YAML/JSON contract `shakedown lab up` prints), in camelCase. */
export interface Inventory {
  name: string;
  simulated: boolean;
  controlUrl?: string;
  credentials: Record<string, CredentialRef>;
  guestCredential?: string;
  guestPort?: number;
  pools: InventoryPool[];
}

export interface InventoryPool {
  name: string;
  master: string;
  tags: string[];
  hosts: InventoryHost[];
}

export interface InventoryHost {
  name: string;
  address: string;
  port: number;
  user: string;
  credential: string;
  hostKey?: string;
  version?: string;
  tags: string[];
}
