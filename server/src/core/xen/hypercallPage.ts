import { hypercallMacro, hypercallName } from './hypercalls';

/** Every stub in Xen's hypercall page is 32 bytes long, for 32- and 64-bit and HVM guests. */
export const HYPERCALL_STUB_SIZE = 32;
/** The page is one 4 KiB page: 128 stubs. */
export const HYPERCALL_PAGE_SIZE = 0x1000;

// Offsets of the return address inside a stub, i.e. where a frame taken while the
// hypercall runs points (xen/arch/x86/pv/hypercall.c, xen/arch/x86/hvm/{vmx,svm}/*.c).
const RETURN_OFFSETS: readonly { offset: number; guest: string }[] = [
  { offset: 0x0a, guest: '64-bit PV guest (push %rcx; push %r11; mov $N,%eax; syscall)' },
  { offset: 0x07, guest: '32-bit PV guest (mov $N,%eax; int $0x82)' },
  { offset: 0x08, guest: 'HVM/PVH guest (mov $N,%eax; vmcall or vmmcall)' },
];

export interface HypercallStub {
  /** Hypercall number = offset / 32. */
  number: number;
  /** `sched_op`, or undefined for a number Xen never assigned. */
  name: string | undefined;
  /** `__HYPERVISOR_sched_op`. */
  macro: string;
  /** Offset inside the 32-byte stub. */
  offsetInStub: number;
  /** Which guest's stub returns at this offset, when it is a known return address. */
  returnSiteOf: string | undefined;
}

/** Decodes an offset inside `hypercall_page` into the stub it falls in. */
export function decodeHypercallPageOffset(offset: number): HypercallStub | undefined {
  if (!Number.isInteger(offset) || offset < 0 || offset >= HYPERCALL_PAGE_SIZE) return undefined;
  const number = Math.floor(offset / HYPERCALL_STUB_SIZE);
  const offsetInStub = offset % HYPERCALL_STUB_SIZE;
  return {
    number,
    name: hypercallName(number),
    macro: hypercallMacro(number),
    offsetInStub,
    returnSiteOf: RETURN_OFFSETS.find((r) => r.offset === offsetInStub)?.guest,
  };
}
