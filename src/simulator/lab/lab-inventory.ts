/** The inventory a simulated lab prints and hands out (shared contract with the product's loader). */
type CredentialRefJson =
  | { key_file: string; passphrase_env?: string }
  | { password_env: string }
  | { password_file: string }
  | { agent: true };

export interface InventoryHostJson {
  name: string;
  address: string;
  port: number;
  user: string;
  credential: string;
  host_key: string;
  version?: string;
  tags: string[];
}

interface InventoryPoolJson {
  name: string;
  master: string;
  tags: string[];
  hosts: InventoryHostJson[];
  /** password credential xe sends as remote-password= to this pool's master */
  xapi_credential?: string;
}

export interface LabInventoryJson {
  name: string;
  simulated: true;
  control_url?: string;
  credentials: Record<string, CredentialRefJson>;
  guest_credential: string;
  guest_port?: number;
  pools: InventoryPoolJson[];
}
