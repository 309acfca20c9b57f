import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Command } from 'commander';
import { parseDocument } from 'yaml';
import { buildProgram } from 'src/cli/main';
import { configFields } from 'src/config/config.schema';

// No Docker engine runs where Shakedown is developed, so the deployment files are checked here for
// what can go wrong without one: structure, references to real commands, settings and files.

const ROOT = join(__dirname, '..', '..');
const DOCKER = join(ROOT, 'docker');

type Json = Record<string, unknown>;

function loadYaml(file: string): Json {
  const doc = parseDocument(readFileSync(join(DOCKER, file), 'utf8'), { merge: true });
  expect(doc.errors.map(String)).toEqual([]);
  expect(doc.warnings.map(String)).toEqual([]);
  return doc.toJS() as Json;
}

function envFile(file: string): Map<string, string> {
  const vars = new Map<string, string>();
  for (const line of readFileSync(join(DOCKER, file), 'utf8').split('\n')) {
    const m = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (m) vars.set(m[1]!, m[2]!);
  }
  return vars;
}

/** Compose's `${NAME}`, `${NAME:-default}`, `${NAME:?message}` with the variables of .env. */
function interpolate(value: string, vars: Map<string, string>): string {
  return value.replace(/\$\{([A-Z0-9_]+)(?::([-?])([^}]*))?\}/g, (_m, name: string, op?: string, arg?: string) => {
    const v = vars.get(name);
    if (v !== undefined && v !== '') return v;
    if (op === '-') return arg ?? '';
    throw new Error(`compose variable ${name} is unset${op === '?' ? `: ${arg}` : ''}`);
  });
}

function interpolationsIn(text: string): string[] {
  return [...text.matchAll(/\$\{([A-Z0-9_]+)/g)].map((m) => m[1]!);
}

/** The shakedown sub-command a container's arguments name, or an error naming what is missing. */
function resolveCommand(program: Command, args: string[]): string {
  let cmd = program;
  const path: string[] = [];
  for (const word of args) {
    if (word.startsWith('-')) break;
    const next = cmd.commands.find((c) => c.name() === word || c.aliases().includes(word));
    if (!next) {
      if (cmd.commands.length === 0) break; // an argument of a leaf command
      throw new Error(`"shakedown ${[...path, word].join(' ')}" is not a shakedown command`);
    }
    cmd = next;
    path.push(word);
  }
  if (cmd.commands.length > 0 && path.length > 0 && !cmd.commands.some((c) => c.name() === args[path.length])) {
    throw new Error(`"shakedown ${path.join(' ')}" needs a sub-command`);
  }
  return path.join(' ');
}

/** Seconds of a compose duration such as 90s, 1m30s, 2m. */
function durationSeconds(text: string): number {
  const parts = [...text.matchAll(/(\d+)(h|m|s)/g)];
  expect(parts.map((p) => p[0]).join('')).toBe(text);
  return parts.reduce((sum, p) => sum + Number(p[1]) * { h: 3600, m: 60, s: 1 }[p[2] as 'h' | 'm' | 's'], 0);
}

interface Instruction {
  line: number;
  keyword: string;
  args: string;
}

/** Dockerfile instructions with continuation lines joined and comments dropped. */
function parseDockerfile(text: string): Instruction[] {
  const out: Instruction[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let line = lines[i]!;
    if (/^\s*(#|$)/.test(line)) continue;
    while (line.endsWith('\\') && i + 1 < lines.length) {
      i++;
      const next = lines[i]!;
      if (/^\s*#/.test(next)) continue;
      line = line.slice(0, -1) + ' ' + next.trim();
    }
    const m = /^\s*([A-Za-z]+)\s+(.*)$/.exec(line);
    if (!m) throw new Error(`Dockerfile:${start + 1}: not an instruction: ${line}`);
    out.push({ line: start + 1, keyword: m[1]!.toUpperCase(), args: m[2]!.trim() });
  }
  return out;
}

describe('docker/compose.yaml', () => {
  const compose = loadYaml('compose.yaml');
  const services = compose.services as Record<string, Json>;
  const env = envFile('.env.example');
  const program = buildProgram();
  const shakedownServices = Object.entries(services).filter(([, s]) => String(s.image).includes('SHAKEDOWN_IMAGE'));

  it('should have the database, the API and the workers', () => {
    expect(Object.keys(services).sort()).toEqual(['api', 'db', 'worker']);
    expect(shakedownServices.map(([name]) => name).sort()).toEqual(['api', 'worker']);
  });

  it('should run PostgreSQL 16 on a named volume with a readiness healthcheck', () => {
    const db = services.db!;
    // The official image by default; any image with its environment contract can stand in.
    expect(interpolate(String(db.image), env)).toMatch(/^postgres:16(\.|-|$)/);
    expect(db.volumes).toContain('pgdata:/var/lib/postgresql/data');
    const hc = db.healthcheck as Json;
    expect((hc.test as string[]).slice(0, 2)).toEqual(['CMD', 'pg_isready']);
    // Published for backups from the Docker host, never on every interface.
    for (const port of db.ports as string[]) expect(interpolate(port, env)).toMatch(/^127\.0\.0\.1:\d+:5432$/);
  });

  it('should start the API and the workers only once the database is healthy', () => {
    for (const [name, s] of shakedownServices) {
      expect([name, s.depends_on]).toEqual([name, { db: { condition: 'service_healthy' } }]);
    }
  });

  it('should give every Shakedown container a command that shakedown has', () => {
    expect(services.api!.command).toEqual(['serve']);
    expect(services.worker!.command).toEqual(['worker']);
    for (const [, s] of shakedownServices) expect(resolveCommand(program, s.command as string[])).not.toBe('');
  });

  it('should set only settings that exist in the configuration schema', () => {
    for (const [name, s] of shakedownServices) {
      for (const key of Object.keys(s.environment as Json)) {
        expect([name, key, key in configFields]).toEqual([name, key, true]);
      }
    }
    for (const key of envFile('shakedown.env.example').keys()) expect([key, key in configFields]).toEqual([key, true]);
  });

  it('should serve on all interfaces of the container on the port it publishes', () => {
    const api = services.api!;
    const environment = api.environment as Json;
    expect(environment.HOST).toBe('0.0.0.0');
    const published = (api.ports as string[]).map((p) => interpolate(p, env));
    // Loopback unless the operator publishes it on purpose (SHAKEDOWN_BIND_ADDRESS).
    expect(published).toEqual([`127.0.0.1:${env.get('SHAKEDOWN_PORT')}:${environment.PORT}`]);
    const hc = (api.healthcheck as Json).test as unknown[];
    // A YAML plain scalar holding ": " silently becomes a mapping: every word must stay a string.
    for (const word of hc) expect(typeof word).toBe('string');
    expect(hc.join(' ')).toContain(`127.0.0.1:${environment.PORT}/api/v1/health`);
  });

  it('should call the API unhealthy on a 503 whatever its body says, healthy on a 200', async () => {
    const api = services.api!;
    const [kind, program, ...args] = (api.healthcheck as Json).test as string[];
    expect([kind, program]).toEqual(['CMD', 'node']);
    const exitFor = async (status: number): Promise<number | null> => {
      // Health's body says "ok" either way: only the status code may decide.
      const server = createServer((_req, res) => res.writeHead(status).end('{"status":"ok"}'));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const port = (server.address() as AddressInfo).port;
      const local = args.map((a) => a.replace(`127.0.0.1:${(api.environment as Json).PORT}`, `127.0.0.1:${port}`));
      try {
        return await new Promise((resolve) => spawn(process.execPath, local, { stdio: 'ignore' }).on('close', resolve));
      } finally {
        server.closeAllConnections();
        server.close();
      }
    };
    expect(await exitFor(200)).toBe(0);
    expect(await exitFor(503)).toBe(1);
  });

  it('should point every Shakedown container at the compose database with the same credentials', () => {
    const dbEnv = services.db!.environment as Record<string, string>;
    for (const [, s] of shakedownServices) {
      const url = new URL(interpolate(String((s.environment as Json).DATABASE_URL), env));
      expect(url.hostname).toBe('db');
      expect(url.username).toBe(dbEnv.POSTGRES_USER);
      expect(url.pathname).toBe(`/${dbEnv.POSTGRES_DB}`);
      expect(url.password).toBe(interpolate(dbEnv.POSTGRES_PASSWORD!, env));
    }
  });

  it('should scale workers with replicas and give them time to hand back cases on SIGTERM', () => {
    const worker = services.worker!;
    const replicas = Number(interpolate(String((worker.deploy as Json).replicas), env));
    expect(Number.isInteger(replicas) && replicas >= 1).toBe(true);
    expect(worker.stop_signal).toBe('SIGTERM');
    // The worker waits 30 s for running cases, then aborts and cleans up the rest.
    expect(durationSeconds(String(worker.stop_grace_period))).toBeGreaterThan(30);
  });

  it('should share one data volume (artifacts) and mount keys and inventories read-only', () => {
    const declared = Object.keys(compose.volumes as Json);
    for (const [name, s] of shakedownServices) {
      const volumes = (s.volumes as string[]).map((v) => interpolate(v, env));
      expect([name, volumes]).toEqual([
        name,
        ['shakedown-data:/var/lib/shakedown', './ssh:/etc/shakedown/ssh:ro', './inventory:/etc/shakedown/inventory:ro'],
      ]);
      expect((s.environment as Json).SHAKEDOWN_DATA_DIR).toBe('/var/lib/shakedown');
    }
    for (const s of Object.values(services)) {
      for (const v of (s.volumes as string[] | undefined) ?? []) {
        const source = v.split(':')[0]!;
        if (!/^[.$/]/.test(source)) expect(declared).toContain(source);
      }
    }
  });

  it('should read secrets from an env file kept out of git', () => {
    // The short form: Docker Compose and podman-compose both read it (and both stop when it is missing).
    for (const [, s] of shakedownServices) expect(s.env_file).toEqual(['shakedown.env']);
    const ignored = readFileSync(join(DOCKER, '.gitignore'), 'utf8').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['.env', 'shakedown.env', 'ssh/', 'inventory/']));
    expect(envFile('shakedown.env.example').has('SHAKEDOWN_ADMIN_TOKEN')).toBe(true);
  });

  it('should define in .env.example every variable the compose files use', () => {
    for (const file of ['compose.yaml', 'compose.simlab.yaml']) {
      for (const name of interpolationsIn(readFileSync(join(DOCKER, file), 'utf8'))) {
        expect([file, name, env.has(name)]).toEqual([file, name, true]);
      }
    }
  });
});

describe('docker/compose.simlab.yaml', () => {
  const override = loadYaml('compose.simlab.yaml');
  const env = envFile('.env.example');
  const services = override.services as Record<string, Json>;

  it('should add a simulated lab that the workers reach on its loopback addresses', () => {
    expect(resolveCommand(buildProgram(), services.lab!.command as string[])).toBe('lab up');
    const labName = interpolate(String(services.lab!.container_name), env);
    expect(interpolate(String(services.worker!.network_mode), env)).toBe(`container:${labName}`);
    expect(services.worker!.depends_on).toEqual({ lab: { condition: 'service_started' } });
    // The inventory the lab prints names a key under its data folder: workers see the same volume.
    expect(services.lab!.volumes).toEqual(['shakedown-data:/var/lib/shakedown']);
  });
});

describe('docker/Dockerfile', () => {
  const text = readFileSync(join(DOCKER, 'Dockerfile'), 'utf8');
  const instructions = parseDockerfile(text);
  const stages = instructions.filter((i) => i.keyword === 'FROM');
  const finalStart = instructions.indexOf(stages[stages.length - 1]!);
  const final = instructions.slice(finalStart);
  const ignored = readFileSync(join(DOCKER, 'Dockerfile.dockerignore'), 'utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('#'));

  it('should build on Node 20 and Debian bookworm-slim in two stages', () => {
    const arg = instructions.find((i) => i.keyword === 'ARG' && i.args.startsWith('NODE_IMAGE='));
    expect(arg?.args).toBe('NODE_IMAGE=node:20-bookworm-slim');
    expect(stages.map((s) => s.args)).toEqual(['${NODE_IMAGE} AS build', '${NODE_IMAGE} AS runtime']);
  });

  it('should copy only files that exist in the repository and that the build context keeps', () => {
    const copies = instructions.filter((i) => (i.keyword === 'COPY' || i.keyword === 'ADD') && !/--from=/.test(i.args));
    expect(copies.length).toBeGreaterThan(0);
    for (const copy of copies) {
      expect([copy.line, copy.keyword]).toEqual([copy.line, 'COPY']);
      const words = copy.args.split(/\s+/).filter((w) => !w.startsWith('--'));
      for (const source of words.slice(0, -1)) {
        expect([copy.line, source, existsSync(join(ROOT, source))]).toEqual([copy.line, source, true]);
        const top = source.split('/')[0]!;
        expect([copy.line, source, ignored.includes(top) || ignored.includes(`**/${top}`)]).toEqual([
          copy.line,
          source,
          false,
        ]);
      }
    }
    for (const dir of ['node_modules', 'dist', '.shakedown', '.git']) {
      expect(ignored.some((p) => p === dir || p === `**/${dir}`)).toBe(true);
    }
  });

  it('should copy build outputs only from the build stage paths it creates', () => {
    const fromBuild = final.filter((i) => i.keyword === 'COPY' && i.args.startsWith('--from=build'));
    const sources = fromBuild.flatMap((i) => i.args.split(/\s+/).slice(1, -1));
    expect(sources.sort()).toEqual(['/app/dist', '/app/node_modules', '/app/package-lock.json', '/app/package.json']);
    const buildRuns = instructions
      .slice(0, finalStart)
      .filter((i) => i.keyword === 'RUN')
      .map((i) => i.args)
      .join('\n');
    expect(buildRuns).toContain('npm ci');
    expect(buildRuns).toContain('npm run build');
    expect(buildRuns).toContain('npm prune --omit=dev');
  });

  it('should run as a non-root user with shakedown as the exec-form entrypoint', () => {
    const user = final.filter((i) => i.keyword === 'USER').pop();
    expect(user?.args).toMatch(/^shakedown(:shakedown)?$/);
    const entry = final.filter((i) => i.keyword === 'ENTRYPOINT');
    const cmd = final.filter((i) => i.keyword === 'CMD');
    expect([entry.length, cmd.length]).toEqual([1, 1]);
    const entryArgs = JSON.parse(entry[0]!.args) as string[];
    const cmdArgs = JSON.parse(cmd[0]!.args) as string[];
    expect(entryArgs[entryArgs.length - 1]).toBe('shakedown');
    expect(resolveCommand(buildProgram(), cmdArgs)).toBe('serve');
    expect(final.indexOf(user!)).toBeLessThan(final.indexOf(entry[0]!));
    // The command the entrypoint names is the repository's launcher, which must stay executable.
    expect(() => accessSync(join(ROOT, 'bin', 'shakedown.js'), constants.X_OK)).not.toThrow();
  });

  it('should install the SSH client and an init that forwards SIGTERM in the runtime image', () => {
    const runs = final
      .filter((i) => i.keyword === 'RUN')
      .map((i) => i.args)
      .join('\n');
    expect(runs).toMatch(/apt-get install -y --no-install-recommends[^\n]*\bopenssh-client\b/);
    expect(runs).toMatch(/\btini\b/);
    expect(runs).toContain('rm -rf /var/lib/apt/lists/*');
    expect(JSON.parse(final.find((i) => i.keyword === 'ENTRYPOINT')!.args)[0]).toBe('/usr/bin/tini');
  });

  it('should set the settings the image relies on to names the configuration schema knows', () => {
    const envs = final
      .filter((i) => i.keyword === 'ENV')
      .flatMap((i) => [...i.args.matchAll(/([A-Z_][A-Z0-9_]*)=/g)].map((m) => m[1]!));
    expect(envs).toEqual(expect.arrayContaining(['SHAKEDOWN_DATA_DIR', 'HOST', 'PORT']));
    for (const name of envs.filter((n) => n !== 'NODE_ENV')) expect([name, name in configFields]).toEqual([name, true]);
  });
});

describe('docker/README.md', () => {
  it('should use only shakedown commands that exist in its examples', () => {
    const text = readFileSync(join(DOCKER, 'README.md'), 'utf8');
    const program = buildProgram();
    const uses = [
      ...text.matchAll(/docker compose(?: -f \S+)* run --rm(?: -v \S+)* (?:api|worker) ([a-z][a-z -]*)/g),
    ].map((m) => m[1]!.trim().split(/\s+/));
    expect(uses.length).toBeGreaterThan(0);
    for (const args of uses) expect(() => resolveCommand(program, args)).not.toThrow();
    // It says how the stack was really built and run (docker/test.sh, in CI), not that it never was.
    expect(text).toMatch(/docker\/test\.sh/);
    expect(text).not.toMatch(/never (been )?(built|run)|not run here/i);
  });
});
