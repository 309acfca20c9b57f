import { isIPv4 } from 'node:net';
import { LabModel } from 'src/simulator/model/lab-model';
import { echoAnswered, EchoSender } from 'src/simulator/network/icmp-echo';

/**
 * iputils `ping` over the simulated network (icmp-echo.ts): its options -c -i -W -w -q -n -4, its
 * transcript and exit codes (0: replies, 1: none, 2: usage or name errors). Time passes on the lab's
 * clock: one request per interval, and a request left unanswered waits -W seconds (10 by default)
 * unless the -w deadline comes first.
 */
interface PingIo {
  out(text: string): void;
  err(text: string): void;
  signal: AbortSignal;
}

const USAGE = `Usage: ping [-aAbBdDfhLnOqrRUvV64] [-c count] [-i interval] [-I interface]
            [-m mark] [-M pmtudisc_option] [-l preload] [-p pattern] [-Q tos]
            [-s packetsize] [-S sndbuf] [-t ttl] [-T timestamp_option]
            [-w deadline] [-W timeout] [hop1 ...] destination
`;

interface PingOptions {
  count: number;
  interval: number;
  timeout: number;
  deadline: number;
  quiet: boolean;
  destination: string;
}

/** Returns the options, or the exit code after printing why not. */
function parse(argv: string[], io: PingIo): PingOptions | number {
  const o = { count: Infinity, interval: 1, timeout: 10, deadline: Infinity, quiet: false };
  let destination: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('-') || a === '-') {
      destination = a;
      continue;
    }
    for (let j = 1; j < a.length; j++) {
      const flag = a[j]!;
      if ('n4'.includes(flag)) continue;
      if (flag === 'q') {
        o.quiet = true;
        continue;
      }
      if (!'ciWw'.includes(flag)) {
        io.err(`ping: invalid option -- '${flag}'\n${USAGE}`);
        return 2;
      }
      const text = a.slice(j + 1) || argv[++i] || '';
      const value = Number(text);
      const bad = text === '' || !Number.isFinite(value) || value < 0 || (flag === 'c' && !Number.isInteger(value));
      if (bad || (flag === 'c' && value === 0)) {
        io.err(
          `ping: bad ${{ c: 'number of packets to transmit', i: 'timing interval', W: 'linger time', w: 'wait time' }[flag]}: ${text}\n`,
        );
        return 2;
      }
      if (flag === 'c') o.count = value;
      if (flag === 'i') o.interval = value;
      if (flag === 'W') o.timeout = value;
      if (flag === 'w') o.deadline = value;
      break;
    }
  }
  if (destination === undefined) {
    io.err(USAGE);
    return 2;
  }
  if (!isIPv4(destination)) {
    io.err(`ping: ${destination}: Name or service not known\n`);
    return 2;
  }
  if (o.count === Infinity && o.deadline === Infinity) {
    io.err('ping: the simulated ping needs -c or -w: it cannot run until interrupted\n');
    return 2;
  }
  return { ...o, destination };
}

/** A round-trip time that looks like a local bridge's, the same for the same sequence number. */
const rtt = (seq: number): number => 0.03 + ((seq * 7) % 10) / 100;

export async function ping(model: LabModel, from: EchoSender, argv: string[], io: PingIo): Promise<number> {
  const o = parse(argv, io);
  if (typeof o === 'number') return o;
  const to = o.destination;
  io.out(`PING ${to} (${to}) 56(84) bytes of data.\n`);
  let sent = 0;
  const times: number[] = [];
  let elapsed = 0;
  const wait = async (seconds: number): Promise<void> => {
    elapsed += seconds;
    await model.clock.wait(seconds, io.signal);
  };
  try {
    while (sent < o.count && elapsed < o.deadline) {
      sent += 1;
      if (echoAnswered(model, from, to)) {
        const t = rtt(sent);
        times.push(t);
        if (!o.quiet) io.out(`64 bytes from ${to}: icmp_seq=${sent} ttl=64 time=${t.toFixed(3)} ms\n`);
        if (times.length >= o.count) break;
        await wait(Math.min(o.interval, o.deadline - elapsed));
      } else if (sent < o.count) {
        await wait(Math.min(o.interval, o.deadline - elapsed));
      } else {
        await wait(Math.min(o.timeout, o.deadline - elapsed));
      }
    }
  } catch {
    // interrupted (the SSH channel closed): report what was seen so far, as ping does on SIGINT
  }
  const received = times.length;
  const loss = sent === 0 ? 0 : Math.round(((sent - received) / sent) * 100);
  io.out(`\n--- ${to} ping statistics ---\n`);
  io.out(
    `${sent} packets transmitted, ${received} received, ${loss}% packet loss, time ${Math.round(elapsed * 1000)}ms\n`,
  );
  if (received > 0) {
    const avg = times.reduce((a, b) => a + b, 0) / received;
    const mdev = Math.sqrt(times.reduce((a, b) => a + (b - avg) ** 2, 0) / received);
    const f = (n: number): string => n.toFixed(3);
    io.out(`rtt min/avg/max/mdev = ${f(Math.min(...times))}/${f(avg)}/${f(Math.max(...times))}/${f(mdev)} ms\n`);
  }
  io.out(received > 0 ? '' : '\n');
  // iputils: with a deadline, fewer replies than asked for is a failure too
  if (received === 0) return 1;
  return o.deadline !== Infinity && o.count !== Infinity && received < o.count ? 1 : 0;
}
