// Filters compiled once into a predicate over the framer's reusable record view, so a scan of
// the whole file allocates nothing per record unless free text needs the decoded fields.
import { eventIdsByName } from '../core/xentrace/catalogue';
import { classMaskByName } from '../core/xentrace/eventIds';
import type { RecordView } from '../core/xentrace/framer';
import { fieldsText } from '../core/xentrace/record';
import { recordFromView } from '../core/xentrace/traceReader';
import type { TraceFilter } from '../protocol/traceViewer';
import type { RunState } from './runState';

export type RecordPredicate = (v: RecordView, state: RunState) => boolean;

/** Compiles `filter`; an unknown class or event name is an error that names it. */
export function compileFilter(filter: TraceFilter): RecordPredicate | { error: string } {
  const tests: RecordPredicate[] = [];
  if (filter.cpus && filter.cpus.length > 0) {
    const cpus = new Set(filter.cpus);
    tests.push((v) => cpus.has(v.cpu));
  }
  if (filter.classes && filter.classes.length > 0) {
    const mains = new Set<number>();
    for (const name of filter.classes) {
      const mask = classMaskByName(name.trim());
      if (mask === undefined) return { error: `unknown event class "${name}" (try gen, sched, dom0op, hvm, mem, pv, shadow, hw or guest)` };
      mains.add((mask >>> 16) & 0xfff);
    }
    tests.push((v) => mains.has((v.event >>> 16) & 0xfff));
  }
  if (filter.events && filter.events.length > 0) {
    const ids = new Set<number>();
    for (const raw of filter.events) {
      const term = raw.trim();
      if (/^(0x)?[0-9a-f]{5,8}$/i.test(term)) {
        ids.add(Number.parseInt(term.replace(/^0x/i, ''), 16) & 0x0fffffff);
        continue;
      }
      const found = eventIdsByName(term);
      if (found.length === 0) return { error: `unknown event "${raw}": give a name such as TRC_SCHED_SWITCH or an ID such as 0x0002800a` };
      for (const id of found) ids.add(id);
    }
    tests.push((v) => ids.has(v.event));
  }
  if (filter.doms && filter.doms.length > 0) {
    const doms = new Set(filter.doms);
    tests.push((v, s) => doms.has(s.dom(v.cpu)));
  }
  if (filter.vcpus && filter.vcpus.length > 0) {
    const vcpus = new Set(filter.vcpus);
    tests.push((v, s) => vcpus.has(s.vcpu(v.cpu)));
  }
  const text = filter.text?.trim().toLowerCase();
  if (text) {
    // Decoding is the slow part: it runs last, only for records the cheap tests let through.
    tests.push((v) => {
      const r = recordFromView(v);
      return r.name.toLowerCase().includes(text) || fieldsText(r.fields).toLowerCase().includes(text);
    });
  }
  if (tests.length === 0) return () => true;
  if (tests.length === 1) return tests[0]!;
  return (v, s) => {
    for (const t of tests) if (!t(v, s)) return false;
    return true;
  };
}

const MATCH_BLOCK = 1 << 14;

/**
 * Record numbers of matches, in file order (so next/previous match is a binary search): 4 bytes
 * each, as offsets from their block's first match, in blocks that growth never copies.
 */
export class MatchList {
  private readonly blocks: { base: number; data: Uint32Array; length: number }[] = [];
  /** Position of each block's first match. */
  private readonly starts: number[] = [];
  length = 0;

  push(i: number): void {
    let b = this.blocks[this.blocks.length - 1];
    if (!b || b.length === MATCH_BLOCK || i - b.base > 0xffffffff) {
      b = { base: i, data: new Uint32Array(MATCH_BLOCK), length: 0 };
      this.blocks.push(b);
      this.starts.push(this.length);
    }
    b.data[b.length++] = i - b.base;
    this.length++;
  }

  at(k: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.starts[mid]! <= k) lo = mid;
      else hi = mid - 1;
    }
    const b = this.blocks[lo]!;
    return b.base + b.data[k - this.starts[lo]!]!;
  }

  /** Position of the first match > `from` (direction 1) or the last < `from` (direction −1), or −1. */
  nearest(from: number, direction: 1 | -1): number {
    let lo = 0;
    let hi = this.length;
    // First position whose value is > from (direction 1) or >= from (direction −1).
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const v = this.at(mid);
      if (direction === 1 ? v <= from : v < from) lo = mid + 1;
      else hi = mid;
    }
    if (direction === 1) return lo < this.length ? lo : -1;
    return lo - 1;
  }
}
