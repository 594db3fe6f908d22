// Append-only lists of numbers in fixed-size typed blocks. Growth never copies, so memory stays
// at the size of the data (a doubling array briefly holds twice that, which at 200 M records is
// what pushes a process past its budget).

const SHIFT = 14;
const BLOCK = 1 << SHIFT;
const MASK = BLOCK - 1;

export class NumberBlocks<T extends Float64Array | Int32Array = Float64Array> {
  private readonly blocks: T[] = [];
  length = 0;

  constructor(private readonly make: (n: number) => T) {}

  push(v: number): void {
    const b = this.length >>> SHIFT;
    if (b === this.blocks.length) this.blocks.push(this.make(BLOCK));
    this.blocks[b]![this.length & MASK] = v;
    this.length++;
  }

  at(k: number): number {
    return this.blocks[k >>> SHIFT]![k & MASK]!;
  }
}

export const float64Blocks = () => new NumberBlocks((n) => new Float64Array(n));
export const int32Blocks = () => new NumberBlocks((n) => new Int32Array(n));
