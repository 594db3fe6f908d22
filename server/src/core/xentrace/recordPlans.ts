// What is constant in a dumped line for one event ID and word count (the name, the field keys,
// which bits of which word each field takes) is compiled once into a plan; the JSON and text
// writers each keep a cache of their own plans.
import { chooseLayout, type Layout } from './decoders/layout';
import { RAW } from './decoders/eventDef';
import { lookupEvent, type EventInfo } from './catalogue';

/** Corrupt input can show millions of distinct unknown IDs: a cache starts over past this. */
const MAX_PLANS = 1 << 14;

/**
 * A plan lookup by `event * 8 + word count`. The layout is fixed by the count unless the first
 * layout of that size has a test on the words (TRC_MEM's pre-4.18 packing): those events keep a
 * plan per layout. The layout is the one decodePayload would use.
 */
export function planCache<P>(make: (info: EventInfo, layout: Layout, words: number) => P): (event: number, words: readonly number[]) => P {
  const plans = new Map<number, P | Map<Layout, P>>();
  const layoutOf = (info: EventInfo, words: readonly number[]) => chooseLayout(info.layouts, words) ?? RAW[0]!;
  return (event, words) => {
    const key = event * 8 + words.length;
    let entry = plans.get(key);
    if (entry === undefined) {
      const info = lookupEvent(event);
      const exact = info.layouts.find((l) => l.words === words.length);
      entry = exact?.test ? new Map<Layout, P>() : make(info, layoutOf(info, words), words.length);
      if (plans.size >= MAX_PLANS) plans.clear();
      plans.set(key, entry);
    }
    if (!(entry instanceof Map)) return entry;
    const info = lookupEvent(event);
    const layout = layoutOf(info, words);
    let plan = entry.get(layout);
    if (plan === undefined) entry.set(layout, (plan = make(info, layout, words.length)));
    return plan;
  };
}
