import { ping } from 'src/simulator/network/ping';
import { CommandTable } from 'src/simulator/shell/shell-types';

/** `ping` in a dom0 or a guest: iputils over the simulated network (src/simulator/network/ping.ts). */
export const PING_COMMANDS: CommandTable = {
  ping: (io, env) =>
    ping(env.model, env.vm ? { kind: 'guest', vm: env.vm } : { kind: 'host', host: env.host() }, io.argv, {
      out: (t) => io.out(t),
      err: (t) => io.err(t),
      signal: io.signal,
    }),
};
