// Trace statistics gathered in the same streaming pass as the index: counts per CPU, class,
// event and domain; lost records; first/last TSC; and a TSC-frequency estimate.
//
// Frequency: SWITCH_INFPREV reports, in ns, how long the outgoing vCPU ran; the TSC distance
// between the SCHED_SWITCH that brought it in and the INFPREV that reports it is the same
// interval in cycles. The median of cycles/ns over many switches is the TSC rate.
import { className, TRC_LOST_RECORDS } from './eventIds';
import { lookupEvent } from './catalogue';
import type { FramerSink, RecordView, TraceProblem } from './framer';
import type { TraceStats } from './traceStats';

export type { TraceStats };

const TRC_SCHED_SWITCH = 0x0002800a;
const TRC_SCHED_SWITCH_INFPREV = 0x0002800e;
const TRC_SCHED_RUNSTATE_CHANGE_BASE = 0x00021001;
/** Runtimes shorter than this give too coarse a ratio. */
const MIN_SAMPLE_NS = 100_000;
/** INFPREV's runtime is a u32 of ns: it wraps at about 4.29 s. */
const MAX_SAMPLE_NS = 4_000_000_000;
const MAX_SAMPLES = 100_000;


interface CpuState {
  dom: number;
  inDom: number;
  inVcpu: number;
  inTsc: number;
}

/** Collects statistics from a record stream; call result() at the end. */
export class StatsCollector implements FramerSink {
  private records = 0;
  private readonly perCpu = new Map<number, number>();
  private readonly perEvent = new Map<number, number>();
  private readonly perDomain = new Map<number, number>();
  private readonly cpuState = new Map<number, CpuState>();
  private lostRecordCount = 0;
  private lost = 0;
  private readonly lostByDomain = new Map<number, number>();
  private firstHi = -1;
  private firstLo = 0;
  private lastHi = -1;
  private lastLo = 0;
  private readonly ratios: number[] = [];
  private problems = 0;

  onProblem(_p: TraceProblem): void {
    this.problems++;
  }

  onRecord(v: RecordView): boolean {
    this.records++;
    this.perCpu.set(v.cpu, (this.perCpu.get(v.cpu) ?? 0) + 1);
    this.perEvent.set(v.event, (this.perEvent.get(v.event) ?? 0) + 1);
    let st = this.cpuState.get(v.cpu);
    if (!st) {
      st = { dom: -1, inDom: -1, inVcpu: -1, inTsc: -1 };
      this.cpuState.set(v.cpu, st);
    }
    if (v.hasTsc) {
      if (this.firstHi < 0 || v.tscHi < this.firstHi || (v.tscHi === this.firstHi && v.tscLo < this.firstLo)) {
        this.firstHi = v.tscHi;
        this.firstLo = v.tscLo;
      }
      if (v.tscHi > this.lastHi || (v.tscHi === this.lastHi && v.tscLo > this.lastLo)) {
        this.lastHi = v.tscHi;
        this.lastLo = v.tscLo;
      }
    }
    const word = (k: number) => v.buf.readUInt32LE(v.payloadAt + 4 * k);
    const tsc = v.tscHi * 0x100000000 + v.tscLo;
    if (v.event === TRC_SCHED_SWITCH && v.nWords >= 4) {
      st.dom = word(2);
      if (v.tscKnown) {
        st.inDom = word(2);
        st.inVcpu = word(3);
        st.inTsc = tsc;
      }
    } else if ((v.event & 0x0ffff00f) === TRC_SCHED_RUNSTATE_CHANGE_BASE && ((v.event >>> 4) & 0xf) === 0 && v.nWords >= 1) {
      // Something became running on this CPU.
      st.dom = word(0) >>> 16;
    } else if (v.event === TRC_SCHED_SWITCH_INFPREV && v.nWords >= 3 && v.tscKnown && this.ratios.length < MAX_SAMPLES) {
      const ns = word(2);
      if (word(0) === st.inDom && word(1) === st.inVcpu && st.inTsc >= 0 && ns >= MIN_SAMPLE_NS && ns <= MAX_SAMPLE_NS) {
        this.ratios.push((tsc - st.inTsc) / ns);
      }
    } else if (v.event === TRC_LOST_RECORDS && v.nWords >= 1) {
      this.lostRecordCount++;
      this.lost += word(0);
      if (v.nWords >= 2) {
        const did = word(1) & 0xffff;
        this.lostByDomain.set(did, (this.lostByDomain.get(did) ?? 0) + word(0));
      }
    }
    this.perDomain.set(st.dom, (this.perDomain.get(st.dom) ?? 0) + 1);
    return true;
  }

  result(): TraceStats {
    const byKey = <K>(m: Map<K, number>, key: (k: K) => string) => {
      const out: Record<string, number> = {};
      for (const [k, n] of [...m].sort((a, b) => b[1] - a[1])) out[key(k)] = (out[key(k)] ?? 0) + n;
      return out;
    };
    const perClass = new Map<string, number>();
    for (const [ev, n] of this.perEvent) perClass.set(className(ev), (perClass.get(className(ev)) ?? 0) + n);
    const tscStr = (hi: number, lo: number) => (hi < 0 ? null : ((BigInt(hi) << 32n) | BigInt(lo)).toString());
    let tscHz: TraceStats['tscHz'] = null;
    if (this.ratios.length >= 10) {
      const sorted = [...this.ratios].sort((a, b) => a - b);
      const median = sorted[sorted.length >>> 1]!;
      tscHz = { estimate: Math.round(median * 1e9), samples: sorted.length, method: 'median of SCHED_SWITCH→SWITCH_INFPREV TSC cycles per reported ns of run time' };
    }
    return {
      records: this.records,
      perCpu: byKey(new Map([...this.perCpu].sort((a, b) => a[0] - b[0])), (c) => String(c)),
      perClass: byKey(perClass, (c) => c),
      perEvent: byKey(this.perEvent, (e) => lookupEvent(e).name),
      perDomain: byKey(this.perDomain, (d) => (d < 0 ? 'unknown' : d === 0x7fff ? 'idle' : `d${d}`)),
      lostRecords: { records: this.lostRecordCount, lost: this.lost, byDomain: byKey(this.lostByDomain, (d) => `d${d}`) },
      firstTsc: tscStr(this.firstHi, this.firstLo),
      lastTsc: tscStr(this.lastHi, this.lastLo),
      tscHz,
      problems: this.problems,
    };
  }
}
