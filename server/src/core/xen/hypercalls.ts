// Hypercall numbers from Xen's xen/include/public/xen.h (__HYPERVISOR_*).
// Index = hypercall number. Holes are numbers Xen never assigned.
const HYPERCALL_NAMES: readonly (string | undefined)[] = [
  'set_trap_table', // 0
  'mmu_update',
  'set_gdt',
  'stack_switch',
  'set_callbacks',
  'fpu_taskswitch', // 5
  'sched_op_compat',
  'platform_op', // dom0_op before Xen 3.2
  'set_debugreg',
  'get_debugreg',
  'update_descriptor', // 10
  undefined,
  'memory_op',
  'multicall',
  'update_va_mapping',
  'set_timer_op', // 15
  'event_channel_op_compat',
  'xen_version',
  'console_io',
  'physdev_op_compat',
  'grant_table_op', // 20
  'vm_assist',
  'update_va_mapping_otherdomain',
  'iret',
  'vcpu_op',
  'set_segment_base', // 25
  'mmuext_op',
  'xsm_op',
  'nmi_op',
  'sched_op',
  'callback_op', // 30
  'xenoprof_op',
  'event_channel_op',
  'physdev_op',
  'hvm_op',
  'sysctl', // 35
  'domctl',
  'kexec_op',
  'tmem_op',
  'argo_op', // xc_reserved_op before Xen 4.13
  'xenpmu_op', // 40
  'dm_op',
  'hypfs_op',
  undefined,
  undefined,
  undefined, // 45
  undefined,
  undefined,
  'arch_0', // x86: paging_domctl_cont
  'arch_1', // x86: mca
  'arch_2', // 50
  'arch_3',
  'arch_4',
  'arch_5',
  'arch_6',
  'arch_7', // 55
];

/** x86 names of the architecture-specific slots. */
const X86_ARCH_NAMES: Readonly<Record<number, string>> = { 48: 'paging_domctl_cont', 49: 'mca' };

/** The short name (`sched_op`) of hypercall `nr`, or undefined if Xen never assigned it. */
export function hypercallName(nr: number): string | undefined {
  return X86_ARCH_NAMES[nr] ?? HYPERCALL_NAMES[nr];
}

/** `__HYPERVISOR_sched_op` for 29; `hypercall 99` for an unassigned number. */
export function hypercallMacro(nr: number): string {
  const name = hypercallName(nr);
  return name === undefined ? `hypercall ${nr}` : `__HYPERVISOR_${name}`;
}

export const HYPERCALL_COUNT = HYPERCALL_NAMES.length;
