// The XenScope extension: starts the language server and stays a thin relay over it.
import * as vscode from 'vscode';
import {
  LanguageClient,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { ConfigurationNotification, REPORT_SCHEME, SERVER_EXEC_ARGV } from '../../server/src/protocol/lsp';
import { registerBigLogs } from './bigLogs';
import { registerCommands } from './commands';
import { serverConfiguration } from './configuration';
import { registerLanguageDetection } from './languageDetection';
import { registerStatusBar } from './statusBar';
import { registerTraceEditor } from './traceEditor/register';

export const LANGUAGES = ['kernel-log', 'xentrace'] as const;

let client: LanguageClient | undefined;

/** What the extension exposes to other extensions and to its own integration tests. */
export interface XenScopeApi {
  /** Resolves once the language server has answered `initialize`. */
  ready(): Promise<void>;
}

export async function activate(context: vscode.ExtensionContext): Promise<XenScopeApi> {
  const outputChannel = vscode.window.createOutputChannel('XenScope', { log: true });
  const serverModule = context.asAbsolutePath('dist/server.js');
  // stdio, not Node IPC: the server reads stdio messages itself and keeps a big document's text
  // as bytes (server/src/transport/streamReader.ts); Node's IPC channel would decode it whole.
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.stdio, options: { execArgv: SERVER_EXEC_ARGV } },
    debug: { module: serverModule, transport: TransportKind.stdio, options: { execArgv: [...SERVER_EXEC_ARGV, '--nolazy', '--inspect=6009'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      ...LANGUAGES.flatMap((language) => [
        { scheme: 'file', language },
        { scheme: 'untitled', language },
      ]),
      { scheme: REPORT_SCHEME, language: 'kernel-log' },
    ],
    outputChannel,
    // Read when the server starts, which may be long after activation.
    initializationOptions: () => serverConfiguration(),
    // The default error handler restarts a crashed server up to 4 times in 3 minutes.
  };
  // The id 'xenscope' makes the client read the `xenscope.trace.server` setting.
  client = new LanguageClient('xenscope', 'XenScope', serverOptions, clientOptions);

  const languageClient = client;
  // The server starts when something needs it: XenScope activates in every window once VS Code
  // has started (to notice logs over 50 MB), and most windows never show a log.
  let starting: Promise<void> | undefined;
  const ensureStarted = () => (starting ??= languageClient.start());
  const needsServer = (document: vscode.TextDocument) => {
    if ((LANGUAGES as readonly string[]).includes(document.languageId)) void ensureStarted();
  };

  context.subscriptions.push(
    outputChannel,
    vscode.commands.registerCommand('xenscope.restartServer', async () => {
      if (starting) await languageClient.restart();
      else await ensureStarted();
    }),
    vscode.commands.registerCommand('xenscope.showOutput', () => outputChannel.show(true)),
    vscode.workspace.onDidOpenTextDocument(needsServer),
  );
  vscode.workspace.textDocuments.forEach(needsServer);

  const pushConfiguration = () =>
    void starting?.then(() => languageClient.sendNotification(ConfigurationNotification, serverConfiguration())).catch((e: unknown) => languageClient.error('configuration', e));
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('xenscope')) pushConfiguration();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(pushConfiguration),
    vscode.workspace.onDidChangeWorkspaceFolders(pushConfiguration),
  );
  registerCommands(context, languageClient, ensureStarted);
  registerStatusBar(context, languageClient, ensureStarted);
  registerLanguageDetection(context);
  registerTraceEditor(context, languageClient, ensureStarted);
  registerBigLogs(context, languageClient, ensureStarted);
  return { ready: ensureStarted };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
