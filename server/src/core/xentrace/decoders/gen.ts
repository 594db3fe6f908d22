// TRC_GEN (xen/common/trace.c insert_lost_records / insert_wrap_record; tools/xentrace/xentrace.c),
// TRC_DOM0OP (xen/common/domain.c) and TRC_GUEST (HVMOP_xentrace).
import { dec, dec64, hex, L } from './layout';
import { domid, RAW, type EventDef } from './eventDef';
import { domainName } from '../meanings/sched';

export const GEN_EVENTS: readonly EventDef[] = [
  {
    id: 0x0001f001,
    name: 'TRC_LOST_RECORDS',
    tsc: true,
    layouts: [
      // Note the order: domain in the low half, vCPU in the high half (the reverse of dom:vcpu words).
      L(4, '3.4+', [
        dec('lost_records'),
        { bitfields: [{ name: 'did', bits: [0, 16], format: 'dec', meaning: (v) => domainName(Number(v)) }, { name: 'vid', bits: [16, 16], format: 'dec' }] },
        dec64('first_tsc'),
      ]),
      L(1, '3.2–3.3', [dec('lost_records')]),
    ],
  },
  {
    id: 0x0001f002,
    name: 'TRC_TRACE_WRAP_BUFFER',
    layouts: RAW,
    note: 'Padding to the end of the ring; its words are stale bytes.',
  },
  {
    id: 0x0001f003,
    name: 'TRC_TRACE_CPU_CHANGE',
    layouts: [L(2, '3.2+ (written by xentrace)', [dec('cpu'), dec('window_bytes')])],
  },
  {
    id: 0x0001f004,
    name: 'TRC_TRACE_IRQ',
    tsc: true,
    layouts: [L(3, '4.0–4.1', [dec('vector'), hex('tsc_in'), hex('tsc_out')])],
  },
  { id: 0x00041001, name: 'TRC_DOM0_DOM_ADD', tsc: true, layouts: [L(1, '4.7+', [domid()])] },
  { id: 0x00041002, name: 'TRC_DOM0_DOM_REM', tsc: true, layouts: [L(1, '4.7+', [domid()])] },
];
