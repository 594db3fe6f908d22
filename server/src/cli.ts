#!/usr/bin/env node
// `xenscope`: the command line over the same core as the language server.
import { isMainThread } from 'node:worker_threads';
import type { CliCommand, CliIo } from './cli/command';
import { UsageError } from './cli/command';
import { traceCommand } from './cli/trace';
import { oopsCommand } from './cli/oops';

// Each subcommand lives in server/src/cli/<name>.ts and is registered here.
const COMMANDS: Record<string, CliCommand> = { trace: traceCommand, oops: oopsCommand };

const VERSION = '0.1.0';

function help(): string {
  const rows = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(8)} ${c.summary}`);
  return [
    'usage: xenscope <command> [options]',
    '',
    'commands:',
    ...rows,
    '',
    'xenscope <command> --help shows the options of a command.',
  ].join('\n');
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(help() + '\n');
    return name === undefined ? 2 : 0;
  }
  if (name === '--version') {
    io.stdout(`xenscope ${VERSION}\n`);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr(`xenscope: unknown command '${name}'\n\n${help()}\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(command.usage + '\n');
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`xenscope ${name}: ${err.message}\n\n${command.usage}\n`);
      return 2;
    }
    io.stderr(`xenscope ${name}: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

// A worker thread also loads this file as its main module (parallelDump.ts): only the main thread runs the CLI.
if (require.main === module && isMainThread) {
  const io: CliIo = {
    stdout: (t) => process.stdout.write(t),
    stdoutBytes: (b, written) => process.stdout.write(b, written && (() => written())),
    stderr: (t) => process.stderr.write(t),
    stderrIsTerminal: process.stderr.isTTY === true,
  };
  // EPIPE (e.g. `xenscope trace dump … | head`) is a normal way for a reader to stop.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`xenscope: internal error: ${String(err)}\n`);
      process.exitCode = 70;
    },
  );
}
