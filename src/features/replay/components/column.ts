type Typed = Int32Array | Float64Array | Uint16Array;

/** A typed array that grows by doubling: a number per event in 2–8 bytes instead of an object. */
export class Column<A extends Typed> {
  private a: A;
  length = 0;

  constructor(private readonly make: (n: number) => A) {
    this.a = make(1024);
  }

  push(v: number) {
    if (this.length === this.a.length) {
      const b = this.make(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.length++] = v;
  }

  get(i: number): number {
    return this.a[i]!;
  }

  /** The values held, as a view (no copy). */
  view(): A {
    return this.a.subarray(0, this.length) as A;
  }
}
