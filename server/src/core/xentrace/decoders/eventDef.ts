// What each class decoder table provides, and word shapes shared by several classes.
import { domainName } from '../meanings/sched';
import { bits, dec, type Layout, type WordSpec } from './layout';

export interface EventDef {
  /** The ID without flag bits (64-bit flag, runstate and paging-level bits are added by the catalogue). */
  id: number;
  /** The hypervisor's constant name (`TRC_PV_TRAP`). */
  name: string;
  layouts: readonly Layout[];
  /** Layouts of the `| TRC_64_FLAG` variant, when Xen defines one. */
  layouts64?: readonly Layout[];
  /** Whether current emitters write a TSC (for the hover; the file says per record). */
  tsc?: boolean;
  note?: string;
}

const domMeaning = (v: number | bigint) => domainName(Number(v));

/** `struct { uint16_t vcpu, domain; }` or `unsigned unit:16, dom:16`: vCPU low, domain high. */
export function domVcpuWord(vcpuName = 'vcpu', domName = 'dom'): WordSpec {
  return { bitfields: [bits(domName, 16, 16, 'dec', domMeaning), bits(vcpuName, 0, 16)] };
}

export const domid = (name = 'domid') => dec(name, domMeaning);

/** A layout with no payload. */
export const NONE: readonly Layout[] = [{ words: 0, versions: 'all', specs: [] }];

/** Raw words for payloads whose layout nobody defines (guest records, stale padding). */
export const RAW: readonly Layout[] = [
  {
    words: 0,
    versions: 'any',
    decode: (words) => words.map((w, i) => ({ name: `w${i}`, value: w >>> 0, text: '0x' + (w >>> 0).toString(16) })),
  },
];
