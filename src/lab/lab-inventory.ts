import { Inventory, InventoryHost, InventoryPool } from 'src/lab/inventory.types';
import { LabError, LabErrorCode } from 'src/lab/lab.errors';
import { GuestAccess } from 'src/remote/guest-shell';
import { SshPool } from 'src/remote/ssh-pool';
import { SshTarget } from 'src/remote/ssh-target';
import { XeClient, XeClientOptions } from 'src/remote/xe/xe-client';

type HostKind = 'simulated' | 'nested' | 'real';

interface LabHost {
  pool: InventoryPool;
  host: InventoryHost;
}

/** A loaded inventory with the questions the rest of the product asks of it. */
export class LabInventory {
  constructor(readonly inventory: Inventory) {}

  get name(): string {
    return this.inventory.name;
  }

  get pools(): readonly InventoryPool[] {
    return this.inventory.pools;
  }

  hosts(): LabHost[] {
    return this.inventory.pools.flatMap((pool) => pool.hosts.map((host) => ({ pool, host })));
  }

  host(name: string): LabHost {
    const found = this.hosts().find((h) => h.host.name === name);
    if (!found) {
      throw new LabError(
        `lab ${this.name}: no host named ${name} (hosts: ${this.hosts()
          .map((h) => h.host.name)
          .join(', ')})`,
        LabErrorCode.UnknownHost,
      );
    }
    return found;
  }

  pool(name: string): InventoryPool {
    const found = this.inventory.pools.find((p) => p.name === name);
    if (!found) {
      throw new LabError(
        `lab ${this.name}: no pool named ${name} (pools: ${this.inventory.pools.map((p) => p.name).join(', ')})`,
        LabErrorCode.UnknownPool,
      );
    }
    return found;
  }

  /** A simulated lab labels every host simulated; otherwise the `nested`/`simulated` tags decide. */
  kindOf(host: InventoryHost, pool?: InventoryPool): HostKind {
    const tags = [...host.tags, ...(pool?.tags ?? [])];
    if (this.inventory.simulated || tags.includes('simulated')) return 'simulated';
    if (tags.includes('nested')) return 'nested';
    return 'real';
  }

  /** SR kinds present on the host, from its `sr:<kind>` tags. */
  srKinds(host: InventoryHost): string[] {
    return host.tags.filter((t) => t.startsWith('sr:')).map((t) => t.slice(3));
  }

  /** Every tag that applies to the host: its own, its pool's, `kind:<kind>`, and `hw:<class>` when known. */
  tagsOf(host: InventoryHost, pool: InventoryPool, hardwareClass?: string): string[] {
    const tags = new Set([...pool.tags, ...host.tags, `kind:${this.kindOf(host, pool)}`]);
    if (hardwareClass) tags.add(`hw:${hardwareClass}`);
    return [...tags].sort();
  }

  sshTarget(hostName: string): SshTarget {
    const { host, pool } = this.host(hostName);
    const credential = this.inventory.credentials[host.credential];
    if (!credential) {
      throw new LabError(`host ${host.name}: unknown credential ${host.credential}`, LabErrorCode.UnknownHost);
    }
    return {
      name: host.name,
      lab: this.name,
      stopRemote: this.kindOf(host, pool) === 'simulated' ? 'channel' : 'process-group',
      address: host.address,
      port: host.port,
      username: host.user,
      credential,
      ...(host.hostKey ? { hostKey: host.hostKey } : {}),
    };
  }

  /** The xe client of a pool, starting at the inventory's master. */
  xe(ssh: SshPool, poolName: string, options?: XeClientOptions): XeClient {
    const pool = this.pool(poolName);
    return new XeClient(ssh, { hosts: pool.hosts.map((h) => this.sshTarget(h.name)), master: pool.master }, options);
  }

  guestAccess(username = 'root'): GuestAccess | undefined {
    const name = this.inventory.guestCredential;
    const credential = name === undefined ? undefined : this.inventory.credentials[name];
    if (!credential) return undefined;
    const port = this.inventory.guestPort;
    // Simulated guests end a command with its channel; real ones need their process group killed.
    const stopRemote = this.inventory.simulated ? ('channel' as const) : ('process-group' as const);
    return port ? { username, credential, port, stopRemote } : { username, credential, stopRemote };
  }
}
