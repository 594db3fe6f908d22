// XenScope's own LSP messages and settings, declared once and imported by client and server
// (like rust-analyzer's lsp_ext.ts). Standard LSP features need nothing here.
import { NotificationType, RequestType } from 'vscode-languageserver-protocol';

/**
 * Node flags the client starts the server with: `--expose-gc` lets the server free a big
 * document's JSON message before parsing it (server/src/memory.ts; without it, the peak of a
 * 100 MB open was 6.6–9.9× the log, depending on which request asked for the parse first).
 * Benches and tests start the server alike. (`--optimize-for-size` lowered the peak too, but
 * parsed 30% slower.)
 */
export const SERVER_EXEC_ARGV = ['--expose-gc'];

/** Effective `xenscope.*` settings as the client resolved them (restricted ones honour trust). */
export interface XenScopeSettings {
  symbols: {
    /** System.map, kallsyms, nm output or Xen .map files. */
    maps: string[];
    vmlinux: string[];
    modulesDir: string[];
    xenSyms: string[];
  };
  sourceRoots: string[];
  /** Build-path prefix → local path, e.g. `debian/build/build_amd64_none_amd64/` → `~/src/linux/`. */
  pathMap: Record<string, string>;
  symbolizer: { path: string };
  inlayHints: { enabled: boolean };
  /** Search the workspace for System.map*, kallsyms*, *.map, vmlinux*, xen-syms*. */
  discoverSymbols: boolean;
}

export const DEFAULT_SETTINGS: XenScopeSettings = {
  symbols: { maps: [], vmlinux: [], modulesDir: [], xenSyms: [] },
  sourceRoots: [],
  pathMap: {},
  symbolizer: { path: '' },
  inlayHints: { enabled: true },
  discoverSymbols: true,
};

/**
 * Sent as `initializationOptions` and again on every change. When `trusted` is false the server
 * starts no symbolizer process, and the client has already dropped workspace-level values of
 * the restricted settings (package.json `capabilities.untrustedWorkspaces`).
 */
export interface ServerConfiguration {
  trusted: boolean;
  settings: XenScopeSettings;
  /** Workspace folders as file-system paths, for symbol table discovery. */
  workspaceFolders: string[];
}

export const ConfigurationNotification = new NotificationType<ServerConfiguration>('xenscope/configuration');

/** One symbol source in use, for the status bar. */
export interface SymbolSourceStatus {
  path: string;
  kind: 'map' | 'kallsyms' | 'nm' | 'xen-map' | 'vmlinux' | 'xen-syms' | 'module';
  symbols: number;
  /** Why it was chosen: `setting`, `workspace`, `picked`, or the version it matched. */
  origin: string;
  /** Set when it could not be loaded. */
  error?: string;
}

export interface StatusParams {
  /** The document the status is about (the active editor's). */
  uri: string;
  sources: SymbolSourceStatus[];
  /** e.g. `Linux 6.1.0-56-amd64` or `Xen 4.17.7`, when the log says. */
  version?: string;
  /** Frames checked against the table, and how many disagreed. */
  checked: number;
  mismatched: number;
}

export const StatusNotification = new NotificationType<StatusParams>('xenscope/status');
export const StatusRequest = new RequestType<{ uri: string }, StatusParams, void>('xenscope/status');

/** Loads a symbol table or binary picked by the user; it is used for every open log. */
export const LoadSymbolsRequest = new RequestType<{ path: string }, SymbolSourceStatus, void>('xenscope/loadSymbols');

/**
 * Logs too large for VS Code to hand to extensions (over 50 MB it keeps them from the extension
 * host, so no didOpen ever arrives): the client asks the server to read the file from disk and
 * publish its problems; `open: false` when the editor closes, to clear them.
 */
export interface DiskLogParams {
  uri: string;
  open: boolean;
}
/** One report of a log read from disk: enough to list it and to open its lines as a document. */
export interface DiskReport {
  /** 0-based first and last line. */
  line: number;
  endLine: number;
  title: string;
  cpu?: number;
}
export interface DiskLogResult {
  reports: number;
  /** The reports, when the file was read (the client lists them and opens one on request). */
  list?: DiskReport[];
  /** Why the file could not be analysed (unreadable, too large for a string, …). */
  error?: string;
}
/** URI scheme of the documents that show one report of a log read from disk. */
export const REPORT_SCHEME = 'xenscope-report';
export const DiskLogRequest = new RequestType<DiskLogParams, DiskLogResult, void>('xenscope/diskLog');
/** VS Code 1.100's limit (TextModel._MODEL_SYNC_LIMIT): larger documents never reach extensions. */
export const EDITOR_SYNC_LIMIT_BYTES = 50 * 1024 * 1024;

/** Arguments of the client command that shows the reports sharing a stack (from a code lens). */
export interface ShowReportsArgs {
  uri: string;
  line: number;
  lines: number[];
}
export const SHOW_REPORTS_COMMAND = 'xenscope.showReportsWithSameStack';
