// What a pass over a trace counts. A module of its own, with no imports, so that the trace
// viewer's protocol (type-checked with the webview, which has no Node types) can name it.

export interface TraceStats {
  records: number;
  perCpu: Record<string, number>;
  perClass: Record<string, number>;
  perEvent: Record<string, number>;
  /** Records attributed to the domain running on their CPU (from SCHED_SWITCH / runstate), or "unknown". */
  perDomain: Record<string, number>;
  lostRecords: { records: number; lost: number; byDomain: Record<string, number> };
  firstTsc: string | null;
  lastTsc: string | null;
  tscHz: { estimate: number; samples: number; method: string } | null;
  problems: number;
}
