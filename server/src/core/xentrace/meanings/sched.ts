// Scheduler-related meanings: runstates (public/vcpu.h), domain IDs (public/xen.h),
// shutdown reasons (public/sched.h), scheduler IDs (TRC_SCHED_CLASS_EVT users in xen/common/sched).

export const RUNSTATES: readonly string[] = ['running', 'runnable', 'blocked', 'offline'];

export function runstateName(state: number): string {
  return RUNSTATES[state] ?? `state ${state}`;
}

/** DOMID_IDLE. */
export const DOMID_IDLE = 0x7fff;

/** `d0`, `d32767 (idle)`, `DOMID_SELF`… */
export function domainName(dom: number): string {
  switch (dom) {
    case DOMID_IDLE:
      return 'd32767 (idle)';
    case 0x7ff0:
      return 'DOMID_SELF';
    case 0x7ff1:
      return 'DOMID_IO';
    case 0x7ff2:
      return 'DOMID_XEN';
    case 0x7ff3:
      return 'DOMID_COW';
    case 0x7ff4:
      return 'DOMID_INVALID';
    default:
      return `d${dom}`;
  }
}

/** One word with the vCPU in bits 0–15 and the domain in bits 16–31: `d0v2`. */
export function domVcpuName(word: number): string {
  const dom = word >>> 16;
  const vcpu = word & 0xffff;
  return dom === DOMID_IDLE ? `d32767v${vcpu} (idle)` : `d${dom}v${vcpu}`;
}

const SHUTDOWN_REASONS: readonly string[] = ['poweroff', 'reboot', 'suspend', 'crash', 'watchdog', 'soft_reset'];

export function shutdownReasonName(code: number): string {
  return SHUTDOWN_REASONS[code] === undefined ? `reason ${code}` : `SHUTDOWN_${SHUTDOWN_REASONS[code]}`;
}

/** Scheduler IDs in bits 9–11 of TRC_SCHED_CLASS events; 2 (SEDF) was removed. */
export const SCHEDULERS: Readonly<Record<number, { name: string; prefix: string }>> = {
  0: { name: 'credit', prefix: 'TRC_CSCHED_' },
  1: { name: 'credit2', prefix: 'TRC_CSCHED2_' },
  2: { name: 'sedf (removed)', prefix: 'TRC_SEDF_' },
  3: { name: 'arinc653', prefix: 'TRC_A653_' },
  4: { name: 'RTDS', prefix: 'TRC_RTDS_' },
  5: { name: 'null', prefix: 'TRC_SNULL_' },
};
