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
  /**
   * A password credential (by name) for xapi itself: what `xe vm-migrate remote-password=` sends to
   * this pool's master for storage motion and cross-pool migration, while SSH may use a key.
   */
  xapiCredential?: string;
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
