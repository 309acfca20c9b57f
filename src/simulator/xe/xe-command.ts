import { XeContext } from 'src/simulator/xe/xe-context';

/** One xe command's behaviour; its parameters, help and required-parameter check come from the real table (cli-table.ts). */
export interface XeCommand {
  /** returns stdout; failures are thrown as XeApiError / XeCliError / XeUsageError */
  run: (ctx: XeContext, params: Map<string, string>, out: XeOutput) => string | Promise<string>;
}

/** For commands that print progress lines before they may still fail. */
export interface XeOutput {
  print(line: string): void;
}
