// A log file parsed as it is read, 1 MiB at a time (LogPieceParser): neither its bytes nor its
// text are ever held whole, so no size is too big. The language server reads logs VS Code keeps
// from extensions this way, and `xenscope oops groups` any log. Logs held as bytes (big open
// documents) are parsed in the same pieces.
import { promises as fs } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { LogPieceParser } from './pieceParser';
import type { ParsedLog } from './reports';

/** Bytes read at a time. */
const READ_BYTES = 1 << 20;

export interface LogFileParse {
  /** Gets the reports of the log's first piece (its first MiB) as soon as they are parsed. */
  firstPiece?: (log: ParsedLog) => Promise<void>;
  /** Returns false once the result is no longer wanted: the read stops (the result is undefined). */
  current?: () => boolean;
  /** Called after each read (the server bounds its garbage there). */
  afterRead?: () => void;
}

/** The log in `file`, parsed; or why it could not be read (with the byte offset reached). */
export async function parseLogFile(file: string, p: LogFileParse = {}): Promise<{ log: ParsedLog; bytes: number } | { error: string } | undefined> {
  let fh: fs.FileHandle;
  try {
    fh = await fs.open(file, 'r');
  } catch (e) {
    return { error: `cannot read ${file}: ${(e as Error).message}` };
  }
  let offset = 0;
  try {
    // The first piece is parsed as soon as the first read is in: its problems show at once.
    const parser = new LogPieceParser({ firstPieceChars: READ_BYTES / 2 });
    const decoder = new StringDecoder('utf8');
    const bytes = Buffer.allocUnsafe(READ_BYTES);
    let first = true;
    for (;;) {
      const { bytesRead } = await fh.read(bytes, 0, bytes.length, offset);
      if (bytesRead === 0) break;
      offset += bytesRead;
      const parsedAPiece = parser.push(decoder.write(bytes.subarray(0, bytesRead)));
      if (parsedAPiece && first && p.firstPiece) {
        first = false;
        await p.firstPiece(parser.snapshot());
      }
      if (p.current && !p.current()) return undefined;
      p.afterRead?.();
    }
    parser.push(decoder.end());
    return { log: parser.end(), bytes: offset };
  } catch (e) {
    return { error: `cannot read ${file} (at byte ${offset}): ${(e as Error).message}` };
  } finally {
    await fh.close().catch(() => undefined);
  }
}

/**
 * A log held as UTF-8 bytes (a big open document), parsed the same way: its text is never one
 * string. `afterPiece` runs after each MiB (the server bounds its garbage there).
 */
export function parseLogBytes(bytes: Buffer, options: { afterPiece?: () => void; pieceBytes?: number } = {}): ParsedLog {
  const parser = new LogPieceParser();
  const decoder = new StringDecoder('utf8');
  const step = Math.max(1, options.pieceBytes ?? READ_BYTES);
  for (let at = 0; at < bytes.length; at += step) {
    parser.push(decoder.write(bytes.subarray(at, at + step)));
    options.afterPiece?.();
  }
  parser.push(decoder.end());
  return parser.end();
}
