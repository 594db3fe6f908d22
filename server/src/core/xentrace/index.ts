// Public API of the Xen trace core, for the language server, the binary viewer and the CLI.
export { TraceFile } from './traceFile';
export { TraceRecord } from './record';
export { fieldsText } from './record';
export { PageReader } from './pageReader';
export { TraceFramer, FeedStatus, type FramerSink, type RecordView, type TraceProblem, type WindowInfo } from './framer';
export { scanTrace, scanTraceBuffer, readTraceBuffer, iterateRecords, recordFromView, isProblem, type ScanSummary } from './traceReader';
export { SparseIndex, buildIndex, readRecordsAt } from './sparseIndex';
export { timeOrdered, firstRecordAtOrAfter, compareTime } from './timeOrder';
export { StatsCollector, type TraceStats } from './stats';
export { lookupEvent, decodePayload, eventIdsByName, knownEventIds, type EventInfo, type DecodedPayload } from './catalogue';
export type { DecodedField, Layout } from './decoders/layout';
export { eventFilter } from './eventFilter';
export { describeTraceLine, describeRecord, descriptionMarkdown, type RecordDescription } from './describe';
export { parseXentraceFormatLine, parseXenalyzeLine, parseHexWords, parseDumpLine, bytesFromDump } from './textLines';
export { recordJsonLine, recordToJson } from './recordJson';
