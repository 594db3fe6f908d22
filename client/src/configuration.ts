// The settings the server works with, resolved here because only the client knows workspace
// trust: in an untrusted workspace the restricted settings keep their user-level values only,
// so no path that a workspace's settings name is ever read.
import * as vscode from 'vscode';
import { DEFAULT_SETTINGS, type ServerConfiguration, type XenScopeSettings } from '../../server/src/protocol/lsp';

/** Keys listed under `capabilities.untrustedWorkspaces.restrictedConfigurations`. */
const RESTRICTED = new Set([
  'symbols.maps',
  'symbols.vmlinux',
  'symbols.modulesDir',
  'symbols.xenSyms',
  'sourceRoots',
  'pathMap',
  'symbolizer.path',
]);

function read<T>(config: vscode.WorkspaceConfiguration, key: string, fallback: T): T {
  if (vscode.workspace.isTrusted || !RESTRICTED.has(key)) return config.get<T>(key, fallback);
  return config.inspect<T>(key)?.globalValue ?? fallback;
}

function asList(value: string | string[] | undefined): string[] {
  if (value === undefined || value === '') return [];
  return Array.isArray(value) ? value.filter((v) => typeof v === 'string' && v !== '') : [value];
}

export function serverConfiguration(): ServerConfiguration {
  const c = vscode.workspace.getConfiguration('xenscope');
  const d = DEFAULT_SETTINGS;
  const settings: XenScopeSettings = {
    symbols: {
      maps: asList(read(c, 'symbols.maps', d.symbols.maps)),
      vmlinux: asList(read(c, 'symbols.vmlinux', d.symbols.vmlinux)),
      modulesDir: asList(read(c, 'symbols.modulesDir', d.symbols.modulesDir)),
      xenSyms: asList(read(c, 'symbols.xenSyms', d.symbols.xenSyms)),
    },
    sourceRoots: asList(read(c, 'sourceRoots', d.sourceRoots)),
    pathMap: read(c, 'pathMap', d.pathMap),
    symbolizer: { path: read(c, 'symbolizer.path', d.symbolizer.path) },
    inlayHints: { enabled: read(c, 'inlayHints.enabled', d.inlayHints.enabled) },
    discoverSymbols: read(c, 'symbols.discover', d.discoverSymbols),
  };
  return {
    trusted: vscode.workspace.isTrusted,
    settings,
    workspaceFolders: (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath),
  };
}
