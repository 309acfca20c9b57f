import { XeContext } from 'src/simulator/xe/xe-context';

/** One xe command: its declared parameters (for "Required parameter not found") and its body. */
export interface XeCommand {
  reqd: string[];
  optn: string[];
  /** returns stdout; failures are thrown as XeApiError / XeCliError / XeUsageError */
  run: (ctx: XeContext, params: Map<string, string>, out: XeOutput) => string | Promise<string>;
}

/** For commands that print progress lines before they may still fail. */
export interface XeOutput {
  print(line: string): void;
}
