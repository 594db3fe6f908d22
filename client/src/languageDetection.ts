// Plain .log/.txt files that are kernel or Xen logs: offer (or switch to) the kernel-log
// language, per `xenscope.detectKernelLogs` ("offer", "switch" or "off").
import * as vscode from 'vscode';
import { looksLikeKernelLog, SNIFF_BYTES } from '../../server/src/core/sniff/kernelLogSniffer';

const CANDIDATE_LANGUAGES = new Set(['plaintext', 'log']);
/** File names whose content is sniffed for a kernel or Xen log. */
export const SNIFFED_FILE_NAME = /\.(?:log|txt)$/i;
const asked = new Set<string>();

async function consider(document: vscode.TextDocument): Promise<void> {
  if (!CANDIDATE_LANGUAGES.has(document.languageId) || !SNIFFED_FILE_NAME.test(document.fileName)) return;
  const mode = vscode.workspace.getConfiguration('xenscope').get<string>('detectKernelLogs', 'offer');
  if (mode === 'off' || asked.has(document.uri.toString())) return;
  const head = document.getText(new vscode.Range(0, 0, document.positionAt(SNIFF_BYTES).line + 1, 0));
  if (!looksLikeKernelLog(head)) return;
  if (mode === 'switch') {
    await vscode.languages.setTextDocumentLanguage(document, 'kernel-log');
    return;
  }
  asked.add(document.uri.toString());
  const choice = await vscode.window.showInformationMessage(
    `${vscode.workspace.asRelativePath(document.uri)} looks like a kernel or Xen log. Open it as Kernel Log?`,
    'Open as Kernel Log',
    'Always',
    'Never',
  );
  if (choice === 'Never') await vscode.workspace.getConfiguration('xenscope').update('detectKernelLogs', 'off', vscode.ConfigurationTarget.Global);
  if (choice === 'Always') await vscode.workspace.getConfiguration('xenscope').update('detectKernelLogs', 'switch', vscode.ConfigurationTarget.Global);
  if (choice === 'Open as Kernel Log' || choice === 'Always') await vscode.languages.setTextDocumentLanguage(document, 'kernel-log');
}

export function registerLanguageDetection(context: vscode.ExtensionContext): void {
  context.subscriptions.push(vscode.workspace.onDidOpenTextDocument((d) => void consider(d)));
  for (const d of vscode.workspace.textDocuments) void consider(d);
}
