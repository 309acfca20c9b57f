import { generateKeyPairSync } from 'node:crypto';
import { CommandIo, ShellEnv } from 'src/simulator/shell/shell-types';
import { normalisePath } from 'src/simulator/shell/vfs';
import { selfSignedPoolPem } from 'src/simulator/xe/commands/certificate-commands';

/**
 * xen-api's /opt/xensource/libexec/gencert (ocaml/gencert/gencert.ml): writes a new self-signed
 * certificate and key to PATH, unless PATH exists (then it does nothing and succeeds). At 8.3
 * (v24.19.2) it takes `PATH [GROUPID] (default|xapi:pool)`; at 8.2.1 (v1.249.38) only `PATH`, a
 * `default` certificate. Its errors go to syslog (xapi's Debug module) and it exits 1.
 */
export async function gencert(io: CommandIo, env: ShellEnv): Promise<number> {
  const self = '/opt/xensource/libexec/gencert';
  const host = env.host();
  const legacy = host.version === '8.2.1';
  const fail = (message: string): number => {
    env.model.log(host.uuid, '/var/log/xensource.log', `gencert: [error] ${message}`);
    io.err(`${message}\n`);
    return 1;
  };
  const args = io.argv;
  const arity = legacy ? args.length === 1 : args.length === 2 || args.length === 3;
  if (!arity) return fail(legacy ? `Usage: ${self} PATH` : `Usage: ${self} PATH [GROUPID] (default|xapi:pool)`);
  const path = normalisePath(args[0]!, io.shell?.cwd ?? '/root');
  if (await env.vfs.read(path)) return 0; // "file already exists at path - doing nothing"
  const sni = legacy ? 'default' : args[args.length - 1]!;
  if (sni !== 'default' && sni !== 'xapi:pool') return fail(`SNI must be default or xapi:pool, but got '${sni}'`);
  if (args.length === 3 && !/^-?\d+$/.test(args[1]!)) {
    return fail(`GROUPID must be an integer, but got '${args[1]}'`);
  }
  const now = env.model.clock.now();
  let pem: string;
  if (sni === 'xapi:pool') pem = selfSignedPoolPem(host, now);
  else {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const key = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    pem = `${key}# certificate (no record) CN=${host.address} (simulated)\n`;
  }
  try {
    await env.vfs.write(path, Buffer.from(pem), false);
  } catch {
    return fail(`file doesn't exist (${path}): cert was not created`);
  }
  return 0;
}
