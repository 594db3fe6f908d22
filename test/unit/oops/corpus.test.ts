import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { parseLog, type ParsedLog } from '../../../server/src/core/oops/reports';
import type { Frame } from '../../../server/src/core/oops/frames';

// Every log in test/fixtures/oops/logs is a test. The expectations were written by reading each
// log: `at` is the 1-based line number of the headline as `grep -n` prints it, frames are copied
// from the text of the line given (1-based). Offsets and sizes are the printed numbers.

const LOGS = path.join(__dirname, '../../fixtures/oops/logs');

interface ReportExp {
  kind: string;
  /** 1-based line of the headline (must lie within the report). */
  at: number;
  cpu?: number;
  pid?: number;
  comm?: string;
  version?: string;
}
interface FrameExp {
  /** 1-based line. */
  l: number;
  sym?: string;
  off?: number;
  size?: number;
  addr?: bigint;
  mod?: string;
  rel?: boolean;
  ctx?: string;
  /** which frame on the line (0 default) */
  n?: number;
  reg?: string;
}
interface LogExp {
  reports: ReportExp[];
  frames: FrameExp[];
}

const EXPECT: Record<string, LogExp> = {
  'abrt-examples-10_oopses.txt': {
    reports: [{ kind: 'warning', at: 16, cpu: 0, pid: 37 }, { kind: 'warning', at: 69 }, { kind: 'warning', at: 122 }],
    frames: [{ l: 28, sym: 'warn_slowpath_common', off: 0x7d, size: 0xa0, addr: 0xffffffff810691ddn }, { l: 525, sym: 'insert_kthread_work', off: 0x40, size: 0x40, rel: false }],
  },
  'abrt-examples-cut_here.txt': {
    reports: [{ kind: 'warning', at: 4, pid: 143, comm: 'modprobe', version: '2.6.32-19.el6.x86_64' }],
    frames: [{ l: 13, sym: 'warn_slowpath_fmt', off: 0x41, size: 0x50, addr: 0xffffffff81067cd1n }, { l: 43, sym: 'system_call_fastpath', off: 0x16, size: 0x1b }],
  },
  'abrt-examples-oops10_s390x.txt': {
    reports: [{ kind: 'bug', at: 4, cpu: 0, pid: 10721, comm: 'systemd-udevd' }],
    frames: [
      { l: 9, reg: 'Krnl PSW', sym: 'scsi_alloc_sgtable', off: 0x62, size: 0x7c, addr: 0x431f8en },
      { l: 16, addr: 0x27f8000n, rel: false },
      { l: 17, sym: 'scsi_init_io', off: 0xdc, size: 0x184, addr: 0x432114n },
      { l: 18, sym: 'sd_prep_fn', off: 0xfa, size: 0xd1c, mod: 'sd_mod' },
    ],
  },
  'abrt-examples-oops2-lockdep.txt': {
    reports: [{ kind: 'lockdep', at: 4, pid: 3017, comm: '94cpufreq' }],
    frames: [{ l: 8, sym: 'sysfs_addrm_finish', off: 0x36, size: 0x55, addr: 0xffffffff81177332n }, { l: 53, sym: 'system_call_fastpath', off: 0x16, size: 0x1b }],
  },
  'abrt-examples-oops8_ppc64.txt': {
    reports: [{ kind: 'warning', at: 4, cpu: 1, pid: 191 }],
    frames: [
      { l: 22, reg: 'NIP', sym: '.eeh_dev_check_failure', off: 0x27c, size: 0x390, addr: 0xc000000008068dfcn },
      { l: 26, sym: '.eeh_dev_check_failure', off: 0x278, size: 0x390, addr: 0xc000000008068df8n, rel: false },
      { l: 45, sym: 'syscall_exit', off: 0, size: 0x98, addr: 0xc000000008009ed4n },
    ],
  },
  'apritzel-pine64-5-arm64-4.4-bad-mode.txt': {
    reports: [{ kind: 'bug', at: 4, cpu: 2, pid: 0, comm: 'swapper/2' }],
    frames: [{ l: 9, reg: 'LR', sym: 'sched_clock', off: 0x50, size: 0xd8 }, { l: 8, reg: 'PC', addr: 0x200000n }],
  },
  'dasharo-coreboot-pr-592-xen-ioapic-boot-crash.txt': {
    reports: [{ kind: 'backtrace', at: 10 }],
    frames: [
      { l: 11, sym: '__ioapic_write_entry', off: 0x83, size: 0x95, addr: 0xffff82d040327dbcn },
      { l: 13, sym: 'iommu_update_ire_from_apic', off: 0xa, size: 0xc },
      { l: 15, sym: 'arch/x86/io_apic.c#clear_IO_APIC_pin', off: 0x7c, size: 0x10e },
    ],
  },
  'dasharo-issues-488-xen-4.17.2-credit2-crash.txt': {
    reports: [{ kind: 'xen-crash', at: 4, cpu: 0, version: '4.17.2' }],
    frames: [{ l: 6, reg: 'RIP', sym: 'credit2.c#csched2_free_domdata', off: 0x65, size: 0xd0, addr: 0xffff82d04023a355n }],
  },
  'extendedfi-jmr540-kmsg-arm32-3.18.txt': {
    reports: [{ kind: 'warning', at: 469, cpu: 0, pid: 21, version: '3.18.20' }, { kind: 'warning', at: 490 }, { kind: 'warning', at: 562, pid: 1 }],
    frames: [
      { l: 474, n: 1, sym: 'warn_slowpath_common', off: 0x68, size: 0x88, addr: 0xc001c2d4n },
      { l: 684, n: 1, sym: 'ret_fast_syscall', off: 0, size: 0x38, addr: 0xc000dc80n },
    ],
  },
  'irati-stack-396-syslog-wall-interleaved.txt': {
    reports: [{ kind: 'soft-lockup', at: 15, cpu: 5, pid: 4176, comm: 'modprobe' }],
    frames: [],
  },
  'linux-doc-bug-hunting-klogd-1990s-syslog.txt': {
    reports: [{ kind: 'page-fault', at: 3, cpu: 0 }],
    frames: [
      { l: 8, reg: 'EIP', sym: '_oops', off: 16, size: 3868, mod: 'oops' },
      { l: 17, n: 0, sym: '_oops_ioctl', off: 48, size: 80, mod: 'oops' },
      { l: 17, n: 2, sym: '_system_call', off: 82, size: 128 },
    ],
  },
  'lkml-2006-05-31-2.6.17-rc5-mm1-x86_64-panic-quoted.txt': {
    reports: [{ kind: 'page-fault', at: 4, pid: 0, comm: 'idle', version: '2.6.17-rc5-mm1' }],
    frames: [
      { l: 5, sym: 'stext', off: 0x7feff0e8, size: 0xe8, addr: 0n },
      { l: 27, sym: 'do_IRQ', off: 0x4f, size: 0x5e, ctx: 'IRQ' },
      { l: 49, sym: 'ret_from_intr', off: 0, size: 0xa },
    ],
  },
  'lkml-2006-07-16-2.6.17-fc5-x86_64-softlockup.txt': {
    reports: [{ kind: 'soft-lockup', at: 3, cpu: 0 }],
    frames: [
      { l: 5, sym: 'softlockup_tick', off: 219, addr: 0xffffffff802b2fb5n, ctx: 'IRQ' },
      { l: 7, sym: 'smp_local_timer_interrupt', off: 35 },
      { l: 21, sym: 'tracesys', off: 209 },
    ],
  },
  'lkml-2006-2.6.15-gentoo-x86_64-addresses-only.txt': {
    reports: [{ kind: 'oops', at: 3, cpu: 1, pid: 0, comm: 'swapper', version: '2.6.15-gentoo-r5' }],
    frames: [{ l: 25, n: 1, addr: 0xffffffff8026b40en, ctx: 'IRQ' }, { l: 26, addr: 0xffffffff80269cdbn }],
  },
  'lkrg-pr-339-dev-kmsg-raw-records.txt': {
    reports: [{ kind: 'backtrace', at: 4 }],
    frames: [
      { l: 4, sym: '__pfx_watchdog_timer_fn', off: 0x10, size: 0x10, rel: false },
      { l: 15, sym: 'p_ed_enforce_validation_paranoid', off: 0xba, size: 0x3a0, mod: 'lkrg', ctx: 'TASK' },
      { l: 24, sym: 'ret_from_fork_asm', off: 0x1a, size: 0x30 },
    ],
  },
  'oops2core-readme-arm32-4.18-yocto.txt': {
    reports: [{ kind: 'page-fault', at: 5, cpu: 0, pid: 17 }],
    frames: [
      { l: 13, reg: 'PC', sym: 'really_explode', off: 0x24, size: 0x3c },
      { l: 15, reg: 'pc', addr: 0xc052fa4cn },
      { l: 15, reg: 'lr', addr: 0xc006d464n },
      { l: 37, n: 1, sym: 'ret_from_fork', off: 0x14, size: 0x34, addr: 0xc00090e0n },
    ],
  },
  'openzfs-zfs-777-syslog-ng-gentoo-rcu.txt': {
    reports: [{ kind: 'backtrace', at: 5 }],
    frames: [
      { l: 6, sym: '__const_udelay', off: 0x28, size: 0x30, addr: 0xffffffff8146c8b8n, ctx: 'IRQ' },
      { l: 16, sym: 'call_softirq', off: 0x1c, size: 0x30, rel: false },
    ],
  },
  'qubes-issue-3217-dom0-4.4-xen-eoi-hypercall.txt': {
    reports: [{ kind: 'backtrace', at: 4 }],
    frames: [
      { l: 4, sym: 'handle_irq_event', off: 0x3b, size: 0x60, addr: 0xffffffff810f72ebn },
      { l: 13, sym: 'xen_hypercall_sched_op', off: 0xa, size: 0x20, rel: false },
      { l: 23, sym: 'xen_start_kernel', off: 0x8c6, size: 0x8e9, rel: false },
    ],
  },
  'qubes-issue-6052-pv-domu-5.8-on-xen-4.14.txt': {
    reports: [{ kind: 'page-fault', at: 4, cpu: 0, pid: 1, comm: 'swapper/0' }],
    frames: [{ l: 10, reg: 'RIP', sym: 'pmc_core_probe', off: 0x138, size: 0x190 }],
  },
  'qubes-issue-7340-xen-nmi-panic.txt': {
    reports: [{ kind: 'xen-crash', at: 22 }],
    frames: [
      { l: 5, sym: '_spin_lock_irq', off: 0x22, size: 0x50, addr: 0xffff82d040224922n },
      { l: 7, sym: 'core.c#sched_slave', off: 0x10f, size: 0x270, rel: false },
      { l: 19, reg: 'CPU5', sym: 'mwait_idle_with_hints', off: 0xfb, size: 0x140, addr: 0xffff82d04026c31bn },
    ],
  },
  'raspberrypi-linux-3757-arm32-5.4-cut-here.txt': {
    reports: [{ kind: 'page-fault', at: 6, cpu: 1, pid: 0, comm: 'swapper/1', version: '5.4.51-v7+' }],
    frames: [{ l: 13, reg: 'PC', sym: '__dma_clear_buffer', off: 0, size: 0x6c }, { l: 15, reg: 'lr', addr: 0x8010cfd4n }],
  },
  'raspberrypi-linux-6738-arm64-interleaved-oops.txt': {
    reports: [{ kind: 'oops', at: 5, cpu: 0, pid: 220 }],
    frames: [{ l: 15, reg: 'pc', sym: '__kmem_cache_alloc_node', off: 0xd0, size: 0x260 }, { l: 17, reg: 'lr', sym: '__kmem_cache_alloc_node', off: 0x60, size: 0x260 }],
  },
  'satyr-kerneloopses-github-102.txt': {
    reports: [{ kind: 'warning', at: 3 }],
    frames: [{ l: 13, sym: 'warn_slowpath_common', off: 0x70, size: 0xa0, addr: 0xffffffff8105d660n }, { l: 28, sym: 'kthread_create_on_node', off: 0x120, size: 0x120, rel: false }],
  },
  'satyr-kerneloopses-gitlog-22-arm-lockdep.txt': {
    reports: [{ kind: 'lockdep', at: 4 }],
    frames: [
      { l: 8, sym: 'jffs2_garbage_collect_pass', off: 0x314, size: 0x890, addr: 0xc01f7714n },
      { l: 18, sym: 'validate_chain', off: 0xe6c, size: 0x10bc },
      { l: 64, n: 1, sym: 'kernel_thread_exit', off: 0, size: 0x8, addr: 0xc000f264n },
    ],
  },
  'satyr-kerneloopses-rhbz-1518943.txt': {
    reports: [{ kind: 'page-fault', at: 3 }],
    frames: [
      { l: 11, reg: 'RIP', sym: 'amdgpu_vm_sdma_commit', off: 0x46, size: 0x120, mod: 'amdgpu' },
      { l: 25, sym: 'amdgpu_vm_num_entries', off: 0x1e, size: 0x70, mod: 'amdgpu', rel: false },
      { l: 40, sym: 'entry_SYSCALL_64_after_hwframe', off: 0x44, size: 0xa9 },
    ],
  },
  'systemd-centos-ci-660-arch-6.5-softlockup-panic.txt': {
    reports: [{ kind: 'soft-lockup', at: 4, cpu: 3, pid: 0, comm: 'swapper/3' }],
    frames: [{ l: 11, sym: 'dump_stack_lvl', off: 0x47, size: 0x60 }, { l: 20, reg: 'RIP', sym: '__do_softirq', off: 0x7c, size: 0x2c8 }],
  },
  'syzkaller-report-236.txt': {
    reports: [{ kind: 'warning', at: 4, cpu: 0, pid: 2587, comm: 'syz-executor2' }],
    frames: [{ l: 10, n: 1, sym: 'dump_stack', off: 0xa0, size: 0xc0, addr: 0x80b12478n }],
  },
  'syzkaller-report-264.txt': {
    reports: [{ kind: 'soft-lockup', at: 3, cpu: 1, pid: 4588, comm: 'syz-executor4' }, { kind: 'backtrace', at: 39 }],
    frames: [{ l: 6, sym: 'd_walk', off: 0x80f, size: 0xc80, addr: 0xffffffff81c66ccfn }, { l: 94, sym: 'entry_SYSCALL_64_after_hwframe', off: 0x49, size: 0xbe }],
  },
  'syzkaller-report-338.txt': {
    reports: [{ kind: 'kasan', at: 4, cpu: 0, pid: 5851, comm: 'insmod', version: '4.20.0-next-20190102' }],
    frames: [{ l: 11, sym: 'dump_stack_print_info.cold', off: 0x20, size: 0x20, rel: false }, { l: 67, sym: 'entry_SYSCALL_64_after_hwframe', off: 0x49, size: 0xbe }],
  },
  'syzkaller-report-431.txt': {
    reports: [{ kind: 'page-fault', at: 5, cpu: 0, pid: 12 }],
    frames: [
      { l: 24, reg: 'NIP', sym: 'partition_sched_domains_locked', off: 0x1ac, size: 0x5f0, addr: 0xc00000000022d79cn },
      { l: 29, sym: 'rebuild_sched_domains_locked', off: 0x7b0, size: 0x13a0, addr: 0xc00000000030a060n },
      { l: 37, sym: 'ret_from_kernel_thread', off: 0x5c, size: 0x80 },
    ],
  },
  'syzkaller-report-538.txt': {
    reports: [{ kind: 'soft-lockup', at: 3, cpu: 1, pid: 16401, comm: 'syz-executor.3' }, { kind: 'backtrace', at: 82, cpu: 0 }],
    frames: [{ l: 6, sym: 'asm_sysvec_irq_work', off: 0x12, size: 0x20, addr: 0xffffffff89000d42n }, { l: 39, reg: 'RIP', sym: 'preempt_schedule_irq', off: 0x49, size: 0x90 }],
  },
  'syzkaller-report-550.txt': {
    reports: [{ kind: 'hung-task', at: 3, pid: 10324, comm: 'syz-executor.0', version: '5.10.2' }],
    frames: [
      { l: 8, n: 1, sym: 'schedule', off: 0x60, size: 0xdc, addr: 0x80c1eb20n },
      { l: 10, n: 1, sym: 'wait_on_page_bit_common', off: 0x1fc, size: 0x59c },
      { l: 30, n: 1, sym: 'ret_fast_syscall', off: 0, size: 0x54 },
    ],
  },
  'syzkaller-report-607.txt': {
    reports: [{ kind: 'page-fault', at: 3, cpu: 0, pid: 5233 }],
    frames: [{ l: 8, reg: 'epc', sym: 'schedule_tail', off: 0x72, size: 0xb2 }, { l: 23, sym: 'schedule_tail', off: 0x72, size: 0xb2, addr: 0xffffffe00008c762n }],
  },
  'syzkaller-report-692.txt': {
    reports: [{ kind: 'hung-task', at: 3, pid: 5166, comm: 'kworker/u4:6' }, { kind: 'backtrace', at: 27, cpu: 0 }, { kind: 'backtrace', at: 43, cpu: 1 }],
    frames: [
      { l: 10, sym: 'context_switch', ctx: 'TASK' },
      { l: 11, sym: '__schedule', off: 0xadf, size: 0x5270 },
      { l: 72, sym: 'ret_from_fork', off: 0x1f, size: 0x30 },
    ],
  },
  'syzkaller-report-718.txt': {
    reports: [{ kind: 'rcu-stall', at: 3 }, { kind: 'backtrace', at: 40, cpu: 0 }],
    frames: [{ l: 12, sym: '__schedule', off: 0x1335, size: 0x44b0 }, { l: 14, sym: '__mod_timer', off: 0xa6f, size: 0x10a0, rel: false }],
  },
  'syzkaller-report-734.txt': {
    reports: [{ kind: 'page-fault', at: 3, cpu: 0, pid: 6560 }],
    frames: [{ l: 22, reg: 'pc', sym: '__hwasan_check_x0_67043363', off: 0x4, size: 0x30 }, { l: 52, sym: 'el0t_64_sync', off: 0x190, size: 0x194 }],
  },
  'syzkaller-report-999.txt': {
    reports: [{ kind: 'warning', at: 4, cpu: 0, pid: 10040 }],
    frames: [{ l: 11, reg: 'ra', sym: 'io_ring_exit_work', off: 0x44c, size: 0xbc0 }, { l: 29, sym: 'ret_from_fork_kernel_asm', off: 0x16, size: 0x18, addr: 0xffffffff863b21b2n }],
  },
  'syzkaller-symbolize-1.txt': {
    reports: [{ kind: 'lockdep', at: 4 }],
    frames: [{ l: 19, sym: 'lock_acquire', off: 0x120, size: 0x360 }, { l: 160, sym: 'entry_SYSCALL_64_after_hwframe', off: 0x77, size: 0x7f }],
  },
  'xen-4.17-qemu-dom0-6.1.0-56-sysrq.txt': {
    reports: [{ kind: 'backtrace', at: 469, cpu: 1 }, { kind: 'backtrace', at: 509, cpu: 0 }],
    frames: [{ l: 474, sym: 'dump_stack_lvl', off: 0x44, size: 0x5c }, { l: 476, sym: 'lapic_can_unplug_cpu', off: 0x70, size: 0x70, rel: false }],
  },
  'xen-4.17-qemu-pv-domU-softlockup.txt': {
    reports: [{ kind: 'soft-lockup', at: 24, cpu: 0, pid: 1965, comm: 'ls', version: '6.1.0-56-amd64' }],
    frames: [{ l: 27, reg: 'RIP', sym: 'proc_sys_revalidate', off: 0, size: 0x30 }, { l: 41, sym: 'walk_component', off: 0x1f, size: 0x150 }],
  },
  'xen-4.17-qemu-xl-dmesg-debugkeys.txt': {
    reports: [{ kind: 'xen-debugkey', at: 171 }, { kind: 'xen-debugkey', at: 207, cpu: 1 }],
    frames: [
      { l: 221, reg: 'RIP', sym: 'arch/x86/domain.c#default_idle', off: 0xc6, size: 0xf0, addr: 0xffff82d0402f9c06n },
      { l: 527, sym: 'context_switch', off: 0x1f4, size: 0x910, rel: false },
    ],
  },
  'xen-bugzilla-543-2.6.18-xen-domU-softlockup.txt': {
    reports: [{ kind: 'soft-lockup', at: 3, cpu: 0 }, { kind: 'soft-lockup', at: 20 }, { kind: 'soft-lockup', at: 38 }],
    frames: [
      { l: 6, sym: 'softlockup_tick', off: 0xcc, size: 0xde, ctx: 'IRQ' },
      { l: 13, sym: 'hypercall_page', off: 0x22a, size: 0x1000, addr: 0xffffffff8020622an, ctx: 'task' },
      { l: 32, sym: 'raw_safe_halt', off: 0xb7, size: 0xdd },
    ],
  },
  'xen-commit-0544c4ee4b-arm32-2022.txt': {
    reports: [{ kind: 'xen-crash', at: 14 }],
    frames: [{ l: 4, sym: '_xmalloc', off: 0xfc, size: 0x314, addr: 0x2389f4n }, { l: 10, addr: 0x40010170n }],
  },
  'xen-commit-282fa3fdb6-arm64-2025.txt': {
    reports: [{ kind: 'xen-crash', at: 4 }],
    frames: [
      { l: 7, sym: 'enable_nonboot_cpus', off: 0x128, size: 0x1ac, addr: 0xa0000202264n },
      { l: 9, sym: 'suspend.c#system_suspend', off: 0x4c, size: 0x1a0 },
      { l: 15, addr: 0x8n },
    ],
  },
  'xen-commit-4f9457ece1-arm64-ubsan-2026.txt': {
    reports: [{ kind: 'xen-crash', at: 4, version: '4.21.1' }],
    frames: [{ l: 9, reg: 'PC', sym: 'ubsan.c#ubsan_epilogue', off: 0x10, size: 0xd4, addr: 0xa00002f64fcn }, { l: 13, sym: '__ubsan_handle_shift_out_of_bounds', off: 0x1a0, size: 0x290 }],
  },
  'xen-commit-9f735ee490-flushtlb-2022.txt': {
    reports: [{ kind: 'xen-crash', at: 4, version: '4.17.0-10.24-d' }],
    frames: [{ l: 6, reg: 'RIP', sym: 'flush_area_mask', off: 0x40, size: 0x13e }, { l: 10, sym: 'modify_xen_mappings', off: 0xc5, size: 0x958 }],
  },
  'xen-commit-d5ccf4482e-xsplice-2016.txt': {
    reports: [{ kind: 'backtrace', at: 3 }],
    frames: [{ l: 4, sym: 'revert_hook', off: 0x31, size: 0x35, mod: 'xen_hello_world' }, { l: 7, sym: 'domain.c#continue_idle_domain', off: 0x9, size: 0x1f }],
  },
  'xen-commit-dc018634b0-sched-2015.txt': {
    reports: [{ kind: 'xen-crash', at: 3, cpu: 6, version: '4.7-unstable' }],
    frames: [
      { l: 5, reg: 'RIP', sym: 'sched_credit.c#csched_schedule', off: 0xf2, size: 0xc3d, addr: 0xffff82d080123a10n },
      { l: 19, sym: 'schedule.c#schedule', off: 0x128, size: 0x635 },
      { l: 22, sym: 'domain.c#idle_loop', off: 0x5b, size: 0x6b },
    ],
  },
};

function framesOn(log: ParsedLog, line0: number): Frame[] {
  return log.frames.filter((f) => f.line === line0);
}

describe('every fixture log', () => {
  const files = fs.readdirSync(LOGS).filter((f) => f.endsWith('.txt')).sort();
  it('has an expectation', () => {
    assert.deepEqual(files.filter((f) => !(f in EXPECT)), []);
  });
  for (const file of files) {
    const exp = EXPECT[file];
    if (!exp) continue;
    it(file, () => {
      const text = fs.readFileSync(path.join(LOGS, file), 'utf8');
      assert.match(text.split('\n')[0], /^# source: /);
      const log = parseLog(text);
      for (const r of exp.reports) {
        const at = r.at - 1;
        const rep = log.reports.find((x) => x.line <= at && at <= x.endLine);
        assert.ok(rep, `${file}: no report around line ${r.at}`);
        assert.equal(rep.kind, r.kind, `${file}:${r.at} kind`);
        if (r.cpu !== undefined) assert.equal(rep.cpu, r.cpu, `${file}:${r.at} cpu`);
        if (r.pid !== undefined) assert.equal(rep.pid, r.pid, `${file}:${r.at} pid`);
        if (r.comm !== undefined) assert.equal(rep.comm, r.comm, `${file}:${r.at} comm`);
        if (r.version !== undefined) assert.equal(rep.version, r.version, `${file}:${r.at} version`);
      }
      for (const f of exp.frames) {
        const onLine = framesOn(log, f.l - 1).filter((x) => (f.reg === undefined ? x.register === undefined || x.role !== 'register' : x.register === f.reg));
        const got = onLine[f.n ?? 0];
        assert.ok(got, `${file}:${f.l}: no frame #${f.n ?? 0}${f.reg ? ` for ${f.reg}` : ''}`);
        const where = `${file}:${f.l}`;
        if (f.sym !== undefined) assert.equal(got.symbol, f.sym, `${where} symbol`);
        if (f.off !== undefined) assert.equal(got.offset, f.off, `${where} offset`);
        if (f.size !== undefined) assert.equal(got.size, f.size, `${where} size`);
        if (f.addr !== undefined) assert.equal(got.address, f.addr, `${where} address`);
        if (f.mod !== undefined) assert.equal(got.module, f.mod, `${where} module`);
        assert.equal(got.reliable, f.rel ?? true, `${where} reliable`);
        if (f.ctx !== undefined) assert.equal(got.context, f.ctx === 'TASK' ? 'task' : f.ctx, `${where} context`);
        // ranges point at the printed text
        const line = text.split('\n')[f.l - 1];
        if (got.symbol !== undefined && got.symStart >= 0) assert.equal(line.slice(got.symStart, got.symEnd), got.symbol, `${where} symbol range`);
        if (got.address !== undefined && got.addrStart >= 0) assert.equal(BigInt('0x' + line.slice(got.addrStart, got.addrEnd)), got.address, `${where} address range`);
      }
    });
  }
});

describe('corpus details', () => {
  it('a PV guest user-mode RIP (selector e033) is not a frame', () => {
    // xen-4.17-qemu-xl-dmesg-debugkeys.txt:174 `(XEN) RIP:    e033:[<ffffffff81a442b5>]` in a guest-state dump
    const text = fs.readFileSync(path.join(LOGS, 'xen-4.17-qemu-xl-dmesg-debugkeys.txt'), 'utf8');
    assert.match(text.split('\n')[173], /RIP: {4}e033:\[<ffffffff81a442b5>\]/);
    assert.deepEqual(framesOn(parseLog(text), 173).filter((f) => f.role === 'register'), []);
  });
  it('JMR540: 70 frames with address and (sym+off/size), as the reference counted', () => {
    const text = fs.readFileSync(path.join(LOGS, 'extendedfi-jmr540-kmsg-arm32-3.18.txt'), 'utf8');
    const withBoth = parseLog(text).frames.filter((f) => f.address !== undefined && f.offset !== undefined && f.size !== undefined);
    // `grep -c ' from \[<' …` = 70 lines, each with one `(caller+off/size)`
    const lines = text.split('\n').filter((l) => !l.startsWith('#') && / from \[</.test(l)).length;
    assert.equal(lines, 70);
    assert.equal(withBoth.length, 70);
  });
  it('groups the 2.6.18 Xen domU soft lockups into a handful of stacks', () => {
    const text = fs.readFileSync(path.join(LOGS, 'xen-bugzilla-543-2.6.18-xen-domU-softlockup.txt'), 'utf8');
    const log = parseLog(text);
    // `grep -c '^BUG: soft lockup detected'` on the file (the header line mentions it too)
    const headlines = text.split('\n').filter((l) => l.startsWith('BUG: soft lockup detected')).length;
    assert.equal(log.reports.filter((r) => r.kind === 'soft-lockup').length, headlines);
    const groups = new Set(log.reports.map((r) => r.group));
    assert.ok(groups.size < headlines, `${groups.size} groups for ${headlines} lockups`);
    // the idle lockups (`raw_safe_halt` under `hypercall_page+0x3aa`): `grep -c raw_safe_halt` = 6, one group
    assert.equal(text.split('\n').filter((l) => l.includes('raw_safe_halt')).length, 6);
    const idle = log.reports.filter((r) => r.frames.some((f) => f.symbol === 'raw_safe_halt'));
    assert.equal(idle.length, 6);
    assert.equal(new Set(idle.map((r) => r.group)).size, 1);
  });
});
