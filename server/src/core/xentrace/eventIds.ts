// Bit layout of a xentrace record header and of the 28-bit event ID (xen/include/public/trace.h).

/** Header bit 31: a 64-bit TSC follows the header (TRC_HD_CYCLE_FLAG). */
export const TRC_HD_CYCLE_FLAG = 0x80000000;
/** Bits 0–27 of the header are the event ID. */
export const EVENT_MASK = 0x0fffffff;
/** Bits 28–30: number of payload words (TRACE_EXTRA_SHIFT, TRACE_EXTRA_MAX = 7). */
export const EXTRA_SHIFT = 28;
export const EXTRA_MAX = 7;

/** The window-opening record as written by xentrace: `03 f0 01 20`. */
export const CPU_CHANGE_HEADER = 0x2001f003;
export const TRC_LOST_RECORDS = 0x0001f001;
export const TRC_TRACE_WRAP_BUFFER = 0x0001f002;
export const TRC_TRACE_CPU_CHANGE = 0x0001f003;

/** "Addresses are 64 bits" (TRC_PV_64_FLAG in Xen 3.2). */
export const TRC_64_FLAG = 0x100;
/** ORed into VMENTRY and SVM VMEXIT while a nested guest runs. */
export const TRC_HVM_NESTEDFLAG = 0x400;
/** xenalyze's `mevt.write` bit on HVM I/O records. */
export const TRC_HVM_IO_WRITE_FLAG = 0x200;

/** Main classes (bits 16–27), one-hot in practice. */
export const TRC_CLASSES: readonly { main: number; name: string }[] = [
  { main: 0x001, name: 'TRC_GEN' },
  { main: 0x002, name: 'TRC_SCHED' },
  { main: 0x004, name: 'TRC_DOM0OP' },
  { main: 0x008, name: 'TRC_HVM' },
  { main: 0x010, name: 'TRC_MEM' },
  { main: 0x020, name: 'TRC_PV' },
  { main: 0x040, name: 'TRC_SHADOW' },
  { main: 0x080, name: 'TRC_HW' },
  { main: 0x800, name: 'TRC_GUEST' },
];

/** Subclass names by `class mask | subclass << 12`; `f` means the whole class. */
const SUBCLASS_NAMES: Readonly<Record<number, string>> = {
  0x00021000: 'TRC_SCHED_MIN',
  0x00022000: 'TRC_SCHED_CLASS',
  0x00028000: 'TRC_SCHED_VERBOSE',
  0x00041000: 'TRC_DOM0_DOMOPS',
  0x00081000: 'TRC_HVM_ENTRYEXIT',
  0x00082000: 'TRC_HVM_HANDLER',
  0x00084000: 'TRC_HVM_EMUL',
  0x00201000: 'TRC_PV_ENTRY',
  0x00202000: 'TRC_PV_SUBCALL',
  0x00801000: 'TRC_HW_PM',
  0x00802000: 'TRC_HW_IRQ',
};

export interface EventIdParts {
  /** Bits 16–27. */
  main: number;
  /** Bits 12–15. */
  sub: number;
  /** Bits 0–11. */
  minor: number;
}

export function splitEventId(event: number): EventIdParts {
  return { main: (event >>> 16) & 0xfff, sub: (event >>> 12) & 0xf, minor: event & 0xfff };
}

/** `TRC_HVM`, or `class 0x100` for a class Xen never defined. */
export function className(event: number): string {
  const main = (event >>> 16) & 0xfff;
  const known = TRC_CLASSES.find((c) => c.main === main);
  return known ? known.name : `class 0x${main.toString(16)}`;
}

/** `TRC_HVM_HANDLER`; for subclass `f` the class name itself. */
export function subclassName(event: number): string {
  const sub = (event >>> 12) & 0xf;
  if (sub === 0xf) return className(event);
  return SUBCLASS_NAMES[(event & 0x0ffff000) >>> 0] ?? `${className(event)} subclass ${sub}`;
}

/** The class mask (`0x0008f000`) for a class name such as `hvm`, `TRC_HVM` or `HVM`. */
export function classMaskByName(name: string): number | undefined {
  const want = name.toUpperCase().replace(/^TRC_/, '');
  const known = TRC_CLASSES.find((c) => c.name === `TRC_${want}`);
  return known ? ((known.main << 16) | 0xf000) >>> 0 : undefined;
}

/** Xen accepts only IDs with a main class; a zero class cannot come from the hypervisor. */
export function hasValidClass(event: number): boolean {
  return ((event >>> 16) & 0xfff) !== 0;
}

export function hex32(v: number): string {
  return '0x' + (v >>> 0).toString(16).padStart(8, '0');
}
