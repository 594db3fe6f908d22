// Wires the viewer's custom LSP requests to trace sessions. One registry per connection.
import type { Connection } from 'vscode-languageserver';
import {
  TraceCloseRequest,
  TraceDensityRequest,
  TraceDetailRequest,
  TraceExportRequest,
  TraceFilterCancelRequest,
  TraceFilterProgressNotification,
  TraceFilterStartRequest,
  TraceIndexProgressNotification,
  TraceJumpRequest,
  TraceNextMatchRequest,
  TraceOpenRequest,
  TraceRowsRequest,
  TraceStatsRequest,
  TraceTimeRowsRequest,
} from '../protocol/traceViewer';
import { TraceSession } from './session';

export function registerTraceViewer(connection: Connection): void {
  const sessions = new Map<string, TraceSession>();
  let next = 1;
  const get = (id: string): TraceSession => {
    const s = sessions.get(id);
    if (!s) throw new Error(`no open trace session ${id}`);
    return s;
  };

  connection.onRequest(TraceOpenRequest, async ({ path }) => {
    const id = `t${next++}`;
    const opened = await TraceSession.open(path, id, (p) => void connection.sendNotification(TraceIndexProgressNotification, p));
    if ('error' in opened) return { session: id, fileSize: 0, error: opened.error };
    if ('notATrace' in opened) return { session: id, fileSize: opened.fileSize, notATrace: opened.notATrace };
    sessions.set(id, opened);
    return { session: id, fileSize: opened.index.fileSize };
  });
  connection.onRequest(TraceCloseRequest, async ({ session }) => {
    const s = sessions.get(session);
    sessions.delete(session);
    await s?.close();
  });
  connection.onRequest(TraceRowsRequest, (p) => get(p.session).rows(p.start, p.count, p.filter));
  connection.onRequest(TraceTimeRowsRequest, (p) => get(p.session).timeRows(p));
  connection.onRequest(TraceDetailRequest, (p) => get(p.session).detail(p.i));
  connection.onRequest(TraceFilterStartRequest, (p) =>
    get(p.session).startFilter(p.filter, (progress) => void connection.sendNotification(TraceFilterProgressNotification, progress)),
  );
  connection.onRequest(TraceFilterCancelRequest, (p) => get(p.session).cancelFilter(p.filter));
  connection.onRequest(TraceNextMatchRequest, (p) => get(p.session).nextMatch(p.filter, p.from, p.direction));
  connection.onRequest(TraceJumpRequest, (p) => get(p.session).jump(p.to));
  connection.onRequest(TraceStatsRequest, (p) => get(p.session).statistics());
  connection.onRequest(TraceDensityRequest, (p) => get(p.session).densityStrip(p.buckets, p.fromTsc, p.toTsc));
  connection.onRequest(TraceExportRequest, (p) => get(p.session).exportRange(p.first, p.last, p.format));
}
