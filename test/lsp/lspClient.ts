// A real LSP client for protocol tests: spawns the bundled dist/server.js --stdio and speaks
// JSON-RPC to it through vscode-languageserver-protocol, as an editor would.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  IPCMessageReader,
  IPCMessageWriter,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  type ProtocolConnection,
} from 'vscode-languageserver-protocol/node';

import { SERVER_EXEC_ARGV } from '../../server/src/protocol/lsp';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const SERVER_JS = path.join(REPO_ROOT, 'dist', 'server.js');

export interface LspSession {
  connection: ProtocolConnection;
  server: ChildProcessWithoutNullStreams;
  stderr: () => string;
  open(uri: string, languageId: string, text: string): Promise<void>;
  close(): Promise<number | null>;
}

/**
 * Starts the bundled server with the client's Node flags. `stdio` is the transport the extension
 * (`TransportKind.stdio`) and other editors use; `ipc` is Node's IPC channel (`--node-ipc`).
 */
export async function startServer(initializationOptions: unknown = {}, transport: 'stdio' | 'ipc' = 'stdio'): Promise<LspSession> {
  const ipc = transport === 'ipc';
  const server = spawn(process.execPath, [...SERVER_EXEC_ARGV, SERVER_JS, ipc ? '--node-ipc' : '--stdio'], {
    stdio: ipc ? ['pipe', 'pipe', 'pipe', 'ipc'] : 'pipe',
  }) as ChildProcessWithoutNullStreams;
  let stderr = '';
  server.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const connection = ipc
    ? createProtocolConnection(new IPCMessageReader(server), new IPCMessageWriter(server))
    : createProtocolConnection(new StreamMessageReader(server.stdout), new StreamMessageWriter(server.stdin));
  connection.listen();
  await connection.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri: pathToFileURL(REPO_ROOT).toString(),
    capabilities: {},
    initializationOptions,
  });
  await connection.sendNotification(InitializedNotification.type, {});
  return {
    connection,
    server,
    stderr: () => stderr,
    open: (uri, languageId, text) =>
      connection.sendNotification(DidOpenTextDocumentNotification.type, {
        textDocument: { uri, languageId, version: 1, text },
      }),
    async close() {
      const exited = new Promise<number | null>((resolve) => server.once('exit', (code) => resolve(code)));
      await connection.sendRequest(ShutdownRequest.type);
      await connection.sendNotification(ExitNotification.type);
      const code = await exited;
      connection.dispose();
      return code;
    },
  };
}
