// Decides from the first kilobytes whether a plain .log/.txt file is a kernel or Xen log, so the
// client can offer the kernel-log language. Several independent signs must agree: one stray
// "BUG:" in an application log is not enough.

/** How much of a file is looked at. */
export const SNIFF_BYTES = 16 * 1024;

const SIGNS: readonly RegExp[] = [
  /^(?:<\d>)?\[ {0,5}\d{1,6}\.\d{6}\] /m, // printk timestamp
  /^\(XEN\) /m, // Xen console
  /\b(?:Call Trace|Xen call trace):/,
  /\[<(?:0x)?[0-9a-f]{8,16}>\]/, // [<addr>] frame
  /\b(?:BUG: soft lockup|Kernel panic - not syncing|general protection fault|Oops: |WARNING: CPU: |INFO: rcu_\w+ (?:self-)?detected stall|----\[ Xen-)/,
  /\bLinux version \d+\.\d+/,
  /\bkernel: /, // syslog / journal prefix
  /\b(?:RIP|RSP): [0-9a-f]{4}:/,
  /\b\d,\d{1,10},\d{1,20},[-+c]{1,3};/, // raw /dev/kmsg record
  /<\/?(?:IRQ|TASK|NMI|EOI|SOFTIRQ)>/, // stack context markers
  /\b[a-z_][\w.]*\+0x[0-9a-f]+\/0x[0-9a-f]+\b/, // sym+off/size
];

/** True when at least `needed` different signs of a kernel/Xen log appear in `head`. */
export function looksLikeKernelLog(head: string, needed = 2): boolean {
  const text = head.length > SNIFF_BYTES ? head.slice(0, SNIFF_BYTES) : head;
  let seen = 0;
  for (const sign of SIGNS) {
    if (sign.test(text) && ++seen >= needed) return true;
  }
  return false;
}
