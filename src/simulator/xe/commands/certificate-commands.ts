import { createHash, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { LabModel } from 'src/simulator/model/lab-model';
import { SimHost } from 'src/simulator/model/types';
import { xeDate } from 'src/simulator/xe/format';
import { ClassDef } from 'src/simulator/xe/records';
import { selectOneHost } from 'src/simulator/xe/vm-select';
import { XeCommand } from 'src/simulator/xe/xe-command';

/**
 * The Certificate class (ocaml/xapi/certificates.ml Db_util): every host has its server certificate
 * (`type host`, /etc/xensource/xapi-ssl.pem); from 8.3 (pool certificates, ocaml/xapi/cert_refresh.ml)
 * also its pool-internal one (`type host_internal`, name `xapi:pool`, /etc/xensource/xapi-pool-tls.pem),
 * which `host-refresh-server-certificate` replaces with a new one under a new uuid. The server
 * certificate is the real X.509 one the host's HTTPS listener presents once the lab made it
 * (`registerServerCertificate`); the pool-internal ones carry fingerprints derived from the host
 * and generation, not from real X.509 data.
 */
interface SimCertificate {
  uuid: string;
  type: 'host' | 'host_internal';
  hostUuid: string;
  notBefore: number;
  notAfter: number;
  /** sha256 as colon-separated hex pairs, as Certificates.pp_fingerprint prints it */
  sha256: string;
  sha1: string;
}

export const INTERNAL_PEM = '/etc/xensource/xapi-pool-tls.pem';
/** cert_refresh.ml / gencert: pool-internal certificates are valid ten years. */
const VALIDITY_MS = 3650 * 24 * 3600 * 1000;

/** How many times each host's pool-internal certificate was refreshed, per lab. */
const generations = new WeakMap<LabModel, Map<string, number>>();

function generation(model: LabModel, hostUuid: string): number {
  return generations.get(model)?.get(hostUuid) ?? 0;
}

const pairs = (hex: string): string => hex.toUpperCase().match(/../g)!.join(':');

/** The X.509 server certificate each host presents on 443, per lab. */
const serverCertificates = new WeakMap<LabModel, Map<string, X509Certificate>>();

/** Records the certificate a host's HTTPS listener presents, so `certificate-list` shows its facts. */
export function registerServerCertificate(model: LabModel, hostUuid: string, x509: X509Certificate): void {
  let certs = serverCertificates.get(model);
  if (!certs) serverCertificates.set(model, (certs = new Map()));
  certs.set(hostUuid, x509);
}

function certificate(
  model: LabModel,
  host: SimHost,
  type: SimCertificate['type'],
  gen: number,
  since: number,
): SimCertificate {
  const seed = `certificate:${host.uuid}:${type}:${gen}`;
  const h = createHash('sha256').update(seed).digest('hex');
  const real = type === 'host' ? serverCertificates.get(model)?.get(host.uuid) : undefined;
  if (real) {
    return {
      uuid: `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`,
      type,
      hostUuid: host.uuid,
      notBefore: Date.parse(real.validFrom),
      notAfter: Date.parse(real.validTo),
      sha256: real.fingerprint256,
      sha1: real.fingerprint,
    };
  }
  return {
    uuid: `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`,
    type,
    hostUuid: host.uuid,
    notBefore: since,
    notAfter: since + VALIDITY_MS,
    sha256: pairs(createHash('sha256').update(`${seed}:der`).digest('hex')),
    sha1: pairs(createHash('sha1').update(`${seed}:der`).digest('hex')),
  };
}

/** Refreshes are stamped with the time they happened; the first certificates with the host's boot. */
const refreshedAt = new WeakMap<LabModel, Map<string, number>>();

function hostCertificates(model: LabModel, host: SimHost): SimCertificate[] {
  const certs = [certificate(model, host, 'host', 0, host.bootedAt)];
  if (host.version !== '8.2.1') {
    const gen = generation(model, host.uuid);
    certs.push(certificate(model, host, 'host_internal', gen, refreshedAt.get(model)?.get(host.uuid) ?? host.bootedAt));
  }
  return certs;
}

function allCertificates(model: LabModel): SimCertificate[] {
  return [...model.state.hosts.values()].flatMap((h) => hostCertificates(model, h));
}

export const CERTIFICATE_CLASS: ClassDef<SimCertificate> = {
  cli: 'certificate',
  table: 'Certificate',
  all: (m, pool) => m.poolHosts(pool).flatMap((h) => hostCertificates(m, h)),
  byUuid: (m, uuid) => allCertificates(m).find((c) => c.uuid === uuid),
  fields: [
    { name: 'uuid', get: (c) => c.uuid },
    { name: 'type', get: (c) => c.type },
    { name: 'name', get: (c) => (c.type === 'host_internal' ? 'xapi:pool' : '') },
    { name: 'host', get: (c) => c.hostUuid },
    { name: 'not-before', get: (c) => xeDate(c.notBefore) },
    { name: 'not-after', get: (c) => xeDate(c.notAfter) },
    // records.ml: `fingerprint` is the sha256 one (kept for older clients)
    { name: 'fingerprint', get: (c) => c.sha256 },
    { name: 'fingerprint_sha256', get: (c) => c.sha256 },
    { name: 'fingerprint_sha1', get: (c) => c.sha1 },
  ],
};

/**
 * What the simulated host keeps in xapi-pool-tls.pem: a real new private key each time (so the file
 * changes as the real one does), and the simulated certificate's facts instead of X.509 data.
 */
function internalPem(cert: SimCertificate): string {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const key = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return `${key}# certificate ${cert.uuid} CN=xapi:pool sha256=${cert.sha256} (simulated)\n`;
}

/** Writes the host's xapi-pool-tls.pem (8.3) at `file`, the real path of its dom0 file; kept when present unless `replace`. */
export function writeInternalPem(model: LabModel, host: SimHost, file: string, replace = false): void {
  const cert = hostCertificates(model, host).find((c) => c.type === 'host_internal');
  if (!cert || (!replace && existsSync(file))) return;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, internalPem(cert), { mode: 0o600 });
}

/**
 * What stunnel@xapi serves under the `xapi:pool` SNI when it differs from the host's certificate
 * record: set when the unit is reloaded over a pem the pool does not know (replaced by hand, e.g.
 * with gencert). Pool members pin the recorded certificate, so they can no longer reach that host.
 */
const servedInstead = new WeakMap<LabModel, Map<string, string>>();

/** stunnel@xapi (re)loaded `pem` (its text) on `host`: from now on it serves that certificate. */
export function servePoolPem(model: LabModel, host: SimHost, pem: string): void {
  const cert = hostCertificates(model, host).find((c) => c.type === 'host_internal');
  const sha256 = /sha256=(\S+)/.exec(pem)?.[1] ?? pairs(createHash('sha256').update(pem).digest('hex'));
  let served = servedInstead.get(model);
  if (!served) servedInstead.set(model, (served = new Map()));
  if (!cert || sha256 === cert.sha256) served.delete(host.uuid);
  else served.set(host.uuid, sha256);
}

/** Whether pool members' TLS verification rejects what `host` serves (8.3 pools verify, 8.2.1 does not). */
export function poolTlsRejected(model: LabModel, host: SimHost): boolean {
  return host.version !== '8.2.1' && (servedInstead.get(model)?.has(host.uuid) ?? false);
}

/** A new self-signed `xapi:pool` certificate (gencert), one the pool has no record of. */
export function selfSignedPoolPem(host: SimHost, now: number): string {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const key = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const sha256 = pairs(createHash('sha256').update(`${host.uuid}:gencert:${now}:${key}`).digest('hex'));
  return `${key}# certificate (no record) CN=xapi:pool sha256=${sha256} (simulated)\n`;
}

export const CERTIFICATE_COMMANDS: Record<string, XeCommand> = {
  // cli_operations.ml host_refresh_server_certificate → Host.refresh_server_certificate (cert_refresh.ml):
  // a new pool-internal certificate for that host, written to its xapi-pool-tls.pem.
  'host-refresh-server-certificate': {
    run: (ctx, params) => {
      const host = selectOneHost(ctx, params, []);
      let gens = generations.get(ctx.model);
      if (!gens) generations.set(ctx.model, (gens = new Map()));
      gens.set(host.uuid, generation(ctx.model, host.uuid) + 1);
      let times = refreshedAt.get(ctx.model);
      if (!times) refreshedAt.set(ctx.model, (times = new Map()));
      times.set(host.uuid, ctx.model.clock.now());
      writeInternalPem(ctx.model, host, ctx.hostPath(host, INTERNAL_PEM), true);
      // cert_refresh.ml restarts stunnel over the new certificate
      servedInstead.get(ctx.model)?.delete(host.uuid);
      return '';
    },
  },
};
