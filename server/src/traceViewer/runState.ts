// Which domain and vCPU run on each CPU, followed from scheduler records, so every row (and a
// domain/vCPU filter) can say whose event it is. xentrace records carry no domain themselves.
import type { RecordView } from '../core/xentrace/framer';

const TRC_SCHED_SWITCH = 0x0002800a;
/** TRC_SCHED_RUNSTATE_CHANGE with old/new states in bits 8–11 and 4–7. */
const RUNSTATE_MASK = 0x0ffff00f;
const TRC_SCHED_RUNSTATE_CHANGE = 0x00021001;
const RUNSTATE_RUNNING = 0;

export class RunState {
  /** cpu → dom << 16 | vcpu, or absent when not known yet. */
  private readonly running = new Map<number, number>();

  /** Applies a record's effect; call after reading the state for that record. */
  apply(v: RecordView): void {
    if (v.event === TRC_SCHED_SWITCH && v.nWords >= 4) {
      const dom = v.buf.readUInt32LE(v.payloadAt + 8);
      const vcpu = v.buf.readUInt32LE(v.payloadAt + 12);
      this.running.set(v.cpu, ((dom & 0xffff) << 16) | (vcpu & 0xffff));
    } else if ((v.event & RUNSTATE_MASK) === TRC_SCHED_RUNSTATE_CHANGE && ((v.event >>> 4) & 0xf) === RUNSTATE_RUNNING && v.nWords >= 1) {
      // Word 0 is dom << 16 | vcpu of the vCPU that became running on this CPU.
      this.running.set(v.cpu, v.buf.readUInt32LE(v.payloadAt) >>> 0);
    }
  }

  dom(cpu: number): number {
    const s = this.running.get(cpu);
    return s === undefined ? -1 : s >>> 16;
  }

  vcpu(cpu: number): number {
    const s = this.running.get(cpu);
    return s === undefined ? -1 : s & 0xffff;
  }

  /** A compact copy: cpu, state pairs. */
  snapshot(): Int32Array {
    const out = new Int32Array(this.running.size * 2);
    let k = 0;
    for (const [cpu, s] of this.running) {
      out[k++] = cpu;
      out[k++] = s | 0;
    }
    return out;
  }

  static from(snapshot: Int32Array | undefined): RunState {
    const state = new RunState();
    if (snapshot) for (let k = 0; k + 1 < snapshot.length; k += 2) state.running.set(snapshot[k]!, snapshot[k + 1]! >>> 0);
    return state;
  }
}
