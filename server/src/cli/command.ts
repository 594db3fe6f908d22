/** One top-level `xenscope` subcommand (`trace`, `oops`, …). */
export interface CliCommand {
  /** One line for `xenscope --help`. */
  summary: string;
  /** Full usage text for `xenscope CMD --help`. */
  usage: string;
  /** Runs with the arguments after the subcommand name; resolves to the exit code. */
  run(args: string[], io: CliIo): Promise<number>;
}

/** Where a command writes: injectable so tests can capture output without spawning. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /**
   * UTF-8 bytes for stdout, when the sink takes them (the real CLI): saves decoding them to a
   * string. `written` is called once the bytes may be reused.
   */
  stdoutBytes?: (bytes: Uint8Array, written?: () => void) => void;
  /** stderr is a terminal (the real CLI sets it): long runs then report progress unasked. */
  stderrIsTerminal?: boolean;
  /** Milliseconds clock for progress reports (tests pass their own); Date.now otherwise. */
  now?: () => number;
}

/** Thrown for bad command lines; printed as `xenscope: message` with exit code 2. */
export class UsageError extends Error {}
