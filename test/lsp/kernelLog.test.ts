// LSP features on real logs, through the bundled server over stdio (over IPC where said). Expected values are read
// from the fixture files themselves (grep-like scans in the test), not from the server.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import {
  CodeLensRequest,
  DefinitionRequest,
  DiagnosticSeverity,
  DidChangeTextDocumentNotification,
  DocumentSymbolRequest,
  FoldingRangeRequest,
  HoverRequest,
  InlayHintRequest,
  PublishDiagnosticsNotification,
  ReferencesRequest,
  WorkspaceSymbolRequest,
  type Diagnostic,
  type DocumentSymbol,
  type Location,
  type MarkupContent,
  type SymbolInformation,
} from 'vscode-languageserver-protocol/node';
import { REPO_ROOT, startServer, type LspSession } from './lspClient';
import { DEFAULT_SETTINGS, StatusRequest, type ServerConfiguration } from '../../server/src/protocol/lsp';

const SAMPLES = path.join(REPO_ROOT, 'samples');
const LOCKUP = path.join(SAMPLES, 'xen-domU-softlockup.console');
const XEN_LOG = path.join(SAMPLES, 'xen-4.17-debugkeys.console');
const XEN_MAP = path.join(SAMPLES, 'xen-syms-4.17.7-deb12u1-amd64.map');

const config: ServerConfiguration = { trusted: true, settings: DEFAULT_SETTINGS, workspaceFolders: [SAMPLES] };

/** Collects publishDiagnostics per URI; resolves waiters when a predicate holds. */
function diagnosticsCollector(session: LspSession) {
  const latest = new Map<string, Diagnostic[]>();
  const waiters: { uri: string; ok: (d: Diagnostic[]) => boolean; resolve: (d: Diagnostic[]) => void }[] = [];
  session.connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
    latest.set(p.uri, p.diagnostics);
    for (const w of [...waiters]) {
      if (w.uri === p.uri && w.ok(p.diagnostics)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(p.diagnostics);
      }
    }
  });
  return (uri: string, ok: (d: Diagnostic[]) => boolean = () => true) =>
    new Promise<Diagnostic[]>((resolve, reject) => {
      const now = latest.get(uri);
      if (now && ok(now)) return resolve(now);
      waiters.push({ uri, ok, resolve });
      setTimeout(() => reject(new Error(`no matching diagnostics for ${uri} within 10 s`)), 10_000).unref();
    });
}

/** Frame symbol names of each soft-lockup report, read straight from the text. */
function lockupStacks(lines: string[]): { line: number; stack: string }[] {
  const out: { line: number; stack: string }[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i].startsWith('BUG: soft lockup')) continue;
    const names: string[] = [];
    for (let j = i + 1; j < lines.length && !lines[j].startsWith('BUG: '); j++) {
      const m = /\] (?!\? )([\w.]+)\+0x/.exec(lines[j]);
      if (m) names.push(m[1]);
    }
    out.push({ line: i, stack: names.join(' ') });
  }
  return out;
}

describe('kernel-log features over LSP (samples/ as the workspace)', () => {
  let session: LspSession;
  let waitDiagnostics: ReturnType<typeof diagnosticsCollector>;
  const lockupUri = pathToFileURL(LOCKUP).toString();
  const xenUri = pathToFileURL(XEN_LOG).toString();
  const lockupLines = fs.readFileSync(LOCKUP, 'utf8').split('\n');
  const xenLines = fs.readFileSync(XEN_LOG, 'utf8').split('\n');
  const mapLines = fs.readFileSync(XEN_MAP, 'utf8').split('\n');

  before(async () => {
    session = await startServer(config);
    waitDiagnostics = diagnosticsCollector(session);
    await session.open(lockupUri, 'kernel-log', lockupLines.join('\n'));
    await session.open(xenUri, 'kernel-log', xenLines.join('\n'));
  });
  after(async () => {
    assert.equal(await session.close(), 0);
  });

  it('publishes one warning per soft lockup (19 in this log)', async () => {
    const expected = lockupLines.flatMap((l, i) => (l.startsWith('BUG: soft lockup') ? [i] : []));
    assert.ok(expected.length > 10);
    const diags = (await waitDiagnostics(lockupUri)).filter((d) => d.code === 'soft-lockup');
    assert.deepEqual(diags.map((d) => d.range.start.line), expected);
    assert.ok(diags.every((d) => d.severity === DiagnosticSeverity.Warning));
  });

  it('outlines each report with its context blocks', async () => {
    const symbols = (await session.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri: lockupUri } })) as DocumentSymbol[];
    const lockups = symbols.filter((s) => s.name.startsWith('BUG: soft lockup'));
    assert.equal(lockups.length, lockupStacks(lockupLines).length);
    const first = lockups[0];
    assert.equal(first.range.start.line, 2);
    const irq = first.children?.find((c) => c.name === '<IRQ>');
    assert.ok(irq, 'the first report has an <IRQ> block');
    assert.equal(irq.range.start.line, lockupLines.findIndex((l) => l.trimStart().startsWith('<IRQ>')));
    assert.ok(irq.children?.some((c) => c.name === 'softlockup_tick'));
  });

  it('folds every report', async () => {
    const folds = await session.connection.sendRequest(FoldingRangeRequest.type, { textDocument: { uri: lockupUri } });
    for (const line of lockupStacks(lockupLines).map((s) => s.line)) {
      assert.ok(folds?.some((f) => f.startLine === line && f.endLine > line), `a fold starts at report line ${line}`);
    }
  });

  it('code lenses and references group reports with identical stacks', async () => {
    const stacks = lockupStacks(lockupLines);
    const lenses = await session.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri: lockupUri } });
    for (const { line, stack } of stacks) {
      const same = stacks.filter((s) => s.stack === stack).length - 1;
      const lens = lenses?.find((l) => l.range.start.line === line);
      assert.ok(lens?.command, `lens on line ${line}`);
      // Identical frame lists must be in one group; near-identical ones may join them.
      if (same > 0) {
        const n = Number(/same stack as (\d+)/.exec(lens.command.title)?.[1] ?? 0);
        assert.ok(n >= same, `line ${line}: "${lens.command.title}" but ${same} reports have this exact stack`);
      }
    }
    const refs = (await session.connection.sendRequest(ReferencesRequest.type, {
      textDocument: { uri: lockupUri },
      position: { line: stacks[0].line, character: 0 },
      context: { includeDeclaration: true },
    })) as Location[];
    const exact = stacks.filter((s) => s.stack === stacks[0].stack).map((s) => s.line);
    for (const line of exact) assert.ok(refs.some((r) => r.range.start.line === line), `references include line ${line}`);
  });

  it('hovers a headline with kind, CPU and stack sharing', async () => {
    const hover = await session.connection.sendRequest(HoverRequest.type, { textDocument: { uri: lockupUri }, position: { line: 2, character: 5 } });
    const value = (hover?.contents as MarkupContent).value;
    assert.match(value, /soft-lockup/);
    assert.match(value, /CPU 0/);
    assert.match(value, /Same stack as \d+ other report|No other report/);
  });

  it('shows the hypercall as an inlay hint after hypercall_page+0x…', async () => {
    const line = lockupLines.findIndex((l) => l.includes('hypercall_page+0x22a/0x1000'));
    const hints = await session.connection.sendRequest(InlayHintRequest.type, {
      textDocument: { uri: lockupUri },
      range: { start: { line, character: 0 }, end: { line, character: 0 } },
    });
    const label = hints?.map((h) => (typeof h.label === 'string' ? h.label : '')).join('');
    assert.match(label ?? '', /xen_version/); // 0x22a / 32 = 17 (public/xen.h)
    assert.equal(hints?.[0].position.character, lockupLines[line].indexOf('0x1000') + '0x1000'.length);
  });

  it('uses the Xen map for the log with (XEN) frames, not for the domU log without any', async () => {
    const domU = await session.connection.sendRequest(StatusRequest, { uri: lockupUri });
    assert.ok(!domU.sources.some((s) => s.path === XEN_MAP), 'the domU log lists no Xen map in use');
    const xen = await session.connection.sendRequest(StatusRequest, { uri: xenUri });
    assert.ok(xen.sources.some((s) => s.path === XEN_MAP), 'the (XEN) log uses the Xen map');
  });

  it('checks a (XEN) frame against the discovered Xen map', async () => {
    const line = xenLines.findIndex((l) => l.includes('default_idle+0xc6/0xf0'));
    const character = xenLines[line].indexOf('default_idle') + 3;
    const hover = await session.connection.sendRequest(HoverRequest.type, { textDocument: { uri: xenUri }, position: { line, character } });
    const value = (hover?.contents as MarkupContent).value;
    // From the map: default_idle at 0xffff82d0402f9b40, next symbol's address − this one = size.
    const at = mapLines.findIndex((l) => l.endsWith(' arch/x86/domain.c#default_idle'));
    const addr = BigInt(mapLines[at].split(' ')[0]);
    let next = at + 1;
    while (BigInt(mapLines[next].split(' ')[0]) === addr) next++;
    const size = BigInt(mapLines[next].split(' ')[0]) - addr;
    assert.equal(size, 0xf0n, 'the map agrees with the log');
    assert.match(value, new RegExp(`✓ .*xen-syms-4\\.17\\.7-deb12u1-amd64\\.map.*0x${addr.toString(16)}.*size 0xf0 → .*0x${(addr + 0xc6n).toString(16)}`));
  });

  it('goes to the symbol table line of a (XEN) frame when there is no DWARF or source', async () => {
    const line = xenLines.findIndex((l) => l.includes('idle_loop+0xc1/0x130'));
    const character = xenLines[line].indexOf('idle_loop') + 2;
    const def = (await session.connection.sendRequest(DefinitionRequest.type, { textDocument: { uri: xenUri }, position: { line, character } })) as Location;
    assert.equal(def.uri, pathToFileURL(XEN_MAP).toString());
    assert.equal(def.range.start.line, mapLines.findIndex((l) => l.endsWith(' arch/x86/domain.c#idle_loop')));
  });

  it('finds table symbols and report titles as workspace symbols', async () => {
    const found = (await session.connection.sendRequest(WorkspaceSymbolRequest.type, { query: '__start_xen' })) as SymbolInformation[];
    const hit = found.find((s) => s.name === '__start_xen');
    assert.ok(hit);
    assert.equal(hit.location.range.start.line, mapLines.findIndex((l) => l.endsWith(' T __start_xen')));
    const titles = (await session.connection.sendRequest(WorkspaceSymbolRequest.type, { query: 'soft lockup' })) as SymbolInformation[];
    assert.equal(titles.filter((s) => s.location.uri === lockupUri).length, lockupStacks(lockupLines).length);
  });
});

// Over stdio (the extension's transport and other editors') the server keeps the text of such a
// document as UTF-8 bytes (transport/streamReader.ts); over Node IPC as a string. Both must
// publish the same problems; the bytes must also answer hovers and take edits.
for (const transport of ['stdio', 'ipc'] as const) {
  describe(`kernel-log diagnostics on a log over 16 MB (${transport})`, () => {
    it('publishes the problems of the first MB first, then those of the whole log; hovers and edits work', async () => {
      const session = await startServer({ ...config, workspaceFolders: [] }, transport);
      try {
        const unit = fs.readFileSync(LOCKUP, 'utf8');
        const lockupsPerUnit = lockupStacks(unit.split('\n')).length;
        const copies = Math.ceil((17 << 20) / unit.length);
        // A first line with characters of two and four UTF-16… and three and four UTF-8 units.
        const text = '# console │ 😀 é\n' + unit.repeat(copies);
        const uri = 'untitled:big.console';
        const publications: Diagnostic[][] = [];
        const wanted = lockupsPerUnit * copies;
        let settle: () => void = () => {};
        const all = () => new Promise<void>((resolve) => (settle = resolve));
        let done = all();
        session.connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
          if (p.uri !== uri) return;
          publications.push(p.diagnostics);
          if (p.diagnostics.length === wanted) settle();
        });
        await session.open(uri, 'kernel-log', text);
        await done;
        assert.ok(publications.length >= 2, 'a first publication precedes the full one');
        const first = publications[0];
        // Expected from the text: the lockups that start in the first MB, less the last (it may run past the cut).
        const firstMb = text.slice(0, text.lastIndexOf('\n', 1 << 20) + 1).split('\n');
        assert.equal(first.length, lockupStacks(firstMb).length - 1);
        assert.ok(first.length > 0 && first.every((d) => d.range.start.line < firstMb.length));
        const lines = text.split('\n');
        const whole = publications.at(-1)!;
        assert.deepEqual(
          whole.map((d) => d.range.start.line),
          lockupStacks(lines).map((l) => l.line),
        );

        // A hover on the last frame of the log: its symbol, found by the same line as the text's.
        const frameLine = lines.findLastIndex((l) => /\] [a-z_]\w*\+0x[0-9a-f]+\/0x/.test(l));
        const symbol = /\] ([a-z_]\w*)\+0x/.exec(lines[frameLine]!)!;
        const hover = await session.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: frameLine, character: symbol.index + 3 } });
        assert.match(JSON.stringify(hover?.contents), new RegExp(symbol[1]!));

        // An edit at the top: every problem moves down a line.
        publications.length = 0;
        done = all();
        await session.connection.sendNotification(DidChangeTextDocumentNotification.type, {
          textDocument: { uri, version: 2 },
          contentChanges: [{ range: { start: { line: 0, character: 2 }, end: { line: 0, character: 2 } }, text: 'inserted\n' }],
        });
        await done;
        assert.deepEqual(publications.at(-1)!.map((d) => d.range.start.line), whole.map((d) => d.range.start.line + 1));
      } finally {
        await session.close();
      }
    });
  });
}
