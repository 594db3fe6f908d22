// Register values that point into code are frames too: RIP/PC/LR are parsed as frames already;
// this finds the others (CR2, RAX…R15, x0…x30, GPRnn, …) whose value a symbol table resolves to a
// function, so a hover on `R11: ffffffff81088847` can say `csd_lock_wait+0x4/0xa`.
import type { Register, Report } from '../oops/reports';
import type { SymbolHit, SymbolTable } from './symbolTable';

export interface RegisterSymbol {
  register: Register;
  hit: SymbolHit;
}

/** Registers of a report whose value (minus a KASLR slide) falls inside a code symbol of the table. */
export function registersInCode(report: Report, table: SymbolTable, slide = 0n): RegisterSymbol[] {
  const out: RegisterSymbol[] = [];
  for (const register of report.registers) {
    if (register.hex.length < 8) continue;
    const hit = table.lookup(register.value - slide);
    // a value far past the symbol's end is not an address in it (the last symbol has no size)
    if (hit && hit.size !== undefined && hit.offset < hit.size) out.push({ register, hit });
  }
  return out;
}
