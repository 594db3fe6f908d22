// TRC_MEM (xen/common/memory.c, arch/x86/mm/p2m-pt.c, p2m-pod.c, common/grant_table.c).
// Xen 4.18 (83af664db336) widened d/order without changing word counts.
import { domainName } from '../meanings/sched';
import { bits, dec, hex, hex64, L } from './layout';
import { domid, type EventDef } from './eventDef';

const dOrder = { bitfields: [bits('d', 0, 16, 'dec', (v) => domainName(Number(v))), bits('order', 16, 16)] };
const d = dec('d', (v) => domainName(Number(v)));
const order = dec('order');
/** The pre-4.18 packed word has the order in bits 16–31; orders above 18 (1 GiB) do not exist. */
const oldPacked = (at: number) => (w: readonly number[]) => (w[at]! >>> 16) !== 0 || (w[at + 1]! >>> 0) > 18;

export const MEM_EVENTS: readonly EventDef[] = [
  { id: 0x0010f001, name: 'TRC_MEM_PAGE_GRANT_MAP', tsc: true, layouts: [L(1, 'all', [domid()])] },
  { id: 0x0010f002, name: 'TRC_MEM_PAGE_GRANT_UNMAP', tsc: true, layouts: [L(1, 'all', [domid()])] },
  { id: 0x0010f003, name: 'TRC_MEM_PAGE_GRANT_TRANSFER', tsc: true, layouts: [L(1, 'all', [domid()])] },
  {
    id: 0x0010f004,
    name: 'TRC_MEM_SET_P2M_ENTRY',
    layouts: [L(6, 'all', [hex64('gfn'), hex64('mfn'), dec('p2mt'), dOrder])],
  },
  {
    id: 0x0010f005,
    name: 'TRC_MEM_DECREASE_RESERVATION',
    layouts: [
      L(4, '<4.18', [hex64('gfn'), dOrder, hex('pad', () => 'padding')], { test: oldPacked(2) }),
      L(4, '4.18+', [hex64('gfn'), d, order]),
    ],
    note: 'Both layouts have 4 words; a d word with upper bits set (or an impossible order) means the pre-4.18 one.',
  },
  ...[0x10, 0x11].map((minor) => ({
    id: 0x0010f000 + minor,
    name: minor === 0x10 ? 'TRC_MEM_POD_POPULATE' : 'TRC_MEM_POD_ZERO_RECLAIM',
    layouts: [
      L(6, '<4.18', [hex64('gfn'), hex64('mfn'), dOrder, hex('pad', () => 'padding')], { test: oldPacked(4) }),
      L(6, '4.18+', [hex64('gfn'), hex64('mfn'), d, order]),
    ],
  })),
  {
    id: 0x0010f012,
    name: 'TRC_MEM_POD_SUPERPAGE_SPLINTER',
    layouts: [
      L(4, '<4.18', [hex64('gfn'), { bitfields: [bits('d', 0, 16, 'dec', (v) => domainName(Number(v))), bits('pad', 16, 16, 'hex')] }, hex('pad2')], {
        test: (w) => (w[2]! >>> 16) !== 0 || (w[3]! >>> 0) > 18,
      }),
      L(4, '4.18+', [hex64('gfn'), d, order]),
    ],
  },
];

