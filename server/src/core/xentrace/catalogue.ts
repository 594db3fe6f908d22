// Every event ID Xen defines (and the legacy ones), with the flag bits that live inside the minor
// field expanded: TRC_64_FLAG, nested HVM, runstate old/new states, shadow paging levels.
import { className, splitEventId, subclassName, TRC_64_FLAG, TRC_HVM_NESTEDFLAG } from './eventIds';
import { applyLayout, chooseLayout, type DecodedField, type Layout } from './decoders/layout';
import { RAW, type EventDef } from './decoders/eventDef';
import { GEN_EVENTS } from './decoders/gen';
import { SCHED_EVENTS, runstateTransition } from './decoders/sched';
import { HVM_EVENTS } from './decoders/hvm';
import { PV_EVENTS } from './decoders/pv';
import { MEM_EVENTS } from './decoders/mem';
import { SHADOW_EVENTS } from './decoders/shadow';
import { HW_EVENTS } from './decoders/hw';
import { SCHEDULERS } from './meanings/sched';
import { shadowGuestLevels } from './meanings/paging';

export interface EventInfo {
  /** The 28-bit ID as found in the record, flags included. */
  event: number;
  /** Hypervisor name; a 64-bit variant keeps the base name (`TRC_PV_TRAP`). */
  name: string;
  className: string;
  subclassName: string;
  main: number;
  sub: number;
  minor: number;
  is64: boolean;
  /** What the flag bits of the ID say: `64-bit addresses`, `nested guest`, `running→blocked`… */
  flags: string[];
  /** False for IDs no Xen version defines; they still decode as raw words. */
  known: boolean;
  layouts: readonly Layout[];
  /** Some layout of this ID belongs to an older event with another name. */
  renamed: boolean;
  tsc?: boolean;
  note?: string;
}

interface Entry {
  def: EventDef;
  is64: boolean;
  flags: string[];
}

function buildTable(): ReadonlyMap<number, Entry> {
  const table = new Map<number, Entry>();
  const add = (id: number, e: Entry) => {
    if (!table.has(id)) table.set(id, e);
  };
  const all = [...GEN_EVENTS, ...SCHED_EVENTS, ...HVM_EVENTS, ...PV_EVENTS, ...MEM_EVENTS, ...SHADOW_EVENTS, ...HW_EVENTS];
  for (const def of all) {
    if (def.name === 'TRC_SCHED_RUNSTATE_CHANGE') {
      for (let from = 0; from < 4; from++)
        for (let to = 0; to < 4; to++) {
          const id = def.id | (from << 8) | (to << 4);
          add(id, { def, is64: false, flags: [runstateTransition(id)] });
        }
      continue;
    }
    if (def.id >>> 12 === 0x0040f && def.id !== (def.id & ~0xf00)) {
      add(def.id, { def, is64: false, flags: [`guest paging: ${shadowGuestLevels(def.id)} levels`] });
      continue;
    }
    if (def.id >>> 12 === 0x0040f) {
      const levelled = (def.id & 0xff) <= 0x0b;
      add(def.id, { def, is64: false, flags: levelled ? ['guest paging: 2 levels'] : [] });
      continue;
    }
    const write = def.id >>> 12 === 0x00082 && (def.id & 0x200) !== 0 ? ['write'] : [];
    if (def.layouts.length > 0) add(def.id, { def, is64: false, flags: write });
    if (def.layouts64) add(def.id | TRC_64_FLAG, { def: { ...def, layouts: def.layouts64 }, is64: true, flags: [...write, '64-bit addresses'] });
  }
  // Nested-HVM variants of VMENTRY and the exits (TRC_HVM_NESTEDFLAG).
  for (const id of [0x00081001, 0x00081002, 0x00081102, 0x00081003, 0x00081103]) {
    const base = table.get(id);
    if (base) add(id | TRC_HVM_NESTEDFLAG, { ...base, flags: [...base.flags, 'nested guest'] });
  }
  return table;
}

const TABLE = buildTable();

function unknownName(event: number): string {
  const { main, sub, minor } = splitEventId(event);
  if (main === 0x002 && sub === 0x2) {
    const sched = SCHEDULERS[(minor >>> 9) & 7];
    return `${sched?.prefix ?? 'TRC_SCHED_CLASS_'}EVT_${minor & 0x1ff}`;
  }
  if (main === 0x800) return `TRC_GUEST_0x${minor.toString(16).padStart(3, '0')}`;
  return `${subclassName(event)}_0x${minor.toString(16).padStart(3, '0')}`;
}

function infoFor(event: number, entry: Entry | undefined): EventInfo {
  const parts = splitEventId(event);
  const base = { event, className: className(event), subclassName: subclassName(event), ...parts };
  if (entry) {
    const renamed = entry.def.layouts.some((l) => l.name !== undefined);
    const info: EventInfo = { ...base, name: entry.def.name, is64: entry.is64, flags: entry.flags, known: true, layouts: entry.def.layouts, renamed };
    if (entry.def.tsc !== undefined) info.tsc = entry.def.tsc;
    if (entry.def.note !== undefined) info.note = entry.def.note;
    return info;
  }
  const flags: string[] = [];
  if (parts.main === 0x002 && parts.sub === 0x2) flags.push(`scheduler: ${SCHEDULERS[(parts.minor >>> 9) & 7]?.name ?? 'unknown'}`);
  if (parts.main === 0x800) flags.push(`guest-defined event 0x${parts.minor.toString(16)}`);
  return { ...base, name: unknownName(event), is64: false, flags, known: false, layouts: RAW, renamed: false };
}

/** Known IDs resolved once at load: lookups on the dump path are a Map hit. */
const INFOS: ReadonlyMap<number, Readonly<EventInfo>> = new Map([...TABLE].map(([id, e]) => [id, Object.freeze(infoFor(id, e))]));

/** Everything the catalogue knows about `event` (28 bits; higher header bits are ignored). Shared: do not modify. */
export function lookupEvent(eventOrHeader: number): Readonly<EventInfo> {
  const event = eventOrHeader & 0x0fffffff;
  return INFOS.get(event) ?? infoFor(event, undefined);
}

export interface DecodedPayload {
  /** Name of the layout actually used (differs from the event name for a reused legacy ID). */
  name: string;
  fields: DecodedField[];
  /** Xen versions that write the chosen layout. */
  versions: string;
  note?: string;
}

/** Decodes payload words with the layout their count selects. */
export function decodePayload(info: EventInfo, words: readonly number[], meanings = true): DecodedPayload {
  const layout = chooseLayout(info.layouts, words) ?? RAW[0]!;
  const out: DecodedPayload = { name: layout.name ?? info.name, fields: applyLayout(layout, words, info.event, meanings), versions: layout.versions };
  const notes = [layout.note, info.note].filter((n): n is string => n !== undefined);
  if (layout.words > words.length && !layout.decode) notes.push(`record has ${words.length} of the ${layout.words} words this layout expects`);
  if (notes.length > 0) out.note = notes.join(' ');
  return out;
}

/** The name a record with these words goes by (differs from the event name only for reused legacy IDs). */
export function payloadName(info: EventInfo, words: readonly number[]): string {
  if (!info.renamed) return info.name;
  return chooseLayout(info.layouts, words)?.name ?? info.name;
}

/** IDs whose name is `name` (with or without the TRC_ prefix, case-insensitive). */
export function eventIdsByName(name: string): number[] {
  const want = name.toUpperCase().replace(/^TRC_/, '');
  const out: number[] = [];
  for (const [id, e] of TABLE) if (e.def.name.replace(/^TRC_/, '') === want) out.push(id);
  return out;
}

/** Every known ID (for tests and completion lists). */
export function knownEventIds(): number[] {
  return [...TABLE.keys()];
}
