// The XenScope extension: starts the language server and stays a thin relay over it.
import * as vscode from 'vscode';
import {
  LanguageClient,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { ConfigurationNotification, REPORT_SCHEME } from '../../server/src/protocol/lsp';
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
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
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
    initializationOptions: serverConfiguration(),
    // The default error handler restarts a crashed server up to 4 times in 3 minutes.
  };
  // The id 'xenscope' makes the client read the `xenscope.trace.server` setting.
  client = new LanguageClient('xenscope', 'XenScope', serverOptions, clientOptions);

  context.subscriptions.push(
    outputChannel,
    vscode.commands.registerCommand('xenscope.restartServer', async () => {
      await client?.restart();
    }),
    vscode.commands.registerCommand('xenscope.showOutput', () => outputChannel.show(true)),
  );

  const languageClient = client;
  const pushConfiguration = () => void languageClient.sendNotification(ConfigurationNotification, serverConfiguration());
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('xenscope')) pushConfiguration();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(pushConfiguration),
    vscode.workspace.onDidChangeWorkspaceFolders(pushConfiguration),
  );
  registerCommands(context, languageClient);
  registerStatusBar(context, languageClient);
  registerLanguageDetection(context);

  const started = client.start();
  registerTraceEditor(context, languageClient, () => started);
  registerBigLogs(context, languageClient, () => started);
  return { ready: () => started };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
