// Which domain and vCPU run on each CPU, followed from scheduler records, so every row (and a
// domain/vCPU filter) can say whose event it is. xentrace records carry no domain themselves.
import type { RecordView } from '../core/xentrace/framer';
import type { NumberBlocks } from './numberBlocks';

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

  /** Appends the state as cpu, state pairs; returns how many numbers it wrote. */
  saveTo(out: NumberBlocks<Int32Array>): number {
    for (const [cpu, s] of this.running) {
      out.push(cpu);
      out.push(s | 0);
    }
    return this.running.size * 2;
  }

  /** The state saved at positions from…to−1 of `saved`. */
  static restore(saved: NumberBlocks<Int32Array>, from: number, to: number): RunState {
    const state = new RunState();
    for (let k = from; k + 1 < to; k += 2) state.running.set(saved.at(k), saved.at(k + 1) >>> 0);
    return state;
  }
}
