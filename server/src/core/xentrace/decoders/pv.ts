// TRC_PV: the PV emitters of xen/arch/x86/pv/trace.c (before 4.18: xen/arch/x86/trace.c) and
// __trace_hypercall in xen/common/trace.c. Field names are the emitters' struct members.
import { hypercallArgMeaning, hypercallNumberMeaning } from '../meanings/hypercallArgs';
import { pageFaultErrorMeaning, vectorName } from '../meanings/traps';
import { pteMeaning } from '../meanings/paging';
import { bits, hex, hex64, L, type DecodedField, type Layout } from './layout';
import { NONE, type EventDef } from './eventDef';

const trapWord = {
  bitfields: [
    bits('trapnr', 0, 15, 'dec', (v) => vectorName(Number(v))),
    bits('use_error_code', 15, 1, 'dec'),
    bits('error_code', 16, 16, 'hex'),
  ],
};
const pfEc = (v: number | bigint) => pageFaultErrorMeaning(Number(v));
const pte = (v: number | bigint) => pteMeaning(BigInt(v));

/** HYPERCALL_V2 / SUBCALL: w0 = op (bits 0–19) and six 2-bit argument-size fields, then the arguments. */
function decodeHypercallV2(words: readonly number[]): DecodedField[] {
  if (words.length === 0) return [];
  const w0 = words[0]! >>> 0;
  const op = w0 & 0xfffff;
  const out: DecodedField[] = [
    { name: 'op', value: op, text: '0x' + op.toString(16), meaning: hypercallNumberMeaning(op) },
    { name: 'arg_mask', value: w0 >>> 20, text: '0x' + (w0 >>> 20).toString(16), meaning: 'per argument: 0 absent, 1 32-bit, 2 64-bit' },
  ];
  let at = 1;
  for (let i = 0; i < 6; i++) {
    const size = (w0 >>> (20 + 2 * i)) & 3;
    if (size === 0) continue;
    if (size === 3) {
      out.push({ name: `arg${i}`, value: 3, text: 'reserved size 3', meaning: 'invalid argument size' });
      break;
    }
    const n = size === 2 ? 2 : 1;
    if (at + n > words.length) {
      out.push({ name: `arg${i}`, value: 0, text: 'missing', meaning: 'record too short for its argument mask' });
      break;
    }
    const lo = words[at]! >>> 0;
    const value = n === 2 ? (BigInt(words[at + 1]! >>> 0) << 32n) | BigInt(lo) : lo;
    at += n;
    const f: DecodedField = { name: `arg${i}`, value, text: '0x' + value.toString(16) };
    const meaning = n === 1 ? hypercallArgMeaning(op, i, lo) : undefined;
    if (meaning !== undefined) f.meaning = meaning;
    out.push(f);
  }
  for (; at < words.length; at++) out.push({ name: `w${at}`, value: words[at]! >>> 0, text: '0x' + (words[at]! >>> 0).toString(16), meaning: 'beyond the argument mask' });
  return out;
}

const hypercallV2: readonly Layout[] = [{ words: 1, versions: '4.3+', decode: (w) => decodeHypercallV2(w) }];

/** TRC_PV_ENTRY minors, shared by the 4.3+ IDs (0x00201nnn) and the 3.2–4.2 IDs (0x0020fnnn). */
const entries: readonly (Omit<EventDef, 'id'> & { minor: number })[] = [
  {
    minor: 0x01,
    name: 'TRC_PV_HYPERCALL',
    layouts: [L(2, '≤4.2', [hex('eip'), hex('eax', (v) => hypercallNumberMeaning(Number(v)))])],
    layouts64: [L(3, '≤4.2', [hex64('rip'), hex('eax', (v) => hypercallNumberMeaning(Number(v)))])],
  },
  {
    minor: 0x03,
    name: 'TRC_PV_TRAP',
    layouts: [L(2, 'all', [hex('eip'), trapWord])],
    layouts64: [L(3, 'all', [hex64('rip'), trapWord])],
  },
  {
    minor: 0x04,
    name: 'TRC_PV_PAGE_FAULT',
    layouts: [L(3, 'all', [hex('eip'), hex('addr'), hex('error_code', pfEc)])],
    layouts64: [L(5, 'all', [hex64('rip'), hex64('addr'), hex('error_code', pfEc)])],
  },
  { minor: 0x05, name: 'TRC_PV_FORCED_INVALID_OP', layouts: [L(1, 'all', [hex('eip')])], layouts64: [L(2, 'all', [hex64('rip')])] },
  { minor: 0x06, name: 'TRC_PV_EMULATE_PRIVOP', layouts: [L(1, 'all', [hex('eip')])], layouts64: [L(2, 'all', [hex64('rip')])] },
  { minor: 0x07, name: 'TRC_PV_EMULATE_4GB', layouts: [L(1, 'old', [hex('eip')])], layouts64: [L(2, 'old', [hex64('rip')])] },
  { minor: 0x08, name: 'TRC_PV_MATH_STATE_RESTORE', layouts: NONE, layouts64: NONE },
  {
    minor: 0x09,
    name: 'TRC_PV_PAGING_FIXUP',
    layouts: [L(2, 'all', [hex('eip'), hex('addr')])],
    layouts64: [L(4, 'all', [hex64('rip'), hex64('addr')])],
  },
  {
    minor: 0x0a,
    name: 'TRC_PV_GDT_LDT_MAPPING_FAULT',
    layouts: [L(2, 'all', [hex('eip'), hex('offset')])],
    layouts64: [L(4, 'all', [hex64('rip'), hex64('offset')])],
  },
  {
    minor: 0x0b,
    name: 'TRC_PV_PTWR_EMULATION',
    layouts: [L(4, 'old', [hex64('pte', pte), hex('addr'), hex('eip')])],
    layouts64: [L(6, 'all', [hex64('pte', pte), hex64('addr'), hex64('rip')])],
  },
  {
    minor: 0x0c,
    name: 'TRC_PV_PTWR_EMULATION_PAE',
    layouts: [L(4, 'all', [hex64('pte', pte), hex('addr'), hex('eip')])],
    layouts64: [L(6, 'old', [hex64('pte', pte), hex64('addr'), hex64('rip')])],
  },
];

export const PV_EVENTS: readonly EventDef[] = [
  ...entries.map(({ minor, ...d }) => ({ ...d, id: 0x00201000 + minor, tsc: true })),
  { id: 0x0020100d, name: 'TRC_PV_HYPERCALL_V2', tsc: true, layouts: hypercallV2 },
  { id: 0x0020200e, name: 'TRC_PV_HYPERCALL_SUBCALL', tsc: true, layouts: hypercallV2, note: 'One record per call inside a multicall.' },
  // Xen 3.2–4.2 wrote the same events as TRC_PV + n (0x0020f0nn).
  ...entries.map(({ minor, layouts, layouts64, name }) => ({
    id: 0x0020f000 + minor,
    name,
    tsc: true,
    layouts: layouts.map((l) => ({ ...l, versions: '3.2–4.2 (pre-4.3 numbering)' })),
    layouts64: layouts64?.map((l) => ({ ...l, versions: '3.2–4.2 (pre-4.3 numbering)' })),
    note: 'Legacy PV ID, renumbered to 0x00201nnn in Xen 4.3.',
  })),
];
