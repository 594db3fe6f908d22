// The record type shared by the CLI, the hover and the binary viewer. Cheap to build: the
// catalogue lookup and the field decoding happen only when asked for, then are cached.
import { decodePayload, lookupEvent, payloadName, type DecodedPayload, type EventInfo } from './catalogue';
import { EVENT_MASK, TRC_HD_CYCLE_FLAG } from './eventIds';
import type { DecodedField } from './decoders/layout';

export class TraceRecord {
  private infoCache: EventInfo | undefined;
  private payloadCache: DecodedPayload | undefined;

  constructor(
    /** Record number in file order (CPU_CHANGE and WRAP_BUFFER not counted). */
    readonly i: number,
    /** Byte offset of the header in the file. */
    readonly offset: number,
    readonly cpu: number,
    /** The raw header word (event, word count, TSC flag). */
    readonly header: number,
    /** TSC halves: the record's own, or the last one seen on its CPU (see tscInherited). */
    readonly tscHi: number,
    readonly tscLo: number,
    /** False before any TSC was seen on this CPU. */
    readonly tscKnown: boolean,
    readonly tscInherited: boolean,
    /** Raw payload words. */
    readonly extra: readonly number[],
  ) {}

  /** 28-bit event ID with its flag bits. */
  get event(): number {
    return this.header & EVENT_MASK;
  }
  get hasOwnTsc(): boolean {
    return (this.header & TRC_HD_CYCLE_FLAG) !== 0;
  }
  /** Record size in bytes (4 to 40). */
  get size(): number {
    return 4 + (this.hasOwnTsc ? 8 : 0) + 4 * this.extra.length;
  }
  get tsc(): bigint | null {
    return this.tscKnown ? (BigInt(this.tscHi) << 32n) | BigInt(this.tscLo) : null;
  }
  /** The TSC in decimal without going through BigInt when it fits in 2^53 (the dump's hot path). */
  get tscDecimal(): string | null {
    if (!this.tscKnown) return null;
    return this.tscHi < 0x200000 ? String(this.tscHi * 0x100000000 + this.tscLo) : this.tsc!.toString();
  }
  /** Fields without meanings, for machine output; not cached. */
  rawFields(): DecodedField[] {
    return this.payloadCache ? this.payloadCache.fields : decodePayload(this.info, this.extra, false).fields;
  }
  get info(): EventInfo {
    return (this.infoCache ??= lookupEvent(this.event));
  }
  get payload(): DecodedPayload {
    return (this.payloadCache ??= decodePayload(this.info, this.extra));
  }
  /** Layout name: the event name, or the older name a reused ID had (e.g. TRC_HVM_VMEXIT64 in 3.2). */
  get name(): string {
    return this.payloadCache?.name ?? payloadName(this.info, this.extra);
  }
  get is64(): boolean {
    return this.info.is64;
  }
  get fields(): DecodedField[] {
    return this.payload.fields;
  }
  /** Xen versions whose layout was used to decode the payload. */
  get versions(): string {
    return this.payload.versions;
  }
}

/** `name=value (meaning)` pairs for one-line renderings. */
export function fieldsText(fields: readonly DecodedField[]): string {
  return fields.map((f) => (f.meaning ? `${f.name}=${f.text} (${f.meaning})` : `${f.name}=${f.text}`)).join(' ');
}
