// x86 page-table entry flags (Intel SDM vol. 3 §4.5; Xen's _PAGE_* in asm/x86_64/page.h).

const PTE_FLAGS: readonly [number, string][] = [
  [0, 'P'],
  [1, 'RW'],
  [2, 'US'],
  [3, 'PWT'],
  [4, 'PCD'],
  [5, 'A'],
  [6, 'D'],
  [7, 'PSE/PAT'],
  [8, 'G'],
];

/** `P RW US A D NX mfn 0x1234` for a 64-bit PTE (bits 12–51 are the frame). */
export function pteMeaning(pte: bigint): string {
  const flags = PTE_FLAGS.filter(([bit]) => ((pte >> BigInt(bit)) & 1n) === 1n).map(([, n]) => n);
  if (((pte >> 63n) & 1n) === 1n) flags.push('NX');
  const frame = (pte >> 12n) & 0xffffffffffn;
  if ((pte & 1n) === 0n) flags.unshift('not present:');
  return `${flags.join(' ')} mfn 0x${frame.toString(16)}`;
}

/** Shadow event IDs carry the guest paging level minus 2 in bits 8–11. */
export function shadowGuestLevels(event: number): number {
  return ((event >>> 8) & 0xf) + 2;
}
