import { generateKeyPair, X509Certificate } from 'node:crypto';
import { promisify } from 'node:util';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { SimHost } from 'src/simulator/model/types';

/** A host's server certificate: what stunnel presents on 443 and /etc/xensource/xapi-ssl.pem holds. */
interface HostCertificate {
  key: string;
  cert: string;
  x509: X509Certificate;
}

/** gencert (xcp-ng's /opt/xensource/libexec/gencert) makes a ten-year self-signed RSA 2048 certificate. */
const VALIDITY_DAYS = 3650;

const split = (pem: string): { key: string; cert: string } | null => {
  const key = /-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----\n?/.exec(pem)?.[0];
  const cert = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/.exec(pem)?.[0];
  return key && cert ? { key, cert } : null;
};

/**
 * One RSA 2048 key for the lab's hosts' certificates, kept in its key folder: a key costs tens of
 * milliseconds of CPU, a certificate signed with it one; labs of 64 hosts start in tests.
 */
const labKeys = new Map<string, Promise<{ privateKey: string; publicKey: string }>>();

function labKeyPair(dir: string): Promise<{ privateKey: string; publicKey: string }> {
  const file = join(dir, 'xapi-ssl-key.pem');
  let keys = labKeys.get(file);
  if (!keys) {
    keys = (async () => {
      const kept = existsSync(file) ? readFileSync(file, 'utf8') : null;
      if (kept) {
        const [privateKey, publicKey] = kept.split(/(?=-----BEGIN PUBLIC KEY-----)/);
        if (privateKey && publicKey) return { privateKey, publicKey };
      }
      const made = await promisify(generateKeyPair)('rsa', {
        modulusLength: 2048,
        publicKeyEncoding: { type: 'spki', format: 'pem' },
        privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      });
      mkdirSync(dir, { recursive: true });
      writeFileSync(file, `${made.privateKey}${made.publicKey}`, { mode: 0o600 });
      return made;
    })();
    labKeys.set(file, keys);
  }
  return keys;
}

/**
 * The host's self-signed certificate (CN and subjectAltName: its name and address), made once and
 * kept in the lab's key folder like its SSH host key, so a restarted lab presents the same one.
 * The issuer's organisation says it is simulated.
 */
export async function loadOrCreateHostCertificate(dir: string, id: string, host: SimHost): Promise<HostCertificate> {
  const file = join(dir, `xapi-ssl-${id}.pem`);
  const kept = existsSync(file) ? split(readFileSync(file, 'utf8')) : null;
  if (kept) return { ...kept, x509: new X509Certificate(kept.cert) };
  const notBeforeDate = new Date(host.bootedAt);
  const pems = await generate(
    [
      { name: 'commonName', value: host.name },
      { name: 'organizationName', value: 'Shakedown simulated lab' },
    ],
    {
      keyPair: await labKeyPair(dir),
      algorithm: 'sha256',
      notBeforeDate,
      notAfterDate: new Date(notBeforeDate.getTime() + VALIDITY_DAYS * 24 * 3600 * 1000),
      extensions: [
        {
          name: 'subjectAltName',
          altNames: [
            { type: 2, value: host.name },
            { type: 7, ip: host.address },
          ],
        },
      ],
    },
  );
  const made = { key: pems.private.replace(/\r\n/g, '\n'), cert: pems.cert.replace(/\r\n/g, '\n') };
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, `${made.key.trimEnd()}\n${made.cert.trimEnd()}\n`, { mode: 0o600 });
  return { ...made, x509: new X509Certificate(made.cert) };
}
