// TRC_SHADOW (xen/arch/x86/mm/shadow/multi.c, common.c, oos.c). None of these records has a TSC.
import { pteMeaning } from '../meanings/paging';
import { bits, hex, hex64, L, type FieldSpec, type Layout } from './layout';
import type { EventDef } from './eventDef';

/** Guest-paging-level dependent field widths (multi.c is compiled once per level). */
function widths(levels: number): { va: FieldSpec; gl1e: FieldSpec; wv: FieldSpec; gfn: FieldSpec } {
  const wide = levels >= 3;
  const pte = (v: number | bigint) => pteMeaning(BigInt(v));
  return {
    va: levels === 4 ? hex64('va') : hex('va'),
    gl1e: wide ? hex64('gl1e', pte) : hex('gl1e', pte),
    wv: wide ? hex64('write_val', pte) : hex('write_val', pte),
    gfn: wide ? hex64('gfn') : hex('gfn'),
  };
}
const size = (specs: readonly FieldSpec[]) => specs.reduce((n, s) => n + (s.words ?? 1), 0);
const lay = (versions: string, specs: FieldSpec[], extra?: FieldSpec[]): Layout[] => {
  const out: Layout[] = [L(size(specs), versions, specs)];
  if (extra) out.unshift(L(size([...specs, ...extra]), '4.19+', [...specs, ...extra]));
  return out;
};

const SHADOW_LEVELED: readonly { minor: number; name: string; layouts: (levels: number) => Layout[] }[] = [
  { minor: 0x01, name: 'TRC_SHADOW_NOT_SHADOW', layouts: (l) => lay('3.4+', [widths(l).gl1e, widths(l).va, hex('flags')]) },
  { minor: 0x02, name: 'TRC_SHADOW_FAST_PROPAGATE', layouts: (l) => lay('3.4+', [widths(l).va]) },
  { minor: 0x03, name: 'TRC_SHADOW_FAST_MMIO', layouts: (l) => lay('3.4+', [widths(l).va]) },
  { minor: 0x04, name: 'TRC_SHADOW_FALSE_FAST_PATH', layouts: (l) => lay('3.4+', [widths(l).va]) },
  { minor: 0x05, name: 'TRC_SHADOW_MMIO', layouts: (l) => lay('3.4+', [widths(l).va]) },
  { minor: 0x06, name: 'TRC_SHADOW_FIXUP', layouts: (l) => lay('3.4+', [widths(l).gl1e, widths(l).va, hex('flags')]) },
  { minor: 0x07, name: 'TRC_SHADOW_DOMF_DYING', layouts: (l) => lay('3.4+', [widths(l).va]) },
  {
    minor: 0x08,
    name: 'TRC_SHADOW_EMULATE',
    layouts: (l) => [
      L(size([widths(l).gl1e, widths(l).wv, widths(l).va]) + 1, '3.4+', [
        widths(l).gl1e,
        widths(l).wv,
        widths(l).va,
        { bitfields: [bits('flags', 0, 29, 'hex'), bits('emulation_count', 29, 3)] },
      ]),
    ],
  },
  ...[
    [0x09, 'TRC_SHADOW_EMULATE_UNSHADOW_USER'],
    [0x0a, 'TRC_SHADOW_EMULATE_UNSHADOW_EVTINJ'],
    [0x0b, 'TRC_SHADOW_EMULATE_UNSHADOW_UNHANDLED'],
  ].map(([minor, name]) => ({
    minor: minor as number,
    name: name as string,
    layouts: (l: number) => lay('3.4–4.18', [widths(l).gfn, widths(l).va], [hex('flags')]),
  })),
];

const SHADOW_PLAIN: readonly EventDef[] = [
  { id: 0x0040f00c, name: 'TRC_SHADOW_WRMAP_BF', layouts: [L(2, '3.4+', [hex64('gfn')])] },
  { id: 0x0040f00d, name: 'TRC_SHADOW_PREALLOC_UNPIN', layouts: [L(2, '3.4+', [hex64('gfn')])] },
  { id: 0x0040f00e, name: 'TRC_SHADOW_RESYNC_FULL', layouts: [L(2, '3.4+', [hex64('gfn')])] },
  { id: 0x0040f00f, name: 'TRC_SHADOW_RESYNC_ONLY', layouts: [L(2, '3.4+', [hex64('gfn')])] },
];

/** Shadow events: the leveled ones once per guest paging level (bits 8–11 = levels − 2). */
export const SHADOW_EVENTS: readonly EventDef[] = [
  ...SHADOW_LEVELED.flatMap((e) =>
    [2, 3, 4].map((levels) => ({ id: 0x0040f000 + ((levels - 2) << 8) + e.minor, name: e.name, layouts: e.layouts(levels) })),
  ),
  ...SHADOW_PLAIN,
];

