// x86 exception vectors (Intel SDM vol. 3 table 6-1; AMD APM vol. 2 §8.2) and page-fault error bits.

const VECTOR_NAMES: Readonly<Record<number, string>> = {
  0: '#DE divide error',
  1: '#DB debug',
  2: 'NMI',
  3: '#BP breakpoint',
  4: '#OF overflow',
  5: '#BR bound range',
  6: '#UD invalid opcode',
  7: '#NM device not available',
  8: '#DF double fault',
  9: 'coprocessor segment overrun',
  10: '#TS invalid TSS',
  11: '#NP segment not present',
  12: '#SS stack fault',
  13: '#GP general protection',
  14: '#PF page fault',
  16: '#MF x87 FP error',
  17: '#AC alignment check',
  18: '#MC machine check',
  19: '#XM SIMD FP exception',
  20: '#VE virtualization exception',
  21: '#CP control protection',
  28: '#HV hypervisor injection',
  29: '#VC VMM communication',
  30: '#SX security exception',
};

/** `#PF page fault` for 14; `vector 0xf3 (external interrupt)` above 31. */
export function vectorName(vector: number): string {
  const name = VECTOR_NAMES[vector];
  if (name !== undefined) return name;
  if (vector < 32) return `reserved vector ${vector}`;
  return `vector 0x${vector.toString(16)} (external interrupt)`;
}

// Page-fault error code bits (Intel SDM vol. 3 §4.7).
const PF_BITS: readonly [number, string, string][] = [
  [0, 'protection violation', 'not present'],
  [1, 'write', 'read'],
  [2, 'user', 'supervisor'],
  [3, 'reserved bit set', ''],
  [4, 'instruction fetch', ''],
  [5, 'protection key', ''],
  [6, 'shadow stack', ''],
  [15, 'SGX', ''],
];

/** `not present, write, user` for 0x6. */
export function pageFaultErrorMeaning(ec: number): string {
  const parts: string[] = [];
  for (const [bit, set, clear] of PF_BITS) {
    const text = (ec >>> bit) & 1 ? set : clear;
    if (text) parts.push(text);
  }
  return parts.join(', ');
}
