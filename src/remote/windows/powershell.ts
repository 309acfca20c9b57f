/**
 * PowerShell over Windows' OpenSSH server. Its default shell is cmd.exe, whose quoting rules differ
 * from PowerShell's and from POSIX: rather than quote for both, every script travels as
 * `-EncodedCommand` (base64 of UTF-16LE), which cmd.exe passes through untouched. Values inside a
 * script are PowerShell single-quoted literals; paths pass an allow-list first.
 */

/** cmd.exe refuses command lines over 8191 characters. */
const CMD_LINE_MAX = 8191;
const LAUNCHER = 'powershell.exe -NoLogo -NoProfile -NonInteractive -ExecutionPolicy Bypass -EncodedCommand ';
/** Every script stops on its first error (exit 1) and prints no progress records (CLIXML on stderr). */
const PRELUDE = "$ErrorActionPreference = 'Stop'; $ProgressPreference = 'SilentlyContinue'\n";

/**
 * A PowerShell single-quoted string literal: nothing inside is expanded. PowerShell also takes the
 * typographic single quotes (U+2018–U+201B) as quote characters, so those are doubled too.
 */
export function psLiteral(value: string): string {
  if (value.includes('\0')) throw new Error('a PowerShell literal cannot hold a NUL character');
  return `'${value.replace(/['\u2018\u2019\u201a\u201b]/g, (q) => q + q)}'`;
}

/** The command line that runs `script` in PowerShell from cmd.exe (OpenSSH's default shell on Windows). */
export function powershellCommand(script: string): string {
  const encoded = Buffer.from(PRELUDE + script, 'utf16le').toString('base64');
  const line = LAUNCHER + encoded;
  if (line.length > CMD_LINE_MAX) {
    throw new Error(
      `PowerShell script too long for cmd.exe once encoded (${line.length} > ${CMD_LINE_MAX} characters)`,
    );
  }
  return line;
}

/** The script inside a command line made by powershellCommand (for tests and logs). */
export function decodePowershellCommand(line: string): string {
  if (!line.startsWith(LAUNCHER)) throw new Error('not a command line made by powershellCommand');
  return Buffer.from(line.slice(LAUNCHER.length), 'base64').toString('utf16le').slice(PRELUDE.length);
}

/** A drive-absolute path of plain names: `C:\shakedown\data.bin`. No `..`, no device or UNC paths, no wildcards. */
const WINDOWS_PATH = /^[A-Za-z]:\\(?:[A-Za-z0-9_][A-Za-z0-9 _.-]{0,127}\\){0,15}[A-Za-z0-9_][A-Za-z0-9 _.-]{0,127}$/;

export function windowsPath(path: string): string {
  if (
    !WINDOWS_PATH.test(path) ||
    path.split('\\').some((part) => part === '..' || part.endsWith('.') || part.endsWith(' '))
  ) {
    throw new Error(
      `not an allowed Windows path: ${JSON.stringify(path.slice(0, 200))} (drive-absolute, plain names only)`,
    );
  }
  return path;
}
