// LSP messages read from a stream (the server's --stdio transport, which editors other than VS
// Code use). Small messages are parsed as vscode-jsonrpc parses them. A big one (an editor
// opening a 100 MB log sends the whole text in one didOpen) is read into one buffer of its
// Content-Length and parsed there (core/text/jsonBytes.ts): the document's text stays those UTF-8
// bytes, never becoming a string, so the message costs 1× the text instead of up to 5×.
import { AbstractMessageReader, Disposable, type DataCallback, type Message, type MessageReader } from 'vscode-languageserver/node';
import { parseJsonBytes } from '../core/text/jsonBytes';
import { materialize, type Utf8Text } from '../core/text/utf8Text';

/** Messages this big, and strings in them this big, take the compact path. */
export const BIG_MESSAGE_BYTES = 16 << 20;

const HEADER_END = Buffer.from('\r\n\r\n', 'latin1');
const MAX_HEADER_BYTES = 64 << 10;

/** Only a document's own text may stay bytes: every other string is given to handlers as a string. */
function keepsBytes(method: unknown) {
  return (_text: Utf8Text, path: readonly (string | number)[]): boolean =>
    (method === 'textDocument/didOpen' && path.join('.') === 'params.textDocument.text') ||
    (method === 'textDocument/didChange' && path.length === 4 && path[1] === 'contentChanges' && path[3] === 'text');
}

export class CompactStreamReader extends AbstractMessageReader implements MessageReader {
  private callback: DataCallback | undefined;
  /** Header bytes received so far. */
  private header: Buffer = Buffer.alloc(0);
  /** The body being filled, and how much of it is. */
  private body: Buffer | undefined;
  private filled = 0;
  /** Bytes still to drop from a message that could not be read. */
  private skipping = 0;
  /** Byte offset in the stream of the data being read (for messages about bad input). */
  private streamOffset = 0;

  constructor(
    private readonly stream: NodeJS.ReadableStream,
    private readonly bigMessageBytes = BIG_MESSAGE_BYTES,
  ) {
    super();
  }

  listen(callback: DataCallback): Disposable {
    this.callback = callback;
    const onData = (data: Buffer) => this.onData(data);
    const onError = (error: Error) => this.fireError(error);
    const onClose = () => this.fireClose();
    this.stream.on('data', onData);
    this.stream.on('error', onError);
    this.stream.on('close', onClose);
    this.stream.on('end', onClose);
    return Disposable.create(() => {
      this.callback = undefined;
      this.stream.off('data', onData);
      this.stream.off('error', onError);
      this.stream.off('close', onClose);
      this.stream.off('end', onClose);
    });
  }

  private onData(data: Buffer): void {
    let at = 0;
    while (at < data.length) {
      if (this.skipping > 0) {
        const n = Math.min(this.skipping, data.length - at);
        this.skipping -= n;
        at += n;
      } else if (this.body) {
        const n = Math.min(this.body.length - this.filled, data.length - at);
        data.copy(this.body, this.filled, at, at + n);
        this.filled += n;
        at += n;
        if (this.filled === this.body.length) {
          const body = this.body;
          this.body = undefined;
          this.deliver(body);
        }
      } else {
        at = this.readHeader(data, at);
      }
    }
    this.streamOffset += data.length;
  }

  /** Consumes header bytes from data[at…]; returns where it stopped. */
  private readHeader(data: Buffer, at: number): number {
    const before = this.header.length;
    this.header = before === 0 ? data.subarray(at) : Buffer.concat([this.header, data.subarray(at)]);
    const end = this.header.indexOf(HEADER_END);
    if (end < 0) {
      if (this.header.length > MAX_HEADER_BYTES) {
        this.fireError(new Error(`no end of LSP message header within ${MAX_HEADER_BYTES} bytes (stream byte ${this.streamOffset + at})`));
        this.header = Buffer.alloc(0);
      } else if (before === 0) this.header = Buffer.from(this.header); // own the bytes: `data` is the stream's
      return data.length;
    }
    const consumed = end + HEADER_END.length - before;
    const length = contentLength(this.header.toString('latin1', 0, end));
    this.header = Buffer.alloc(0);
    at += consumed;
    if (length === undefined) {
      this.fireError(new Error(`LSP message header without a Content-Length (stream byte ${this.streamOffset + at})`));
      return at;
    }
    // The usual case: the whole body is in this chunk.
    if (at + length <= data.length) {
      this.deliver(data.subarray(at, at + length));
      return at + length;
    }
    try {
      this.body = Buffer.allocUnsafe(length);
      this.filled = 0;
    } catch (e) {
      this.fireError(new Error(`cannot hold an LSP message of ${length} bytes: ${(e as Error).message}`));
      this.skipping = length;
    }
    return at;
  }

  private deliver(body: Buffer): void {
    let message: Message;
    try {
      if (body.length < this.bigMessageBytes) message = JSON.parse(body.toString('utf8')) as Message;
      else {
        const parsed = parseJsonBytes(body, { bigStringBytes: this.bigMessageBytes }) as Message & { method?: unknown };
        message = materialize(parsed, keepsBytes(parsed.method)) as Message;
      }
    } catch (e) {
      this.fireError(new Error(`unreadable LSP message of ${body.length} bytes: ${(e as Error).message}`));
      return;
    }
    this.callback?.(message);
  }
}

function contentLength(header: string): number | undefined {
  for (const line of header.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0 && line.slice(0, colon).trim().toLowerCase() === 'content-length') {
      const n = Number(line.slice(colon + 1).trim());
      return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
    }
  }
  return undefined;
}
