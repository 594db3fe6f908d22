// Sub-command names of the hypercalls whose arguments HYPERCALL_V2 records
// (xen/common/trace.c __trace_hypercall), from xen/include/public/{sched,vcpu,grant_table}.h.
import { hypercallMacro } from '../../xen/hypercalls';

const SCHEDOP_CMDS: readonly string[] = [
  'yield', 'block', 'shutdown', 'poll', 'remote_shutdown', 'shutdown_code', 'watchdog', 'pin_override',
];
const VCPUOP_CMDS: readonly string[] = [
  'initialise', 'up', 'down', 'is_up', 'get_runstate_info', 'register_runstate_memory_area',
  'set_periodic_timer', 'stop_periodic_timer', 'set_singleshot_timer', 'stop_singleshot_timer',
  'register_vcpu_info', 'send_nmi', 'get_physid', 'register_vcpu_time_memory_area',
];
const GNTTABOP_CMDS: readonly string[] = [
  'map_grant_ref', 'unmap_grant_ref', 'setup_table', 'dump_table', 'transfer', 'copy', 'query_size',
  'unmap_and_replace', 'set_version', 'get_status_frames', 'get_version', 'swap_grant_ref', 'cache_flush',
];

/** Meaning of argument `arg` (0-based) of hypercall `nr`, when Xen's tracer records it. */
export function hypercallArgMeaning(nr: number, arg: number, value: number): string | undefined {
  const pick = (names: readonly string[], prefix: string) =>
    names[value] === undefined ? undefined : `${prefix}${names[value]}`;
  switch (nr) {
    case 29: // sched_op(cmd, arg)
      return arg === 0 ? pick(SCHEDOP_CMDS, 'SCHEDOP_') : undefined;
    case 24: // vcpu_op(cmd, vcpuid, arg)
      return arg === 0 ? pick(VCPUOP_CMDS, 'VCPUOP_') : arg === 1 ? `vcpu ${value}` : undefined;
    case 20: // grant_table_op(cmd, uop, count)
      return arg === 0 ? pick(GNTTABOP_CMDS, 'GNTTABOP_') : arg === 2 ? `${value} ops` : undefined;
    case 1: // mmu_update(req, count, …)
    case 26: // mmuext_op(op, count, …)
      if (arg !== 1) return undefined;
      // MMU_UPDATE_PREEMPTED: bit 31 marks a continuation of a preempted call.
      return (value & 0x80000000) !== 0 ? `${value & 0x7fffffff} ops (preempted)` : `${value} ops`;
    case 13: // multicall(call_list, nr_calls)
      return arg === 1 ? `${value} calls` : undefined;
    default:
      return undefined;
  }
}

/** `__HYPERVISOR_sched_op (29)`. */
export function hypercallNumberMeaning(nr: number): string {
  return `${hypercallMacro(nr)} (${nr})`;
}
