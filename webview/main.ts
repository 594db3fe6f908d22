// The trace viewer's webview: a virtual table over rows the server reads on demand, with its own
// scrollbar (Chromium caps element heights near 33 M px, so 50 M rows cannot be a native
// scroll), a detail pane, filters, jumps, statistics and a per-CPU density strip. Plain DOM;
// every string from the file goes through textContent.
import type { TimeKey, TraceDensityResult, TraceFilter, TraceIndexProgress, TraceRecordDetail, TraceRow } from '../server/src/protocol/traceViewer';
import type { FromWebview, ToWebview, ViewerMethod, ViewerRequests, ViewerState } from './protocol';

interface VsCodeApi {
  postMessage(message: FromWebview): void;
  getState(): ViewerState | undefined;
  setState(state: ViewerState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const ROW_HEIGHT = 20;
const FETCH_MARGIN = 50;

// ---- request relay ----------------------------------------------------------------------
let nextId = 1;
const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
function request<M extends ViewerMethod>(method: M, params: ViewerRequests[M][0]): Promise<ViewerRequests[M][1]> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
    vscode.postMessage({ type: 'request', id, method, params } as FromWebview);
  });
}

// ---- DOM helpers ------------------------------------------------------------------------
function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}
const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

const table = byId<HTMLDivElement>('table');
const body = byId<HTMLDivElement>('rows');
const track = byId<HTMLDivElement>('scrollbar');
const thumb = byId<HTMLDivElement>('thumb');
const status = byId<HTMLDivElement>('status');
const progressBar = byId<HTMLDivElement>('progress');
const progressFill = byId<HTMLDivElement>('progress-fill');
const problemsLine = byId<HTMLDivElement>('problems');
const detail = byId<HTMLDivElement>('detail');
const statsPanel = byId<HTMLDivElement>('stats');
const message = byId<HTMLDivElement>('message');
const density = byId<HTMLCanvasElement>('density');
const orderSelect = byId<HTMLSelectElement>('order');
const jumpInput = byId<HTMLInputElement>('jump');
const jumpKind = byId<HTMLSelectElement>('jump-kind');
const hzInput = byId<HTMLInputElement>('tsc-hz');
const filterInputs = {
  cpus: byId<HTMLInputElement>('f-cpu'),
  classes: byId<HTMLInputElement>('f-class'),
  events: byId<HTMLInputElement>('f-event'),
  doms: byId<HTMLInputElement>('f-dom'),
  vcpus: byId<HTMLInputElement>('f-vcpu'),
  text: byId<HTMLInputElement>('f-text'),
};
const onlyMatches = byId<HTMLInputElement>('only-matches');

// ---- model ------------------------------------------------------------------------------
const saved = vscode.getState();
let order: 'file' | 'time' = saved?.order ?? 'file';
let top = saved?.top ?? 0;
let selected = saved?.selected ?? -1;
/** The other end of a shift-selection (file order record numbers). */
let anchor = -1;
let total = 0;
let progress: TraceIndexProgress | undefined;
let userHz = saved?.tscHz;
let filterId: string | undefined;
let filterTotal = 0;
/** Rows by position in the current file-order or match list. */
let cache = new Map<number, TraceRow>();
/** Rows shown while their refreshed versions load (after the details pass adds domains). */
let stale = new Map<number, TraceRow>();
let fetching = new Set<number>();
/** Time order: a window of consecutive rows and the position of the top one in it. */
let timeBuf: TraceRow[] = [];
let timeTop = 0;
let timeBusy = false;
let densityRange: { from: bigint; to: bigint } | undefined;
let generation = 0;

const mode = (): 'file' | 'matches' | 'time' => (order === 'time' ? 'time' : filterId && onlyMatches.checked ? 'matches' : 'file');
const visibleRows = () => Math.max(1, Math.floor(body.clientHeight / ROW_HEIGHT));
const rowCount = () => (mode() === 'matches' ? filterTotal : total);
const tscHz = () => userHz ?? progress?.tscHz ?? undefined;

function saveState(): void {
  const state: ViewerState = { order, top, selected };
  if (userHz !== undefined) state.tscHz = userHz;
  vscode.setState(state);
}

// ---- rows -------------------------------------------------------------------------------
const COLUMNS = ['#', 'CPU', 'TSC', 'time µs', 'Δ', 'dom:vcpu', 'event', 'fields'] as const;
const rowEls: HTMLDivElement[] = [];

function ensureRowElements(): void {
  const n = visibleRows();
  while (rowEls.length < n) {
    const row = el('div', 'row');
    for (const c of COLUMNS) row.appendChild(el('span', `c c-${cssName(c)}`));
    row.addEventListener('click', (e) => onRowClick(rowEls.indexOf(row), e));
    body.appendChild(row);
    rowEls.push(row);
  }
  for (let k = 0; k < rowEls.length; k++) rowEls[k]!.style.display = k < n ? '' : 'none';
}

function cssName(c: string): string {
  return { '#': 'num', CPU: 'cpu', TSC: 'tsc', 'time µs': 'time', Δ: 'delta', 'dom:vcpu': 'dom', event: 'event', fields: 'fields' }[c] ?? 'x';
}

function rowAt(pos: number): TraceRow | undefined {
  return mode() === 'time' ? timeBuf[timeTop + pos - top] : (cache.get(pos) ?? stale.get(pos));
}

function timeText(tsc: string | null): string {
  const hz = tscHz();
  if (tsc === null || !hz || !progress?.firstTsc) return '';
  const cycles = Number(BigInt(tsc) - BigInt(progress.firstTsc));
  return ((cycles / hz) * 1e6).toFixed(3);
}

function render(): void {
  ensureRowElements();
  if (!document.body.dataset.firstRowsMs && rowAt(top) !== undefined) document.body.dataset.firstRowsMs = String(Math.round(performance.now()));
  const n = visibleRows();
  for (let k = 0; k < n; k++) {
    const pos = top + k;
    const row = rowEls[k]!;
    const r = pos < rowCount() || mode() === 'time' ? rowAt(pos) : undefined;
    const cells = row.children;
    row.classList.toggle('selected', r !== undefined && inSelection(r.i));
    row.classList.toggle('empty', r === undefined);
    row.dataset.record = r ? String(r.i) : '';
    if (!r) {
      for (let c = 0; c < cells.length; c++) cells[c]!.textContent = '';
      continue;
    }
    const prev = rowAt(pos - 1);
    const delta = r.tsc !== null && prev?.tsc ? (BigInt(r.tsc) - BigInt(prev.tsc)).toString() : '';
    cells[0]!.textContent = String(r.i);
    cells[1]!.textContent = String(r.cpu);
    cells[2]!.textContent = r.tsc === null ? '—' : r.tscInherited ? `${r.tsc}*` : r.tsc;
    cells[3]!.textContent = timeText(r.tsc);
    cells[4]!.textContent = delta;
    cells[5]!.textContent = r.dom < 0 ? '' : r.dom === 0x7fff ? `idle v${r.vcpu}` : `d${r.dom}v${r.vcpu}`;
    cells[6]!.textContent = r.name;
    cells[7]!.textContent = r.summary;
    (cells[2] as HTMLElement).title = r.tscInherited ? 'inherited from the previous record on this CPU (no TSC of its own)' : '';
  }
  renderScrollbar();
  saveState();
}

function inSelection(i: number): boolean {
  if (selected < 0) return false;
  if (anchor < 0) return i === selected;
  return i >= Math.min(anchor, selected) && i <= Math.max(anchor, selected);
}

function renderScrollbar(): void {
  const h = track.clientHeight;
  const thumbH = Math.max(24, Math.min(h, rowCount() > 0 ? (h * visibleRows()) / rowCount() : h));
  thumb.style.height = `${thumbH}px`;
  thumb.style.top = `${scrollFraction() * (h - thumbH)}px`;
}

/** Where the view is, 0…1: by row in file order, by TSC in time order. */
function scrollFraction(): number {
  if (mode() === 'time') {
    const r = timeBuf[timeTop];
    if (!r?.tsc || !progress?.firstTsc || !progress.lastTsc) return 0;
    const span = Number(BigInt(progress.lastTsc) - BigInt(progress.firstTsc));
    return span > 0 ? Math.min(1, Math.max(0, Number(BigInt(r.tsc) - BigInt(progress.firstTsc)) / span)) : 0;
  }
  const max = rowCount() - visibleRows();
  return max > 0 ? top / max : 0;
}

async function fetchVisible(): Promise<void> {
  if (mode() === 'time') return;
  const n = visibleRows();
  const from = Math.max(0, top - FETCH_MARGIN);
  const to = Math.min(rowCount(), top + n + FETCH_MARGIN);
  let start = -1;
  for (let p = from; p < to; p++) {
    if (!cache.has(p) && !fetching.has(p)) {
      start = p;
      break;
    }
  }
  if (start < 0) return;
  let end = start;
  while (end < to && !cache.has(end)) end++;
  const gen = generation;
  for (let p = start; p < end; p++) fetching.add(p);
  const filter = mode() === 'matches' ? filterId : undefined;
  try {
    const result = await request('rows', filter === undefined ? { start, count: end - start } : { start, count: end - start, filter });
    if (gen !== generation) return;
    if (cache.size > 20_000) cache = new Map([...cache].filter(([p]) => Math.abs(p - top) < 2_000));
    result.rows.forEach((r, k) => cache.set(start + k, r));
    if (mode() === 'matches') filterTotal = Math.max(filterTotal, result.total);
  } catch (err) {
    showStatus(`rows ${start}…${end - 1}: ${(err as Error).message}`);
  } finally {
    for (let p = start; p < end; p++) fetching.delete(p);
  }
  render();
  // Rows may still be missing further down (a second gap).
  if (gen === generation) void fetchVisible();
}

function scrollTo(pos: number): void {
  const max = Math.max(0, rowCount() - visibleRows());
  top = Math.max(0, Math.min(max, Math.round(pos)));
  render();
  void fetchVisible();
}

// ---- time order -------------------------------------------------------------------------
const keyOf = (r: TraceRow): TimeKey => ({ tsc: r.tsc, cpu: r.cpu, i: r.i });

async function timeLoad(params: ViewerRequests['timeRows'][0], how: 'replace' | 'append' | 'prepend'): Promise<void> {
  if (timeBusy) return;
  timeBusy = true;
  const gen = generation;
  try {
    const result = await request('timeRows', params);
    if (gen !== generation) return;
    if (how === 'replace') {
      timeBuf = result.rows;
      timeTop = 0;
    } else if (how === 'append') {
      timeBuf = timeBuf.concat(result.rows);
      if (timeBuf.length > 3000) {
        const drop = timeBuf.length - 3000;
        timeBuf = timeBuf.slice(drop);
        timeTop -= drop;
      }
    } else {
      timeBuf = result.rows.concat(timeBuf);
      timeTop += result.rows.length;
      if (timeBuf.length > 3000) timeBuf = timeBuf.slice(0, 3000);
    }
  } catch (err) {
    showStatus(`time order: ${(err as Error).message}`);
  } finally {
    timeBusy = false;
  }
  top = 0;
  render();
}

async function timeScroll(by: number): Promise<void> {
  timeTop += by;
  if (timeTop < 0) {
    const first = timeBuf[0];
    timeTop = Math.max(timeTop, -200);
    const want = -timeTop;
    timeTop = 0;
    if (first) {
      await timeLoad({ before: keyOf(first), count: Math.max(200, want) }, 'prepend');
      timeTop = Math.max(0, timeTop - want);
    }
  } else if (timeTop + visibleRows() > timeBuf.length) {
    const last = timeBuf[timeBuf.length - 1];
    if (last) await timeLoad({ after: keyOf(last), count: 400 }, 'append');
    timeTop = Math.max(0, Math.min(timeTop, timeBuf.length - visibleRows()));
  }
  render();
}

// ---- scrolling input --------------------------------------------------------------------
function scrollBy(rows: number): void {
  if (mode() === 'time') void timeScroll(rows);
  else scrollTo(top + rows);
}

table.addEventListener('wheel', (e) => {
  e.preventDefault();
  const rows = e.deltaMode === 1 ? e.deltaY : e.deltaY / ROW_HEIGHT;
  scrollBy(Math.sign(rows) * Math.max(1, Math.round(Math.abs(rows))));
}, { passive: false });

function dragTo(clientY: number): void {
  const rect = track.getBoundingClientRect();
  const thumbH = thumb.offsetHeight;
  const f = Math.min(1, Math.max(0, (clientY - rect.top - thumbH / 2) / Math.max(1, rect.height - thumbH)));
  if (mode() === 'time') {
    if (!progress?.firstTsc || !progress.lastTsc) return;
    const first = BigInt(progress.firstTsc);
    const span = BigInt(progress.lastTsc) - first;
    const at = first + BigInt(Math.floor(Number(span) * f));
    void timeLoad({ fromTsc: at.toString(), count: 400 }, 'replace');
  } else {
    scrollTo(f * Math.max(0, rowCount() - visibleRows()));
  }
}
let dragging = false;
track.addEventListener('pointerdown', (e) => {
  dragging = true;
  track.setPointerCapture(e.pointerId);
  dragTo(e.clientY);
});
track.addEventListener('pointermove', (e) => {
  if (dragging) dragTo(e.clientY);
});
track.addEventListener('pointerup', (e) => {
  dragging = false;
  track.releasePointerCapture(e.pointerId);
});

// ---- selection, keyboard, detail --------------------------------------------------------
function onRowClick(k: number, e: MouseEvent): void {
  const r = rowAt(top + k);
  if (!r) return;
  if (e.shiftKey && selected >= 0) {
    if (anchor < 0) anchor = selected;
  } else anchor = -1;
  selected = r.i;
  table.focus();
  render();
  void showDetail(r.i);
}

/** The position of the selected record in the current list, if it is on screen or cached. */
function selectedPos(): number {
  if (mode() === 'file') return selected;
  for (let p = top; p < top + visibleRows(); p++) if (rowAt(p)?.i === selected) return p;
  return -1;
}

function moveSelection(by: number, extend: boolean): void {
  const pos = selectedPos();
  const next = pos < 0 ? top : pos + by;
  if (extend && anchor < 0) anchor = selected;
  if (!extend) anchor = -1;
  if (next < top) scrollBy(next - top);
  else if (next >= top + visibleRows()) scrollBy(next - top - visibleRows() + 1);
  const target = mode() === 'time' ? undefined : Math.max(0, Math.min(rowCount() - 1, next));
  const select = () => {
    const r = target === undefined ? rowAt(Math.max(top, Math.min(top + visibleRows() - 1, next))) : rowAt(target);
    if (r) {
      selected = r.i;
      render();
      void showDetail(r.i);
    } else if (target !== undefined) {
      // Not loaded yet: selection by record number works in file order.
      if (mode() === 'file') selected = target;
      render();
    }
  };
  select();
  setTimeout(select, 150);
}

table.addEventListener('keydown', (e) => {
  const page = visibleRows() - 1;
  const keys: Record<string, () => void> = {
    ArrowDown: () => moveSelection(1, e.shiftKey),
    ArrowUp: () => moveSelection(-1, e.shiftKey),
    PageDown: () => moveSelection(page, e.shiftKey),
    PageUp: () => moveSelection(-page, e.shiftKey),
    Home: () => (mode() === 'time' ? void timeLoad({ count: 400 }, 'replace') : scrollTo(0)),
    End: () => (mode() === 'time' ? void jumpToEndInTime() : scrollTo(rowCount())),
    F3: () => void nextMatch(e.shiftKey ? -1 : 1),
  };
  if ((e.ctrlKey || e.metaKey) && e.key === 'c') {
    e.preventDefault();
    exportSelection('text', 'clipboard');
    return;
  }
  const action = keys[e.key];
  if (action) {
    e.preventDefault();
    action();
  }
});

async function jumpToEndInTime(): Promise<void> {
  if (!progress?.lastTsc) return;
  await timeLoad({ fromTsc: progress.lastTsc, count: 400 }, 'replace');
}

async function showDetail(i: number): Promise<void> {
  const d = await request('detail', { i });
  if (selected !== i) return;
  detail.replaceChildren();
  if (!d) return;
  renderDetail(d);
}

function renderDetail(d: TraceRecordDetail): void {
  const head = el('div', 'detail-head');
  head.appendChild(el('strong', '', `#${d.i} ${d.name}`));
  head.appendChild(el('span', 'muted', `  ${d.className} · event 0x${d.event.toString(16).padStart(8, '0')} · CPU ${d.cpu} · offset ${d.offset} (0x${d.offset.toString(16)}) · ${d.size} bytes`));
  detail.appendChild(head);
  const facts: [string, string][] = [
    ['TSC', d.tsc === null ? 'not known yet on this CPU' : `${d.tsc}${d.tscInherited ? ' (inherited: the record has no TSC of its own)' : ''}`],
    ['time', timeText(d.tsc) ? `${timeText(d.tsc)} µs from the first record` : ''],
    ['domain', d.dom < 0 ? 'not known (no scheduler record yet on this CPU)' : `d${d.dom} v${d.vcpu}`],
    ['layout', `Xen ${d.versions}${d.is64 ? ', 64-bit variant' : ''}`],
    ['flags', d.flags.join(', ')],
    ['note', d.note ?? ''],
  ];
  const dl = el('table', 'facts');
  for (const [k, v] of facts) {
    if (!v) continue;
    const tr = el('tr');
    tr.appendChild(el('th', '', k));
    tr.appendChild(el('td', '', v));
    dl.appendChild(tr);
  }
  detail.appendChild(dl);
  const fields = el('table', 'fields');
  const hdr = el('tr');
  for (const h of ['field', 'value', 'meaning']) hdr.appendChild(el('th', '', h));
  fields.appendChild(hdr);
  for (const f of d.fields) {
    const tr = el('tr');
    tr.appendChild(el('td', 'mono', f.name));
    tr.appendChild(el('td', 'mono', f.text));
    tr.appendChild(el('td', '', f.meaning ?? ''));
    fields.appendChild(tr);
  }
  detail.appendChild(fields);
  const raw = el('div', 'raw mono');
  raw.appendChild(el('div', '', `header 0x${d.header.toString(16).padStart(8, '0')}  words ${d.words.join(' ') || '(none)'}`));
  for (let k = 0; k < d.bytes.length; k += 16) {
    const at = d.offset + k;
    raw.appendChild(el('div', '', `${at.toString(16).padStart(10, '0')}  ${d.bytes.slice(k, k + 16).join(' ')}`));
  }
  detail.appendChild(raw);
}

// ---- selection export -------------------------------------------------------------------
function selectionRange(): { first: number; last: number } | undefined {
  if (selected < 0) return undefined;
  const a = anchor < 0 ? selected : anchor;
  return { first: Math.min(a, selected), last: Math.max(a, selected) };
}

/** Ctrl+C and Copy JSON go to the clipboard; Export opens a document. The host reads the records. */
function exportSelection(format: 'text' | 'json', target: 'document' | 'clipboard'): void {
  const range = selectionRange();
  if (!range) {
    showStatus('select a record first (shift+click or shift+arrows select a range)');
    return;
  }
  vscode.postMessage({ type: 'export', params: { ...range, format }, target });
}

// ---- jump -------------------------------------------------------------------------------
async function jump(): Promise<void> {
  const text = jumpInput.value.trim();
  if (!text) return;
  const kind = jumpKind.value;
  let to: ViewerRequests['jump'][0]['to'];
  if (kind === 'record') {
    const n = Number(text.replace(/^#/, ''));
    to = { record: n };
  } else if (kind === 'tsc') to = { tsc: text };
  else {
    const hz = tscHz();
    if (!hz) {
      showStatus('set the TSC frequency first: the trace has no estimate');
      return;
    }
    to = { timeUs: Number(text), tscHz: hz };
  }
  const result = await request('jump', { to });
  if (result.error !== undefined || result.i === undefined) {
    showStatus(result.error ?? 'no such record');
    return;
  }
  await goToRecord(result.i, result.tsc ?? undefined);
}

async function goToRecord(i: number, tsc?: string): Promise<void> {
  selected = i;
  anchor = -1;
  if (mode() === 'time') {
    const at = tsc ?? (await request('detail', { i }))?.tsc ?? undefined;
    await timeLoad(at ? { fromTsc: at, count: 400 } : { count: 400 }, 'replace');
    const k = timeBuf.findIndex((r) => r.i === i);
    if (k > 0) timeTop = Math.max(0, k - 2);
    render();
  } else if (mode() === 'matches') {
    const m = filterId ? await request('nextMatch', { filter: filterId, from: i - 1, direction: 1 }) : null;
    scrollTo((m?.match ?? 0) - 2);
  } else {
    scrollTo(i - 2);
  }
  void showDetail(i);
}

// ---- filters ----------------------------------------------------------------------------
function numberList(text: string): number[] | undefined {
  const out: number[] = [];
  for (const part of text.split(/[\s,]+/).filter(Boolean)) {
    const range = /^(\d+)-(\d+)$/.exec(part);
    if (range) for (let n = Number(range[1]); n <= Number(range[2]) && out.length < 4096; n++) out.push(n);
    else if (part === 'idle') out.push(0x7fff);
    else if (/^d?\d+$/.test(part)) out.push(Number(part.replace(/^d/, '')));
    else return undefined;
  }
  return out.length > 0 ? out : undefined;
}
const words = (text: string) => {
  const w = text.split(/[\s,]+/).filter(Boolean);
  return w.length > 0 ? w : undefined;
};

function readFilter(): TraceFilter | string {
  const f: TraceFilter = {};
  for (const [key, input] of [['cpus', filterInputs.cpus], ['doms', filterInputs.doms], ['vcpus', filterInputs.vcpus]] as const) {
    if (!input.value.trim()) continue;
    const list = numberList(input.value);
    if (!list) return `${key}: "${input.value}" is not a list of numbers (e.g. 0,2-3)`;
    f[key] = list;
  }
  const classes = words(filterInputs.classes.value);
  if (classes) f.classes = classes;
  const events = words(filterInputs.events.value);
  if (events) f.events = events;
  if (filterInputs.text.value.trim()) f.text = filterInputs.text.value.trim();
  return f;
}

async function applyFilter(): Promise<void> {
  await cancelFilter();
  const f = readFilter();
  if (typeof f === 'string') {
    showStatus(f);
    return;
  }
  if (Object.keys(f).length === 0) {
    clearFilter();
    return;
  }
  const result = await request('filterStart', { filter: f });
  if (result.error !== undefined || result.filter === undefined) {
    showStatus(result.error ?? 'filter refused');
    return;
  }
  filterId = result.filter;
  filterTotal = 0;
  if (order === 'time') orderSelect.value = order = 'file';
  resetRows();
  top = 0;
  document.body.classList.add('filtering');
  setProgress(0);
  render();
}

async function cancelFilter(): Promise<void> {
  if (filterId) await request('filterCancel', { filter: filterId });
}

function clearFilter(): void {
  filterId = undefined;
  filterTotal = 0;
  document.body.classList.remove('filtering');
  byId('filter-status').textContent = '';
  resetRows();
  scrollTo(selected >= 0 ? selected - 2 : 0);
}

async function nextMatch(direction: 1 | -1): Promise<void> {
  if (!filterId) return;
  const from = selected >= 0 ? selected : direction === 1 ? -1 : Number.MAX_SAFE_INTEGER;
  const m = await request('nextMatch', { filter: filterId, from, direction });
  if (!m) {
    showStatus(direction === 1 ? 'no match after this record' : 'no match before this record');
    return;
  }
  selected = m.i;
  anchor = -1;
  if (mode() === 'matches') scrollTo(m.match - 2);
  else scrollTo(m.i - 2);
  void showDetail(m.i);
}

function resetRows(): void {
  generation++;
  cache = new Map();
  stale = new Map();
  fetching = new Set();
}

/** Reads the rows again without blanking the screen meanwhile. */
function refreshRows(): void {
  const old = cache;
  resetRows();
  stale = old;
}

// ---- statistics -------------------------------------------------------------------------
async function showStats(): Promise<void> {
  const s = await request('stats', {});
  statsPanel.replaceChildren();
  statsPanel.hidden = false;
  const close = el('button', 'close', 'Close');
  close.addEventListener('click', () => (statsPanel.hidden = true));
  statsPanel.appendChild(close);
  statsPanel.appendChild(el('h2', '', `Statistics${s.complete ? '' : ' (still indexing)'}`));
  const facts: [string, string][] = [
    ['records', String(s.records)],
    ['first TSC', s.firstTsc ?? '—'],
    ['last TSC', s.lastTsc ?? '—'],
    ['TSC rate', s.tscHz ? `${(s.tscHz / 1e9).toFixed(3)} GHz (estimated)` : 'not estimated'],
    ['records with inherited TSC', String(s.inheritedTsc)],
    ['lost records', `${s.lostRecords.lost} in ${s.lostRecords.records} LOST_RECORDS records`],
    ['problems', String(s.problemCount)],
  ];
  statsPanel.appendChild(keyValueTable(facts, 'stats-summary'));
  const sections: [string, string, Record<string, number>][] = [
    ['per event', 'event', s.perEvent],
    ['per CPU', 'cpu', s.perCpu],
    ['per domain', 'domain', s.perDomain],
    ['per class', 'class', s.perClass],
  ];
  const grid = el('div', 'stats-grid');
  for (const [title, key, counts] of sections) {
    const box = el('section', `stats-${key}`);
    box.appendChild(el('h3', '', title));
    box.appendChild(keyValueTable(Object.entries(counts).map(([k, v]) => [k, String(v)]), 'counts'));
    grid.appendChild(box);
  }
  statsPanel.appendChild(grid);
  if (s.lostSpans.length > 0) statsPanel.appendChild(spanList('lost-record spans', s.lostSpans.map((l) => [l.i, `#${l.i} CPU${l.cpu} TSC ${l.tsc ?? '—'}: ${l.lost} records lost`])));
  if (s.problems.length > 0) statsPanel.appendChild(spanList('problems', s.problems.map((p) => [-1, `offset ${p.offset}: ${p.message}`])));
}

function keyValueTable(rows: [string, string][], className: string): HTMLTableElement {
  const t = el('table', className);
  for (const [k, v] of rows) {
    const tr = el('tr');
    tr.appendChild(el('th', '', k));
    tr.appendChild(el('td', 'num', v));
    t.appendChild(tr);
  }
  return t;
}

function spanList(title: string, items: [number, string][]): HTMLElement {
  const box = el('section', 'spans');
  box.appendChild(el('h3', '', title));
  for (const [i, text] of items) {
    const line = el(i >= 0 ? 'button' : 'div', 'span-line', text);
    if (i >= 0) line.addEventListener('click', () => {
      statsPanel.hidden = true;
      void goToRecord(i);
    });
    box.appendChild(line);
  }
  return box;
}

// ---- density strip ----------------------------------------------------------------------
let densityData: TraceDensityResult | null = null;

async function loadDensity(): Promise<void> {
  const width = Math.max(50, density.clientWidth);
  const params: ViewerRequests['density'][0] = { buckets: Math.min(2048, width) };
  if (densityRange) {
    params.fromTsc = densityRange.from.toString();
    params.toTsc = densityRange.to.toString();
  }
  densityData = await request('density', params);
  drawDensity();
}

function drawDensity(): void {
  const d = densityData;
  const ctx = density.getContext('2d');
  if (!ctx) return;
  const lane = 6;
  const cpus = d?.cpus.length ?? 0;
  density.height = Math.max(lane, cpus * lane);
  density.width = density.clientWidth || 300;
  ctx.clearRect(0, 0, density.width, density.height);
  if (!d) return;
  const style = getComputedStyle(document.body);
  const color = style.getPropertyValue('--vscode-charts-blue').trim() || style.getPropertyValue('--vscode-focusBorder').trim() || '#3794ff';
  let max = 1;
  for (const row of d.counts) for (const v of row) max = Math.max(max, v);
  const bw = density.width / (d.counts[0]?.length ?? 1);
  ctx.fillStyle = color;
  d.counts.forEach((row, c) => {
    row.forEach((v, b) => {
      if (v === 0) return;
      ctx.globalAlpha = 0.15 + (0.85 * Math.log1p(v)) / Math.log1p(max);
      ctx.fillRect(b * bw, c * lane, Math.max(1, bw), lane - 1);
    });
  });
  ctx.globalAlpha = 1;
}

function densityBucketAt(e: MouseEvent): { tsc: bigint; record: number } | undefined {
  const d = densityData;
  if (!d) return undefined;
  const rect = density.getBoundingClientRect();
  const fx = (e.clientX - rect.left) / rect.width;
  const b = Math.min(d.counts[0]!.length - 1, Math.max(0, Math.floor(fx * d.counts[0]!.length)));
  const c = Math.min(d.cpus.length - 1, Math.max(0, Math.floor(((e.clientY - rect.top) / rect.height) * d.cpus.length)));
  const from = BigInt(d.fromTsc);
  const tsc = from + BigInt(Math.floor(Number(BigInt(d.toTsc) - from) * fx));
  // The clicked CPU's nearest sampled bucket (samples are sparse when zoomed in), else any CPU's.
  const lane = d.firstRecord[c]!;
  let record = -1;
  const reach = Math.max(2, Math.floor(lane.length / 50));
  for (let dist = 0; dist <= reach && record < 0; dist++) {
    if (b + dist < lane.length && lane[b + dist]! >= 0) record = lane[b + dist]!;
    else if (b - dist >= 0 && lane[b - dist]! >= 0) record = lane[b - dist]!;
  }
  if (record < 0) for (const row of d.firstRecord) if (row[b]! >= 0 && (record < 0 || row[b]! < record)) record = row[b]!;
  return { tsc, record };
}

density.addEventListener('click', (e) => {
  const at = densityBucketAt(e);
  if (!at) return;
  if (order === 'time') void timeLoad({ fromTsc: at.tsc.toString(), count: 400 }, 'replace');
  else if (at.record >= 0) void goToRecord(at.record);
});
density.addEventListener('wheel', (e) => {
  e.preventDefault();
  const d = densityData;
  if (!d) return;
  const from = BigInt(d.fromTsc);
  const to = BigInt(d.toTsc);
  const rect = density.getBoundingClientRect();
  const fx = Math.min(1, Math.max(0, (e.clientX - rect.left) / rect.width));
  const span = Number(to - from);
  const next = Math.max(1000, span * (e.deltaY < 0 ? 0.5 : 2));
  const center = Number(from) + span * fx;
  let lo = center - next * fx;
  const first = Number(progress?.firstTsc ?? d.fromTsc);
  const last = Number(progress?.lastTsc ?? d.toTsc);
  lo = Math.max(first, lo);
  const hi = Math.min(last, lo + next);
  densityRange = hi - lo >= last - first ? undefined : { from: BigInt(Math.floor(lo)), to: BigInt(Math.ceil(hi)) };
  void loadDensity();
}, { passive: false });
density.addEventListener('dblclick', () => {
  densityRange = undefined;
  void loadDensity();
});

// ---- status -----------------------------------------------------------------------------
function showStatus(text: string): void {
  status.textContent = text;
}

function setProgress(fraction: number | undefined): void {
  progressBar.hidden = fraction === undefined;
  if (fraction !== undefined) progressFill.style.width = `${Math.round(fraction * 100)}%`;
}

function onIndexProgress(p: TraceIndexProgress): void {
  const firstPaint = total === 0 && p.records > 0;
  const indexFinished = p.done && !progress?.done;
  const detailsFinished = p.detailsDone && !progress?.detailsDone;
  progress = p;
  total = p.records;
  if (!hzInput.value && p.tscHz) hzInput.placeholder = `${(p.tscHz / 1e9).toFixed(3)} GHz est.`;
  const pct = (n: number) => (p.fileSize > 0 ? Math.floor((100 * n) / p.fileSize) : 100);
  const counted = `${p.records.toLocaleString()} records on ${p.cpus.length} CPUs`;
  if (!p.done) showStatus(`indexing… ${pct(p.offset)}% · ${p.records.toLocaleString()} records`);
  else if (!p.detailsDone) showStatus(`${counted}, indexed in ${p.indexMs ?? 0} ms · statistics, domains and density… ${pct(p.detailsOffset)}%`);
  else showStatus(`${counted}, indexed in ${p.indexMs ?? 0} ms, details in ${p.detailsMs ?? 0} ms`);
  document.body.classList.toggle('indexing', !p.detailsDone);
  if (!filterId) setProgress(p.detailsDone ? undefined : (p.offset + p.detailsOffset) / Math.max(1, 2 * p.fileSize));
  problemsLine.replaceChildren();
  if (p.problemCount > 0) {
    const first = p.problems[0]!;
    problemsLine.appendChild(el('span', 'problem', `⚠ ${p.problemCount} problem${p.problemCount === 1 ? '' : 's'} · offset ${first.offset} (0x${first.offset.toString(16)}): ${first.message}`));
  }
  // Rows read before the details pass have no domain yet: read them again once it is done.
  if (detailsFinished && order === 'file') refreshRows();
  if (order === 'time') {
    if (p.done && timeBuf.length === 0) void timeLoad({ count: 400 }, 'replace');
  } else if (firstPaint || indexFinished || detailsFinished || top + visibleRows() > cache.size) {
    void fetchVisible();
  }
  if (detailsFinished) {
    void loadDensity();
    if (selected >= 0) void showDetail(selected);
  }
  render();
}

function onFilterProgress(p: ToWebview & { type: 'filterProgress' }): void {
  const fp = p.progress;
  if (fp.filter !== filterId) return;
  filterTotal = fp.matches;
  const rate = fp.recordsPerSecond ? ` · ${(fp.recordsPerSecond / 1e6).toFixed(1)} M records/s` : '';
  byId('filter-status').textContent = `${fp.matches.toLocaleString()} matches${fp.done ? (fp.cancelled ? ' (cancelled)' : '') : ` · scanned ${fp.scanned.toLocaleString()}`}${rate}`;
  setProgress(fp.done ? undefined : fp.scanned / Math.max(1, fp.total));
  document.body.classList.toggle('filter-running', !fp.done);
  if (mode() === 'matches') void fetchVisible();
  render();
}

// ---- messages from the host -------------------------------------------------------------
window.addEventListener('message', (event: MessageEvent<ToWebview>) => {
  const m = event.data;
  switch (m.type) {
    case 'response': {
      const p = pending.get(m.id);
      pending.delete(m.id);
      if (m.error !== undefined) p?.reject(new Error(m.error));
      else p?.resolve(m.result);
      break;
    }
    case 'init':
      document.body.dataset.initMs ??= String(Math.round(performance.now()));
      byId('file-name').textContent = m.fileName;
      document.body.classList.add('ready');
      break;
    case 'openFailed':
      document.body.classList.add('failed');
      message.replaceChildren(el('h2', '', `${m.fileName} cannot be shown as a trace`), el('p', 'error-text', m.message));
      message.hidden = false;
      break;
    case 'indexProgress':
      document.body.dataset.firstProgressMs ??= String(Math.round(performance.now()));
      onIndexProgress(m.progress);
      break;
    case 'filterProgress':
      onFilterProgress(m);
      break;
    case 'reloaded':
      resetRows();
      total = 0;
      filterId = undefined;
      timeBuf = [];
      showStatus('the file changed on disk: reloading…');
      break;
    case 'command':
      if (m.command === 'exportSelection') exportSelection('text', 'document');
      else if (m.command === 'copySelectionJson') exportSelection('json', 'clipboard');
      else if (m.command === 'showStats') void showStats();
      else filterInputs.text.focus();
      break;
  }
});

// ---- toolbar ----------------------------------------------------------------------------
orderSelect.value = order;
orderSelect.addEventListener('change', () => void changeOrder(orderSelect.value === 'time' ? 'time' : 'file'));

/** Switches order and keeps the selected record (or the top one) in view. */
async function changeOrder(next: 'file' | 'time'): Promise<void> {
  const keep = selected >= 0 ? selected : mode() === 'time' ? timeBuf[timeTop]?.i ?? 0 : rowAt(top)?.i ?? 0;
  order = next;
  resetRows();
  if (order === 'time') {
    const tsc = (await request('detail', { i: keep }))?.tsc ?? undefined;
    await timeLoad(tsc ? { fromTsc: tsc, count: 400 } : { count: 400 }, 'replace');
    const k = timeBuf.findIndex((r) => r.i === keep);
    if (k > 0) timeTop = Math.max(0, k - 2);
  } else {
    timeBuf = [];
    scrollTo(keep - 2);
  }
  render();
}
byId('jump-go').addEventListener('click', () => void jump());
jumpInput.addEventListener('keydown', (e) => {
  if (e.key === 'Enter') void jump();
});
byId('filter-apply').addEventListener('click', () => void applyFilter());
for (const input of Object.values(filterInputs)) input.addEventListener('keydown', (e) => {
  if (e.key === 'Enter') void applyFilter();
});
byId('filter-cancel').addEventListener('click', () => void cancelFilter());
byId('filter-clear').addEventListener('click', () => {
  void cancelFilter();
  for (const input of Object.values(filterInputs)) input.value = '';
  clearFilter();
});
onlyMatches.addEventListener('change', () => {
  resetRows();
  scrollTo(0);
});
byId('match-next').addEventListener('click', () => void nextMatch(1));
byId('match-prev').addEventListener('click', () => void nextMatch(-1));
byId('show-stats').addEventListener('click', () => void showStats());
byId('export-text').addEventListener('click', () => exportSelection('text', 'document'));
byId('copy-json').addEventListener('click', () => exportSelection('json', 'clipboard'));
hzInput.addEventListener('change', () => {
  const v = hzInput.value.trim();
  const ghz = /ghz$/i.test(v);
  const n = Number.parseFloat(v);
  userHz = Number.isFinite(n) && n > 0 ? (ghz || n < 1000 ? n * 1e9 : n) : undefined;
  render();
});
if (userHz) hzInput.value = String(userHz);
new ResizeObserver(() => {
  render();
  void fetchVisible();
  drawDensity();
}).observe(table);

document.body.dataset.readyMs = String(Math.round(performance.now()));
vscode.postMessage({ type: 'ready' });
