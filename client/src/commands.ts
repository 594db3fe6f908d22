// Commands: load a symbol table by file picker, show the reports that share a stack.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { LoadSymbolsRequest, SHOW_REPORTS_COMMAND, type ShowReportsArgs } from '../../server/src/protocol/lsp';

export function registerCommands(context: vscode.ExtensionContext, client: LanguageClient, ensureStarted: () => Promise<void>): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('xenscope.loadSymbols', async (picked?: vscode.Uri) => {
      const uri =
        picked ??
        (
          await vscode.window.showOpenDialog({
            title: 'Load a symbol table or binary',
            openLabel: 'Load symbols',
            canSelectMany: false,
            filters: { 'Symbol tables and binaries': ['map', 'gz', 'txt', '*'] },
          })
        )?.[0];
      if (!uri) return undefined;
      if (uri.scheme !== 'file') {
        void vscode.window.showErrorMessage('XenScope reads symbol tables from local files only.');
        return undefined;
      }
      await ensureStarted();
      const status = await client.sendRequest(LoadSymbolsRequest, { path: uri.fsPath });
      if (status.error) void vscode.window.showErrorMessage(`XenScope: ${status.error}`);
      else void vscode.window.showInformationMessage(`XenScope: loaded ${status.symbols} symbols from ${uri.fsPath}`);
      return status;
    }),
    vscode.commands.registerCommand(SHOW_REPORTS_COMMAND, async (args: ShowReportsArgs) => {
      const uri = vscode.Uri.parse(args.uri);
      const locations = args.lines.map((line) => new vscode.Location(uri, new vscode.Position(line, 0)));
      await vscode.commands.executeCommand('editor.action.showReferences', uri, new vscode.Position(args.line, 0), locations);
    }),
  );
}
