// TRC_HW (xen/arch/x86/irq.c, acpi/cpu_idle.c, cpu/mwait-idle.c, drivers/cpufreq/utility.c).
import { bits, dec, hex, L } from './layout';
import type { EventDef } from './eventDef';

const irqVec = { bitfields: [bits('irq', 0, 16), bits('vector', 16, 16, 'hex')] };
const mask = (i: number) => hex(`mask${i}`);
const irqMaskLayout = [L(7, '4.2+ (since a544c9814547)', [irqVec, mask(0), mask(1), mask(2), mask(3), mask(4), mask(5)])];
const irqVecCpu = [L(3, '4.2+', [dec('irq'), hex('vector'), dec('cpu')])];

export const HW_EVENTS: readonly EventDef[] = [
  { id: 0x00801001, name: 'TRC_PM_FREQ_CHANGE', layouts: [L(2, '4.2+', [dec('old_mhz'), dec('new_mhz')])] },
  {
    id: 0x00801002,
    name: 'TRC_PM_IDLE_ENTRY',
    layouts: [L(4, '4.2+', [dec('cstate'), dec('tick'), dec('expected_us'), dec('predicted_us')])],
  },
  {
    id: 0x00801003,
    name: 'TRC_PM_IDLE_EXIT',
    layouts: [L(6, '4.2+', [dec('cstate'), dec('tick'), dec('irq0'), dec('irq1'), dec('irq2'), dec('irq3')])],
  },
  { id: 0x00802001, name: 'TRC_HW_IRQ_MOVE_CLEANUP_DELAY', layouts: irqVecCpu },
  { id: 0x00802002, name: 'TRC_HW_IRQ_MOVE_CLEANUP', layouts: irqVecCpu },
  { id: 0x00802003, name: 'TRC_HW_IRQ_BIND_VECTOR', layouts: irqMaskLayout },
  { id: 0x00802004, name: 'TRC_HW_IRQ_CLEAR_VECTOR', layouts: irqMaskLayout },
  { id: 0x00802005, name: 'TRC_HW_IRQ_MOVE_FINISH', layouts: irqVecCpu },
  { id: 0x00802006, name: 'TRC_HW_IRQ_ASSIGN_VECTOR', layouts: irqMaskLayout },
  { id: 0x00802007, name: 'TRC_HW_IRQ_UNMAPPED_VECTOR', layouts: [L(1, '4.2+', [hex('vector')])] },
  { id: 0x00802008, name: 'TRC_HW_IRQ_HANDLED', layouts: [L(3, '4.2+', [dec('irq'), hex('tsc_in'), hex('tsc_out')])] },
].map((e) => ({ ...e, tsc: true }));
