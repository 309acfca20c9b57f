import { CommandTable } from 'src/simulator/shell/shell-types';

/** `xe` on a simulated dom0, handed to the emulator; output and exit code pass through untouched. */
export const XE_SHELL_COMMANDS: CommandTable = {
  xe: async (io, env) => {
    if (!env.xe) {
      io.err('bash: xe: command not found\n');
      return 127;
    }
    const result = await env.xe(io.argv);
    if (result.stdout) io.out(result.stdout);
    if (result.stderr) io.err(result.stderr);
    return result.exitCode;
  },
};
