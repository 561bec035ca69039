/** A map that forgets its least recently used entry past `limit`: insertion order is the eviction order. */
export class Recent<V> extends Map<string, V> {
  constructor(private readonly limit: number) {
    super();
  }

  use(key: string): V | undefined {
    const value = super.get(key);
    if (value !== undefined) {
      this.delete(key);
      this.set(key, value);
    }
    return value;
  }

  keep(key: string, value: V): V {
    this.delete(key); // a key kept again is the most recent
    this.set(key, value);
    if (this.size > this.limit) this.delete(this.keys().next().value!);
    return value;
  }
}
