// One window holding every known event ID with 0 to 7 payload words, several records each: the
// input on which the dump's writers are compared with the reference decoders.
import { knownEventIds } from '../../server/src/core/xentrace/catalogue';
import { TRC_TRACE_CPU_CHANGE, TRC_TRACE_WRAP_BUFFER } from '../../server/src/core/xentrace/eventIds';
import { prng, TraceBuilder } from './traceWriter';

/** Records per ID and word count. */
export const EVERY_LAYOUT_REPEATS = 6;

export function everyLayoutTrace(seed: number, tsc: () => bigint): { buf: Buffer; ids: number[] } {
  const rand = prng(seed);
  // Zeros, small values (they pass layout tests such as TRC_MEM's old packing), all-ones and
  // random words.
  const word = () => {
    const r = Math.floor(rand() * 4);
    return r === 0 ? 0 : r === 1 ? Math.floor(rand() * 24) : r === 2 ? 0xffffffff : Math.floor(rand() * 0x100000000) >>> 0;
  };
  // CPU_CHANGE and WRAP_BUFFER are framing, not records; three IDs no Xen defines.
  const framing = [TRC_TRACE_CPU_CHANGE, TRC_TRACE_WRAP_BUFFER];
  const ids = [...knownEventIds().filter((id) => !framing.includes(id)), 0x0001f00e, 0x0008ff77, 0x08000123];
  const b = new TraceBuilder().window(0);
  for (const id of ids) for (let n = 0; n <= 7; n++) for (let k = 0; k < EVERY_LAYOUT_REPEATS; k++) b.record(id, Array.from({ length: n }, word), tsc());
  return { buf: b.toBuffer(), ids };
}
