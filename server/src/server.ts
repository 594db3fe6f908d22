// The XenScope language server: wires the LSP connection to the feature modules.
// Started by the client over IPC, or by hand with --stdio (the LSP tests do that).
import {
  createConnection,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { hoverAt } from './hover';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);

connection.onInitialize((): InitializeResult => ({
  capabilities: {
    textDocumentSync: TextDocumentSyncKind.Incremental,
    hoverProvider: true,
  },
  serverInfo: { name: 'xenscope', version: '0.1.0' },
}));

connection.onHover((params) => {
  const document = documents.get(params.textDocument.uri);
  if (!document) return null;
  const line = document.getText({
    start: { line: params.position.line, character: 0 },
    end: { line: params.position.line + 1, character: 0 },
  });
  return hoverAt(line.replace(/\r?\n$/, ''), params.position);
});

documents.listen(connection);
connection.listen();
