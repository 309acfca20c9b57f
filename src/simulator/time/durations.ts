import { SimHost, SimSr, SimVm } from 'src/simulator/model/types';

/**
 * The timing model, in simulated seconds. Numbers are plausible orders of magnitude for 10 GbE
 * hosts with SSD-backed local SRs; they exist so a campaign has durations to measure and compare,
 * never as a claim about real hardware.
 */
const MB = 1e6;

export function bootSeconds(vm: SimVm): number {
  if (vm.image === 'hvm-windows') return 45;
  return vm.image === 'pv-linux' ? 8 : 15;
}

export const DOMAIN_BUILD_SECONDS = 3;
export const HARD_SHUTDOWN_SECONDS = 1;

export function cleanShutdownSeconds(vm: SimVm): number {
  return vm.image === 'hvm-windows' ? 20 : 6;
}

export function suspendSeconds(vm: SimVm): number {
  return 2 + vm.memory / (400 * MB);
}

/** bytes/s of a migration stream between two hosts */
export function linkBytesPerSecond(a: SimHost, b: SimHost, slowdown: number): number {
  return (Math.min(a.linkGbps, b.linkGbps) * 1e9 * 0.8) / 8 / Math.max(1, slowdown);
}

/**
 * Pre-copy live migration: memory is sent once, then the pages dirtied meanwhile; a loaded guest
 * (stress) dirties more, so rounds grow. 8.3.0 ships a faster migration stream (simulated effect).
 */
export function memoryMigrationSeconds(vm: SimVm, src: SimHost, dst: SimHost, slowdown: number): number {
  const bw = linkBytesPerSecond(src, dst, slowdown) * (src.version === '8.3.0' && dst.version === '8.3.0' ? 1.15 : 1);
  const dirtyFactor = 0.08 + 1.2 * Math.min(1, vm.guest.load);
  return 1.5 + (vm.memory * (1 + dirtyFactor)) / bw;
}

function srBytesPerSecond(sr: SimSr): number {
  switch (sr.type) {
    case 'ext':
      return 400 * MB;
    case 'lvm':
      return 450 * MB;
    case 'nfs':
      return 250 * MB;
    case 'lvmoiscsi':
      return 300 * MB;
    case 'iso':
      return 100 * MB;
  }
}

export function storageMotionSeconds(bytes: number, from: SimSr, to: SimSr, linkBps: number): number {
  return 2 + bytes / Math.min(srBytesPerSecond(from), srBytesPerSecond(to), linkBps);
}

type Compression = 'none' | 'gzip' | 'zstd';

export function exportSeconds(bytes: number, compression: Compression): number {
  const rate = compression === 'gzip' ? 70 * MB : compression === 'zstd' ? 250 * MB : 300 * MB;
  return 1 + bytes / rate;
}

export function importSeconds(bytes: number, compression: Compression): number {
  const rate = compression === 'gzip' ? 150 * MB : compression === 'zstd' ? 400 * MB : 350 * MB;
  return 1 + bytes / rate;
}
