// TRC_SCHED: core scheduler records (xen/common/sched/core.c) and the per-scheduler records of
// credit.c, credit2.c, rt.c and null.c. Field names follow the emitters' structs.
import { shutdownReasonName, runstateName } from '../meanings/sched';
import { bits, dec, dec64, hex, L, signed, type Layout } from './layout';
import { domid, domVcpuWord, NONE, type EventDef } from './eventDef';

const unitDom = domVcpuWord('unit', 'dom');
const nsSlice = signed('slice', (v) => (Number(v) === -1 ? 'no slice' : `${v} ns`));

/** RUNSTATE_CHANGE and CONTINUE_RUNNING: one dom:vcpu word. */
const runstateLayouts: readonly Layout[] = [L(1, '3.4+', [domVcpuWord()])];

const SCHED_CORE: readonly EventDef[] = [
  { id: 0x00021001, name: 'TRC_SCHED_RUNSTATE_CHANGE', tsc: true, layouts: runstateLayouts },
  { id: 0x00021002, name: 'TRC_SCHED_CONTINUE_RUNNING', tsc: true, layouts: runstateLayouts },
];

/** The SCHED_VERBOSE events; before Xen 3.4 the same order lived at 0x0002f001… */
const SCHED_VERBOSE: readonly (Omit<EventDef, 'id'> & { minor: number })[] = [
  {
    minor: 0x01,
    name: 'TRC_SCHED_DOM_ADD',
    layouts: [L(1, '4.7+', [domid()]), L(2, '≤4.6 (one record per vCPU)', [domid(), dec('vcpuid')])],
  },
  {
    minor: 0x02,
    name: 'TRC_SCHED_DOM_REM',
    layouts: [L(1, '4.7+', [domid()]), L(2, '≤4.6 (one record per vCPU)', [domid(), dec('vcpuid')])],
  },
  { minor: 0x03, name: 'TRC_SCHED_SLEEP', layouts: [L(2, '3.x+', [domid(), dec('vcpuid')])] },
  { minor: 0x04, name: 'TRC_SCHED_WAKE', layouts: [L(2, '3.x+', [domid(), dec('vcpuid')])] },
  { minor: 0x05, name: 'TRC_SCHED_YIELD', layouts: [L(2, '3.x+', [domid(), dec('vcpuid')])] },
  { minor: 0x06, name: 'TRC_SCHED_BLOCK', layouts: [L(2, '3.x+', [domid(), dec('vcpuid')])] },
  {
    minor: 0x07,
    name: 'TRC_SCHED_SHUTDOWN',
    layouts: [L(3, '3.x+', [domid(), dec('vcpuid'), dec('reason', (v) => shutdownReasonName(Number(v)))])],
  },
  { minor: 0x08, name: 'TRC_SCHED_CTL', layouts: NONE },
  { minor: 0x09, name: 'TRC_SCHED_ADJDOM', layouts: [L(1, '3.x+', [domid()])] },
  {
    minor: 0x0a,
    name: 'TRC_SCHED_SWITCH',
    layouts: [L(4, '3.x+', [domid('prev_dom'), dec('prev_vcpu'), domid('next_dom'), dec('next_vcpu')])],
  },
  { minor: 0x0b, name: 'TRC_SCHED_S_TIMER_FN', layouts: NONE },
  { minor: 0x0c, name: 'TRC_SCHED_T_TIMER_FN', layouts: NONE },
  { minor: 0x0d, name: 'TRC_SCHED_DOM_TIMER_FN', layouts: NONE },
  {
    minor: 0x0e,
    name: 'TRC_SCHED_SWITCH_INFPREV',
    layouts: [
      L(3, '4.8+', [domid(), dec('vcpu'), dec('runtime', (v) => `${v} ns`)]),
      L(2, '≤4.7', [domid(), dec('runtime', (v) => `${v} ns`)]),
    ],
  },
  {
    minor: 0x0f,
    name: 'TRC_SCHED_SWITCH_INFNEXT',
    layouts: [
      L(4, '4.8+', [domid(), dec('vcpu'), dec('rsince', (v) => (v === 0 ? 'was not runnable' : `runnable for ${v} ns`)), nsSlice]),
      L(3, '≤4.7', [domid(), dec('rsince', (v) => `runnable for ${v} ns`), nsSlice]),
    ],
  },
  {
    minor: 0x10,
    name: 'TRC_SCHED_SHUTDOWN_CODE',
    layouts: [L(3, '3.x+', [domid(), dec('vcpuid'), dec('reason', (v) => shutdownReasonName(Number(v)))])],
  },
  {
    minor: 0x11,
    name: 'TRC_SCHED_SWITCH_INFCONT',
    layouts: [L(4, '4.9+', [domid(), dec('vcpu'), dec('runtime', (v) => `${v} ns`), nsSlice])],
  },
];

const credit = (e: number) => 0x00022000 + e;
const credit2 = (e: number) => 0x00022000 + (1 << 9) + e;
const rtds = (e: number) => 0x00022000 + (4 << 9) + e;
const snull = (e: number) => 0x00022000 + (5 << 9) + e;

const noBudget = (v: number | bigint) => (Number(v) === -2147483648 ? 'no budget (INT_MIN)' : undefined);
const cpuOrNone = (v: number | bigint) => (Number(v) === -1 ? 'none' : undefined);

const SCHED_CLASS: readonly EventDef[] = [
  // credit (credit.c)
  { id: credit(1), name: 'TRC_CSCHED_SCHED_TASKLET', layouts: NONE },
  { id: credit(2), name: 'TRC_CSCHED_ACCOUNT_START', layouts: [L(3, '4.x', [domid('dom'), dec('unit'), dec('active')])] },
  { id: credit(3), name: 'TRC_CSCHED_ACCOUNT_STOP', layouts: [L(3, '4.x', [domid('dom'), dec('unit'), dec('active')])] },
  { id: credit(4), name: 'TRC_CSCHED_STOLEN_UNIT', layouts: [L(3, '4.x', [dec('peer_cpu'), domid('dom'), dec('unit')])] },
  { id: credit(5), name: 'TRC_CSCHED_PICKED_CPU', layouts: [L(3, '4.x', [domid('dom'), dec('unit'), dec('cpu')])] },
  { id: credit(6), name: 'TRC_CSCHED_TICKLE', layouts: [L(1, '4.x', [dec('cpu')])] },
  { id: credit(7), name: 'TRC_CSCHED_BOOST_START', layouts: [L(2, '4.x', [domid('dom'), dec('unit')])] },
  { id: credit(8), name: 'TRC_CSCHED_BOOST_END', layouts: [L(2, '4.x', [domid('dom'), dec('unit')])] },
  {
    id: credit(9),
    name: 'TRC_CSCHED_SCHEDULE',
    layouts: [L(1, '4.x', [{ bitfields: [bits('cpu', 0, 16), bits('tasklet', 16, 8), bits('idle', 24, 8)] }])],
  },
  { id: credit(10), name: 'TRC_CSCHED_RATELIMIT', layouts: [L(2, '4.x', [unitDom, dec('runtime', (v) => `${v} µs`)])] },
  { id: credit(11), name: 'TRC_CSCHED_STEAL_CHECK', layouts: [L(2, '4.x', [dec('peer_cpu'), dec('checked')])] },
  // credit2 (credit2.c); events 19–23 are 0x22213–0x22217 (the formats file had them one too low).
  { id: credit2(1), name: 'TRC_CSCHED2_TICK', layouts: NONE },
  { id: credit2(2), name: 'TRC_CSCHED2_RUNQ_POS', layouts: [L(2, '4.x', [unitDom, dec('pos')])] },
  {
    id: credit2(3),
    name: 'TRC_CSCHED2_CREDIT_BURN',
    layouts: [L(4, '4.10+', [unitDom, signed('credit'), signed('budget', noBudget), signed('delta')])],
  },
  { id: credit2(4), name: 'TRC_CSCHED2_CREDIT_ADD', layouts: NONE },
  { id: credit2(5), name: 'TRC_CSCHED2_TICKLE_CHECK', layouts: [L(3, '4.x', [unitDom, signed('credit'), signed('score')])] },
  { id: credit2(6), name: 'TRC_CSCHED2_TICKLE', layouts: [L(1, '4.x', [dec('cpu')])] },
  { id: credit2(7), name: 'TRC_CSCHED2_CREDIT_RESET', layouts: [L(3, '4.x', [unitDom, signed('credit_start'), signed('credit_end')])] },
  { id: credit2(8), name: 'TRC_CSCHED2_SCHED_TASKLET', layouts: NONE },
  { id: credit2(9), name: 'TRC_CSCHED2_UPDATE_LOAD', layouts: NONE },
  { id: credit2(10), name: 'TRC_CSCHED2_RUNQ_ASSIGN', layouts: [L(2, '4.x', [unitDom, dec('rq_id')])] },
  {
    id: credit2(11),
    name: 'TRC_CSCHED2_UPDATE_UNIT_LOAD',
    layouts: [L(4, '4.x', [dec64('unit_load'), unitDom, dec('shift')])],
  },
  {
    id: credit2(12),
    name: 'TRC_CSCHED2_UPDATE_RUNQ_LOAD',
    layouts: [
      L(6, '4.x (last word is padding: stack rubble before 4.18, zero since)', [
        dec64('rq_avgload'),
        dec64('b_avgload'),
        { bitfields: [bits('rq_load', 0, 16), bits('rq_id', 16, 8), bits('shift', 24, 8)] },
        hex('pad', () => 'padding'),
      ]),
    ],
  },
  { id: credit2(13), name: 'TRC_CSCHED2_TICKLE_NEW', layouts: [L(3, '4.x', [unitDom, dec('processor'), signed('credit')])] },
  {
    id: credit2(14),
    name: 'TRC_CSCHED2_RUNQ_MAX_WEIGHT',
    layouts: [L(1, '4.x', [{ bitfields: [bits('rq_id', 0, 16), bits('max_weight', 16, 16)] }])],
  },
  {
    id: credit2(15),
    name: 'TRC_CSCHED2_MIGRATE',
    layouts: [L(2, '4.x', [unitDom, { bitfields: [bits('rq_id', 0, 16), bits('trq_id', 16, 16)] }])],
  },
  {
    id: credit2(16),
    name: 'TRC_CSCHED2_LOAD_CHECK',
    layouts: [L(2, '4.x', [{ bitfields: [bits('lrq_id', 0, 16), bits('orq_id', 16, 16)] }, signed('delta')])],
  },
  {
    id: credit2(17),
    name: 'TRC_CSCHED2_LOAD_BALANCE',
    layouts: [L(5, '4.x', [dec64('lb_avgload'), dec64('ob_avgload'), { bitfields: [bits('lrq_id', 0, 16), bits('orq_id', 16, 16)] }])],
  },
  {
    id: credit2(19),
    name: 'TRC_CSCHED2_PICKED_CPU',
    layouts: [L(4, '4.x', [dec64('b_avgload'), unitDom, { bitfields: [bits('rq_id', 0, 16), bits('new_cpu', 16, 16)] }])],
  },
  {
    id: credit2(20),
    name: 'TRC_CSCHED2_RUNQ_CANDIDATE',
    layouts: [L(3, '4.x', [unitDom, signed('tickled_cpu', cpuOrNone), signed('credit')])],
  },
  {
    id: credit2(21),
    name: 'TRC_CSCHED2_SCHEDULE',
    layouts: [
      L(2, '4.x', [
        { bitfields: [bits('cpu', 0, 16), bits('rqi', 16, 16)] },
        { bitfields: [bits('tasklet', 0, 8), bits('idle', 8, 8), bits('smt_idle', 16, 8), bits('tickled', 24, 8)] },
      ]),
    ],
  },
  { id: credit2(22), name: 'TRC_CSCHED2_RATELIMIT', layouts: [L(2, '4.x', [unitDom, dec('runtime', (v) => `${v} µs`)])] },
  { id: credit2(23), name: 'TRC_CSCHED2_RUNQ_CAND_CHECK', layouts: [L(1, '4.x', [unitDom])] },
  // RTDS (rt.c); 4.10 added priority_level.
  { id: rtds(1), name: 'TRC_RTDS_TICKLE', layouts: [L(1, '4.5+', [dec('cpu')])] },
  {
    id: rtds(2),
    name: 'TRC_RTDS_RUNQ_PICK',
    layouts: [L(5, '4.5+', [unitDom, dec64('cur_deadline'), dec64('cur_budget')])],
  },
  {
    id: rtds(3),
    name: 'TRC_RTDS_BUDGET_BURN',
    layouts: [
      L(6, '4.10+', [unitDom, dec64('cur_budget'), signed('delta'), dec('priority_level'), dec('has_extratime')]),
      L(4, '4.5–4.9', [unitDom, dec64('cur_budget'), signed('delta')]),
    ],
  },
  {
    id: rtds(4),
    name: 'TRC_RTDS_BUDGET_REPLENISH',
    layouts: [
      L(6, '4.10+', [unitDom, dec('priority_level'), dec64('cur_deadline'), dec64('cur_budget')]),
      L(5, '4.5–4.9', [unitDom, dec64('cur_deadline'), dec64('cur_budget')]),
    ],
  },
  { id: rtds(5), name: 'TRC_RTDS_SCHED_TASKLET', layouts: NONE },
  {
    id: rtds(6),
    name: 'TRC_RTDS_SCHEDULE',
    layouts: [L(1, '4.7+', [{ bitfields: [bits('cpu', 0, 16), bits('tasklet', 16, 8), bits('idle', 24, 4), bits('tickled', 28, 4)] }])],
  },
  // null (null.c), 4.10+
  { id: snull(1), name: 'TRC_SNULL_PICKED_CPU', layouts: [L(2, '4.10+', [unitDom, dec('new_cpu')])] },
  { id: snull(2), name: 'TRC_SNULL_UNIT_ASSIGN', layouts: [L(2, '4.10+', [unitDom, dec('cpu')])] },
  { id: snull(3), name: 'TRC_SNULL_UNIT_DEASSIGN', layouts: [L(2, '4.10+', [unitDom, dec('cpu')])] },
  {
    id: snull(4),
    name: 'TRC_SNULL_MIGRATE',
    layouts: [L(2, '4.10+', [unitDom, { bitfields: [bits('new_cpu', 0, 16), bits('cpu', 16, 16)] }])],
  },
  {
    id: snull(5),
    name: 'TRC_SNULL_SCHEDULE',
    layouts: [L(2, '4.10+', [{ bitfields: [bits('cpu', 0, 16), bits('tasklet', 16, 16)] }, unitDom])],
  },
  { id: snull(6), name: 'TRC_SNULL_TASKLET', layouts: NONE },
];

export const SCHED_EVENTS: readonly EventDef[] = [
  ...SCHED_CORE,
  ...SCHED_VERBOSE.map(({ minor, ...d }) => ({ ...d, id: 0x00028000 + minor, tsc: true })),
  // Xen ≤3.3 numbered the same events 0x0002f0nn, with the layouts of that time.
  ...SCHED_VERBOSE.map(({ minor, name, layouts }) => ({
    id: 0x0002f000 + minor,
    name,
    tsc: true,
    layouts: layouts.map((l) => ({ ...l, versions: '≤3.3 (pre-3.4 numbering)' })),
    note: 'Legacy scheduler ID, renumbered to 0x000280nn in Xen 3.4.',
  })),
  ...SCHED_CLASS.map((d) => ({ ...d, tsc: true })),
];

/** `running→blocked` from the state bits of a RUNSTATE_CHANGE ID. */
export function runstateTransition(event: number): string {
  return `${runstateName((event >>> 8) & 0xf)}→${runstateName((event >>> 4) & 0xf)}`;
}
