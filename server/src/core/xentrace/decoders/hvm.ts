// TRC_HVM: VM entry/exit (vmx.c, svm.c), handler records (hvm.c, emulate.c, vlapic.c …) and
// emulated-device records (hpet.c, rtc.c, vpic.c, emul-i8254.c). Handler records carry no TSC.
import { svmExitCodeName, vmxExitReasonName } from '../meanings/exitReasons';
import { pageFaultErrorMeaning, vectorName } from '../meanings/traps';
import { hypercallMacro } from '../../xen/hypercalls';
import { dec, dec64, hex, hex64, L, signed, type Layout } from './layout';
import { NONE, type EventDef } from './eventDef';

const vmxOrSvm = (v: number | bigint) =>
  `VMX ${vmxExitReasonName(Number(v))}; on AMD before 4.19: ${svmExitCodeName(Number(v))}`;
const svmOnly = (v: number | bigint) => svmExitCodeName(Number(v));
const pfEc = (v: number | bigint) => pageFaultErrorMeaning(Number(v));
const vec = (v: number | bigint) => vectorName(Number(v));
const INTR_SOURCES = ['none', 'pic', 'lapic', 'nmi', 'mce', 'vector'];

const h = (minor: number) => 0x00082000 + minor;
const emul = (minor: number) => 0x00084000 + minor;

const ioport: readonly Layout[] = [
  L(2, '4.x', [hex('port'), hex('data')]),
  L(1, '4.x (data was a pointer, not recorded)', [hex('port')]),
];
const iomem: readonly Layout[] = [L(2, '4.x', [hex('gpa'), hex('data')])];
const iomem64: readonly Layout[] = [L(4, '4.x (address above 4 GiB)', [hex64('gpa'), hex64('data')])];

export const HVM_EVENTS: readonly EventDef[] = [
  { id: 0x00081001, name: 'TRC_HVM_VMENTRY', tsc: true, layouts: NONE },
  {
    id: 0x00081002,
    name: 'TRC_HVM_VMX_EXIT',
    tsc: true,
    note: 'Called TRC_HVM_VMEXIT and shared by VMX and SVM before Xen 4.19.',
    layouts: [L(2, '3.4+', [hex('exit_reason', vmxOrSvm), hex('eip')])],
    layouts64: [L(3, '3.3+', [hex('exit_reason', vmxOrSvm), hex64('rip')])],
  },
  {
    id: 0x00081003,
    name: 'TRC_HVM_SVM_EXIT',
    tsc: true,
    layouts: [
      L(2, '4.19+', [hex('exit_reason', svmOnly), hex('eip')]),
      L(3, '3.2 only', [hex('exit_reason'), hex64('rip')], { name: 'TRC_HVM_VMEXIT64' }),
    ],
    layouts64: [L(3, '4.19+', [hex('exit_reason', svmOnly), hex64('rip')])],
  },
  {
    id: h(0x01),
    name: 'TRC_HVM_PF_XEN',
    layouts: [L(2, '3.4+', [hex('error_code', pfEc), hex('va')])],
    layouts64: [L(3, '3.4+', [hex('error_code', pfEc), hex64('va')])],
    note: 'The emitter writes error_code first; the old formats file printed them reversed and xenalyze reads va first.',
  },
  {
    id: h(0x02),
    name: 'TRC_HVM_PF_INJECT',
    layouts: [L(2, '3.4+', [hex('error_code', pfEc), hex('cr2')])],
    layouts64: [L(3, '3.4+', [hex('error_code', pfEc), hex64('cr2')])],
  },
  { id: h(0x03), name: 'TRC_HVM_INJ_EXC', layouts: [L(2, '3.4+', [hex('vector', vec), hex('error_code')])] },
  { id: h(0x04), name: 'TRC_HVM_INJ_VIRQ', layouts: [L(2, '3.4+', [hex('vector', vec), dec('fake')])] },
  { id: h(0x05), name: 'TRC_HVM_REINJ_VIRQ', layouts: [L(1, '3.x', [hex('vector', vec)])] },
  { id: h(0x06), name: 'TRC_HVM_IO_READ', layouts: [L(2, '3.x', [hex('port'), dec('size')])] },
  { id: h(0x07), name: 'TRC_HVM_IO_WRITE', layouts: [L(2, '3.x', [hex('port'), dec('size')])] },
  {
    id: h(0x08),
    name: 'TRC_HVM_CR_READ',
    layouts: [L(2, '3.x', [dec('cr'), hex('value')])],
    layouts64: [L(3, '3.3+', [dec('cr'), hex64('value')])],
  },
  {
    id: h(0x09),
    name: 'TRC_HVM_CR_WRITE',
    layouts: [L(2, '3.x', [dec('cr'), hex('value')])],
    layouts64: [L(3, '3.3+', [dec('cr'), hex64('value')])],
  },
  { id: h(0x0a), name: 'TRC_HVM_DR_READ', layouts: NONE },
  { id: h(0x0b), name: 'TRC_HVM_DR_WRITE', layouts: NONE },
  { id: h(0x0c), name: 'TRC_HVM_MSR_READ', layouts: [L(3, '3.x+', [hex('msr'), hex64('value')])] },
  { id: h(0x0d), name: 'TRC_HVM_MSR_WRITE', layouts: [L(3, '3.x+', [hex('msr'), hex64('value')])] },
  {
    id: h(0x0e),
    name: 'TRC_HVM_CPUID',
    layouts: [
      L(6, '4.x+', [hex('leaf'), hex('subleaf'), hex('eax'), hex('ebx'), hex('ecx'), hex('edx')]),
      L(5, 'older (no subleaf)', [hex('leaf'), hex('eax'), hex('ebx'), hex('ecx'), hex('edx')]),
    ],
  },
  {
    id: h(0x0f),
    name: 'TRC_HVM_INTR',
    layouts: [L(1, 'VMX', [hex('vector', vec)]), L(0, 'SVM (no vector)', [])],
  },
  { id: h(0x10), name: 'TRC_HVM_NMI', layouts: NONE },
  { id: h(0x11), name: 'TRC_HVM_SMI', layouts: NONE },
  { id: h(0x12), name: 'TRC_HVM_VMMCALL', layouts: [L(1, '3.x+', [hex('eax', (v) => hypercallMacro(Number(v)))])] },
  { id: h(0x13), name: 'TRC_HVM_HLT', layouts: [L(1, '3.x+', [dec('intr_pending')])] },
  {
    id: h(0x14),
    name: 'TRC_HVM_INVLPG',
    layouts: [L(2, '3.x', [dec('invlpga'), hex('va')])],
    layouts64: [L(3, '3.3+', [dec('invlpga'), hex64('va')])],
  },
  { id: h(0x15), name: 'TRC_HVM_MCE', layouts: NONE },
  { id: h(0x16), name: 'TRC_HVM_IOPORT_READ', layouts: ioport, note: 'TRC_HVM_IO_ASSIST in Xen 3.2–3.3.' },
  { id: h(0x216), name: 'TRC_HVM_IOPORT_WRITE', layouts: ioport },
  { id: h(0x17), name: 'TRC_HVM_IOMEM_READ', layouts: iomem, layouts64: iomem64, note: 'TRC_HVM_MMIO_ASSIST in Xen 3.2–3.3.' },
  { id: h(0x217), name: 'TRC_HVM_IOMEM_WRITE', layouts: iomem, layouts64: iomem64 },
  { id: h(0x18), name: 'TRC_HVM_CLTS', layouts: NONE },
  { id: h(0x19), name: 'TRC_HVM_LMSW', layouts: [L(1, '3.x', [hex('value')])], layouts64: [L(2, '3.3+', [hex64('value')])] },
  { id: h(0x1a), name: 'TRC_HVM_RDTSC', layouts: [L(2, '4.x', [hex64('tsc')])] },
  {
    id: h(0x20),
    name: 'TRC_HVM_INTR_WINDOW',
    note: 'TRC_HVM_PF_XEN64 in Xen 3.2.',
    layouts: [
      L(3, '3.3+', [
        hex('vector', vec),
        dec('source', (v) => INTR_SOURCES[Number(v)] ?? 'unknown source'),
        signed('intr', (v) => (Number(v) === -1 ? 'nothing pending' : `vector 0x${(Number(v) >>> 0).toString(16)} pending`)),
      ]),
    ],
  },
  {
    id: h(0x21),
    name: 'TRC_HVM_NPF',
    layouts: [L(6, '4.x', [hex64('gpa'), hex64('mfn'), hex('qualification'), dec('p2mt')])],
  },
  { id: h(0x22), name: 'TRC_HVM_REALMODE_EMULATE', layouts: NONE },
  { id: h(0x23), name: 'TRC_HVM_TRAP', layouts: [L(1, '4.x', [hex('vector', vec)])] },
  { id: h(0x24), name: 'TRC_HVM_TRAP_DEBUG', layouts: [L(1, '4.x', [hex('exit_qualification')])] },
  { id: h(0x25), name: 'TRC_HVM_VLAPIC', layouts: NONE },
  { id: h(0x26), name: 'TRC_HVM_XCR_READ', layouts: [], layouts64: [L(3, '4.x', [hex('xcr'), hex64('value')])] },
  { id: h(0x27), name: 'TRC_HVM_XCR_WRITE', layouts: [], layouts64: [L(3, '4.x', [hex('xcr'), hex64('value')])] },
  // Emulated devices (4.5+, with TSC).
  {
    id: emul(0x01),
    name: 'TRC_HVM_EMUL_HPET_START_TIMER',
    tsc: true,
    layouts: [L(6, '4.5+', [dec('tn'), dec('irq'), dec64('delta'), dec64('period')])],
  },
  { id: emul(0x02), name: 'TRC_HVM_EMUL_PIT_START_TIMER', tsc: true, layouts: [L(2, '4.5+', [dec('period'), dec('period2')])] },
  { id: emul(0x03), name: 'TRC_HVM_EMUL_RTC_START_TIMER', tsc: true, layouts: [L(2, '4.5+', [dec('delta'), dec('period')])] },
  {
    id: emul(0x04),
    name: 'TRC_HVM_EMUL_LAPIC_START_TIMER',
    tsc: true,
    layouts: [L(5, '4.5+', [dec64('delta'), dec64('period'), dec('irq')])],
  },
  { id: emul(0x05), name: 'TRC_HVM_EMUL_HPET_STOP_TIMER', tsc: true, layouts: [L(1, '4.5+', [dec('tn')])] },
  { id: emul(0x06), name: 'TRC_HVM_EMUL_PIT_STOP_TIMER', tsc: true, layouts: NONE },
  { id: emul(0x07), name: 'TRC_HVM_EMUL_RTC_STOP_TIMER', tsc: true, layouts: NONE },
  { id: emul(0x08), name: 'TRC_HVM_EMUL_LAPIC_STOP_TIMER', tsc: true, layouts: NONE },
  { id: emul(0x09), name: 'TRC_HVM_EMUL_PIT_TIMER_CB', tsc: true, layouts: NONE },
  { id: emul(0x0a), name: 'TRC_HVM_EMUL_LAPIC_TIMER_CB', tsc: true, layouts: NONE },
  {
    id: emul(0x0b),
    name: 'TRC_HVM_EMUL_PIC_INT_OUTPUT',
    tsc: true,
    layouts: [L(3, '4.5+', [dec('int_output'), dec('is_master'), dec('irq')])],
  },
  { id: emul(0x0c), name: 'TRC_HVM_EMUL_PIC_KICK', tsc: true, layouts: [L(1, '4.5+', [dec('irq')])] },
  { id: emul(0x0d), name: 'TRC_HVM_EMUL_PIC_INTACK', tsc: true, layouts: [L(2, '4.5+', [dec('is_master'), dec('irq')])] },
  { id: emul(0x0e), name: 'TRC_HVM_EMUL_PIC_POSEDGE', tsc: true, layouts: [L(1, '4.5+', [dec('irq')])] },
  { id: emul(0x0f), name: 'TRC_HVM_EMUL_PIC_NEGEDGE', tsc: true, layouts: [L(1, '4.5+', [dec('irq')])] },
  {
    id: emul(0x10),
    name: 'TRC_HVM_EMUL_PIC_PEND_IRQ_CALL',
    tsc: true,
    layouts: [L(2, '4.5+', [dec('accept'), dec('int_output')])],
  },
  { id: emul(0x11), name: 'TRC_HVM_EMUL_LAPIC_PIC_INTR', tsc: true, layouts: [L(2, '4.5+', [dec('target'), dec('accept')])] },
];
