// The XenScope language server: wires the LSP connection to the feature modules, which map
// requests onto the pure core. Started with --stdio (the extension, other editors, the LSP
// tests); --node-ipc works too.
import {
  createConnection,
  ProposedFeatures,
  StreamMessageWriter,
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
  type InitializeResult,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { openDocuments } from './bigDocuments';
import { CompactStreamReader } from './transport/streamReader';
import { DocumentAnalyses, firstLook, isKernelLog, isTraceText, lineText, type KernelLogAnalysis } from './documents';
import { traceTextDiagnostics, traceTextHover, traceTextInlayHints, traceTextSymbols, type TraceTextAnalysis } from './features/traceText';
import { kernelLogCodeLenses } from './features/codeLens';
import { kernelLogSymbols } from './features/documentSymbols';
import { kernelLogFolding } from './features/folding';
import { kernelLogHover } from './features/hover';
import { kernelLogInlayHints } from './features/inlayHints';
import { sameStackReports } from './features/references';
import { SourceResolver } from './features/sourceLocations';
import { workspaceSymbols } from './features/workspaceSymbols';
import { findFrameAt } from './core/oops';
import {
  ConfigurationNotification,
  DEFAULT_SETTINGS,
  LoadSymbolsRequest,
  StatusNotification,
  StatusRequest,
  type ServerConfiguration,
  type StatusParams,
} from './protocol/lsp';
import { SymbolSources, type TableChoice } from './workspace/symbolSources';
import { pathToFileURL } from 'node:url';
import { registerTraceViewer } from './traceViewer/register';
import { registerDiskLogs } from './features/diskLogs';
import { publishKernelLogProblems } from './features/publishProblems';

const DIAGNOSTICS_DELAY_MS = 200;

export function startServer(connection: Connection): void {
  const documents = new TextDocuments(openDocuments);
  const analyses = new DocumentAnalyses();
  let config: ServerConfiguration = { trusted: false, settings: DEFAULT_SETTINGS, workspaceFolders: [] };
  const symbols = new SymbolSources(config);
  const sources = new SourceResolver(config);
  const pending = new Map<string, NodeJS.Timeout>();

  const lineLength = (doc: TextDocument) => (line: number) => lineText(doc, line).length;

  function kernelLog(uri: string): { doc: TextDocument; analysis: KernelLogAnalysis } | undefined {
    const doc = documents.get(uri);
    if (doc?.languageId !== 'kernel-log') return undefined; // look before parsing: a parse can take seconds
    const analysis = analyses.get(doc);
    return isKernelLog(analysis) ? { doc, analysis } : undefined;
  }

  function traceText(uri: string): { doc: TextDocument; analysis: TraceTextAnalysis } | undefined {
    const doc = documents.get(uri);
    if (doc?.languageId !== 'xentrace') return undefined;
    const analysis = analyses.get(doc);
    return isTraceText(analysis) ? { doc, analysis } : undefined;
  }

  function tablesFor(analysis: KernelLogAnalysis): Promise<TableChoice> {
    const version = analysis.log.reports.find((r) => r.version)?.version;
    return symbols.choose(analysis.log, analysis.log.frames, version);
  }

  async function status(uri: string): Promise<StatusParams> {
    const all = await symbols.sources();
    const entry = kernelLog(uri);
    if (!entry) return { uri, sources: all.map((s) => s.status), checked: 0, mismatched: 0 };
    const choice = await tablesFor(entry.analysis);
    const inUse = [choice.kernel, choice.xen, choice.kernelElf, choice.xenElf].filter((s, k, a) => s && a.indexOf(s) === k);
    const failed = all.filter((s) => s.status.error);
    const checks = [choice.kernelCheck, choice.xenCheck].filter((c) => c !== undefined);
    return {
      uri,
      sources: [...inUse.map((s) => s!.status), ...failed.map((s) => s.status)],
      version: entry.analysis.log.reports.find((r) => r.version)?.version,
      checked: checks.reduce((n, c) => n + c.checked, 0),
      mismatched: checks.reduce((n, c) => n + c.mismatched.length + c.missing.length, 0),
    };
  }

  async function publishDiagnostics(uri: string): Promise<void> {
    const trace = traceText(uri);
    if (trace) {
      await connection.sendDiagnostics({ uri, version: trace.doc.version, diagnostics: traceTextDiagnostics(trace.analysis, lineLength(trace.doc)) });
      return;
    }
    const doc = documents.get(uri);
    if (doc?.languageId !== 'kernel-log') {
      await connection.sendDiagnostics({ uri, diagnostics: [] });
      return;
    }
    const version = doc.version;
    const current = () => documents.get(uri)?.version === version; // edited meanwhile: a newer run follows
    const analysis = await publishKernelLogProblems(connection, {
      uri,
      version,
      // Already analysed: its problems come at once anyway.
      firstLook: () => (analyses.peek(doc) ? undefined : firstLook(doc)),
      analyse: () => kernelLog(uri)!.analysis,
      current,
      tablesFor,
    });
    if (analysis && current()) await connection.sendNotification(StatusNotification, await status(uri));
  }

  function scheduleDiagnostics(uri: string, delay: number): void {
    clearTimeout(pending.get(uri));
    pending.set(
      uri,
      setTimeout(() => {
        pending.delete(uri);
        publishDiagnostics(uri).catch((e: unknown) => connection.console.error(`diagnostics for ${uri}: ${String(e)}`));
      }, delay),
    );
  }

  function reconfigure(next: ServerConfiguration): void {
    config = { ...next, settings: { ...DEFAULT_SETTINGS, ...next.settings } };
    symbols.configure(config);
    sources.configure(config);
    for (const doc of documents.all()) scheduleDiagnostics(doc.uri, 0);
  }

  connection.onInitialize((params): InitializeResult => {
    const options = params.initializationOptions as Partial<ServerConfiguration> | undefined;
    const folders = (params.workspaceFolders ?? []).map((f) => new URL(f.uri)).filter((u) => u.protocol === 'file:').map((u) => decodeURIComponent(u.pathname));
    reconfigure({
      trusted: options?.trusted ?? false,
      settings: options?.settings ?? DEFAULT_SETTINGS,
      workspaceFolders: options?.workspaceFolders ?? folders,
    });
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        hoverProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        documentSymbolProvider: { label: 'XenScope' },
        workspaceSymbolProvider: true,
        foldingRangeProvider: true,
        codeLensProvider: { resolveProvider: false },
        inlayHintProvider: true,
      },
      serverInfo: { name: 'xenscope', version: '0.1.0' },
    };
  });

  connection.onNotification(ConfigurationNotification, reconfigure);

  // didOpen fires onDidOpen then onDidChangeContent: only edits wait for typing to pause.
  const justOpened = new Map<string, number>();
  documents.onDidOpen((e) => {
    justOpened.set(e.document.uri, e.document.version);
    scheduleDiagnostics(e.document.uri, 0);
  });
  documents.onDidChangeContent((e) => {
    const opened = justOpened.get(e.document.uri) === e.document.version;
    justOpened.delete(e.document.uri);
    if (!opened) scheduleDiagnostics(e.document.uri, DIAGNOSTICS_DELAY_MS);
  });
  documents.onDidClose((e) => {
    clearTimeout(pending.get(e.document.uri));
    analyses.forget(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  connection.onHover(async (params) => {
    const doc = documents.get(params.textDocument.uri);
    if (doc?.languageId === 'xentrace') return traceTextHover(lineText(doc, params.position.line), params.position.line);
    const entry = kernelLog(params.textDocument.uri);
    if (!entry) return null;
    return kernelLogHover({
      analysis: entry.analysis,
      position: params.position,
      lineText: lineText(entry.doc, params.position.line),
      tables: () => tablesFor(entry.analysis),
      source: (frame, choice) => sources.locate(frame, choice),
    });
  });

  connection.onDefinition(async (params) => {
    const entry = kernelLog(params.textDocument.uri);
    if (!entry) return null;
    const hit = findFrameAt(entry.analysis.log, params.position.line, params.position.character);
    if (!hit) return null;
    const location = await sources.definition(hit.frame, await tablesFor(entry.analysis));
    if (!location) return null;
    const line = Math.max(0, location.line - 1);
    return { uri: pathToFileURL(location.file).toString(), range: { start: { line, character: 0 }, end: { line, character: 0 } } };
  });

  connection.onReferences((params) => {
    const entry = kernelLog(params.textDocument.uri);
    return entry ? sameStackReports(entry.analysis, params.textDocument.uri, params.position.line) : null;
  });

  connection.onDocumentSymbol((params) => {
    const trace = traceText(params.textDocument.uri);
    if (trace) return traceTextSymbols(trace.analysis, lineLength(trace.doc));
    const entry = kernelLog(params.textDocument.uri);
    return entry ? kernelLogSymbols(entry.analysis, lineLength(entry.doc)) : [];
  });

  connection.onFoldingRanges((params) => {
    const entry = kernelLog(params.textDocument.uri);
    return entry ? kernelLogFolding(entry.analysis) : [];
  });

  connection.onCodeLens((params) => {
    const entry = kernelLog(params.textDocument.uri);
    return entry ? kernelLogCodeLenses(entry.analysis, params.textDocument.uri) : [];
  });

  connection.languages.inlayHint.on((params) => {
    if (!config.settings.inlayHints.enabled) return [];
    const doc = documents.get(params.textDocument.uri);
    if (doc?.languageId === 'xentrace') {
      return traceTextInlayHints((line) => lineText(doc, line), params.range.start.line, Math.min(params.range.end.line, doc.lineCount - 1));
    }
    const entry = kernelLog(params.textDocument.uri);
    return entry ? kernelLogInlayHints(entry.analysis, params.range) : [];
  });

  connection.onWorkspaceSymbol(async (params) => {
    const logs: [string, KernelLogAnalysis][] = [];
    for (const doc of documents.all()) {
      const a = analyses.get(doc);
      if (isKernelLog(a)) logs.push([doc.uri, a]);
    }
    return workspaceSymbols(params.query, await symbols.sources(), logs, (file, name) => sources.tableLine(file, name));
  });

  connection.onRequest(StatusRequest, (params) => status(params.uri));
  registerDiskLogs(connection, tablesFor);

  connection.onRequest(LoadSymbolsRequest, async (params) => {
    const loaded = await symbols.pick(params.path);
    for (const doc of documents.all()) scheduleDiagnostics(doc.uri, 0);
    return loaded;
  });

  connection.onShutdown(() => sources.dispose());
  registerTraceViewer(connection);
  documents.listen(connection);
  connection.listen();
}

/**
 * The connection the command line asks for. With --stdio the server reads messages itself
 * (transport/streamReader.ts keeps a big document's text as bytes); it then does what
 * vscode-languageserver does for its own stdio: exits when the editor closes the stream, and
 * keeps console output off stdout, which carries the protocol.
 */
function connectionFromArgs(): Connection {
  if (!process.argv.includes('--stdio')) return createConnection(ProposedFeatures.all);
  const connection = createConnection(ProposedFeatures.all, new CompactStreamReader(process.stdin), new StreamMessageWriter(process.stdout));
  const exit = () => process.exit(0);
  process.stdin.on('end', exit);
  process.stdin.on('close', exit);
  for (const level of ['log', 'info', 'debug'] as const) console[level] = console.error.bind(console);
  return connection;
}

if (require.main === module) startServer(connectionFromArgs());
