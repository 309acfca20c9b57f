import { Client } from 'ssh2';
import { fingerprintOf } from 'src/remote/host-key';
import { RemoteError, RemoteErrorCode } from 'src/remote/remote.errors';

/**
 * The fingerprint of the key a host offers now, read during the key exchange and refused before any
 * credential is sent: what an operator compares with a fingerprint obtained out of band.
 */
export function probeHostKey(host: string, address: string, port: number, timeoutMs = 15_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    let offered: string | undefined;
    const done = (err?: Error): void => {
      client.end();
      if (offered) return resolve(offered);
      const why = err?.message ?? 'the connection closed first';
      reject(
        new RemoteError(
          `host ${host} (${address}:${port}): no host key received (${why})`,
          RemoteErrorCode.Unreachable,
          host,
        ),
      );
    };
    client.on('error', (err) => done(err));
    client.on('close', () => done());
    client.connect({
      host: address,
      port,
      username: 'shakedown-host-key-probe',
      readyTimeout: timeoutMs,
      hostVerifier: (key: Buffer) => {
        offered = fingerprintOf(key);
        return false;
      },
    });
  });
}
