// Event selection for `--event`: a name (TRC_PV_TRAP, PV_TRAP), an ID (0x00201003), a class
// (hvm, TRC_HVM, 0x0008f000) or a subclass (TRC_HVM_HANDLER, 0x00082000).
import { eventIdsByName, lookupEvent } from './catalogue';
import { classMaskByName, subclassName } from './eventIds';

export interface EventFilter {
  test(event: number): boolean;
}

function one(spec: string): ((event: number) => boolean) | undefined {
  const s = spec.trim();
  if (/^0x[0-9a-f]+$/i.test(s)) {
    const id = parseInt(s, 16) & 0x0fffffff;
    if ((id & 0xfff) === 0 && (id & 0xf000) === 0xf000) return (e) => ((e >>> 16) & 0xfff) === id >>> 16;
    if ((id & 0xfff) === 0) return (e) => (e & 0x0ffff000) === id;
    return (e) => e === id;
  }
  const mask = classMaskByName(s);
  if (mask !== undefined) return (e) => ((e >>> 16) & 0xfff) === mask >>> 16;
  const ids = eventIdsByName(s);
  if (ids.length > 0) {
    const set = new Set(ids);
    return (e) => set.has(e);
  }
  const upper = s.toUpperCase();
  const withPrefix = upper.startsWith('TRC_') ? upper : `TRC_${upper}`;
  // Subclass names, and names the catalogue makes up for unknown IDs, are matched per ID.
  return (e) => subclassName(e) === withPrefix || lookupEvent(e).name === withPrefix;
}

/** Any of `specs` matches; results per ID are cached, so the test is one Map lookup. */
export function eventFilter(specs: string[]): EventFilter | { error: string } {
  const tests: ((e: number) => boolean)[] = [];
  for (const spec of specs) {
    const t = one(spec);
    if (!t) return { error: `cannot read event '${spec}'` };
    tests.push(t);
  }
  const cache = new Map<number, boolean>();
  return {
    test(event: number): boolean {
      let hit = cache.get(event);
      if (hit === undefined) {
        hit = tests.some((t) => t(event));
        cache.set(event, hit);
      }
      return hit;
    },
  };
}
