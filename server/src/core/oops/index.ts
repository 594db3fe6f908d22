// The log-parsing core: what the language server and the CLI call.
export { parseLog, findFrameAt, findReportAt, DEFAULT_MAX_LINE } from './reports';
export type { ParsedLog, Report, ReportKind, Register, ContextBlock, LogDiagnostic, FrameHit, ParseOptions } from './reports';
export { parseFrames, parseFrame, parseRegisterFrames, parseSymbolRef, tokenAt, hex } from './frames';
export type { Frame, FrameToken, FrameRole, FrameFormat, SymbolRef } from './frames';
export { peelLine, payloadOf } from './lineWrappers';
export type { PeeledLine } from './lineWrappers';
export { reportSignature, groupReports, stackGroups, normalizeSymbol } from './signature';
export type { StackGroup } from './signature';
export { xenNotesForReport, hypercallOfFrame, explainSelector } from './xenNotes';
export type { XenNote } from './xenNotes';
