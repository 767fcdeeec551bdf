/** A cache of words made once per key: `once(key, make)` calls `make` only the first time for `key`. */
export function createTextCache(): (key: string, make: () => string) => string {
  const cache = new Map<string, string>();
  return (key, make) => {
    let text = cache.get(key);
    if (text === undefined) {
      text = make();
      cache.set(key, text);
    }
    return text;
  };
}
