/**
 * Remembers a pure function of a cell's text. Attendance files repeat the same few dates,
 * times and statuses on every row, and Unicode normalisation costs more than a lookup.
 * Bounded, so a file of all-different values cannot grow it without end.
 */
export function memoByText<T>(compute: (text: string) => T, limit = 4096): (text: string) => T {
  const cache = new Map<string, T>();

  return (text) => {
    const known = cache.get(text);
    if (known !== undefined || cache.has(text)) return known as T;

    if (cache.size >= limit) cache.clear();
    const value = compute(text);
    cache.set(text, value);
    return value;
  };
}
