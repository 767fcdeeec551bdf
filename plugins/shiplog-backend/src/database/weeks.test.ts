import { median } from './weeks';

describe('median', () => {
  const sortedMedian = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2
      ? sorted[middle]
      : (sorted[middle - 1] + sorted[middle]) / 2;
  };

  it('is null without values, the middle one or the mean of the two middle ones', () => {
    expect(median([])).toBeNull();
    expect(median([7])).toBe(7);
    expect(median([9, 1, 5])).toBe(5);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([-5, 3])).toBe(-1);
  });

  it('agrees with sorting on many values, duplicates and negatives included', () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed;
    };
    for (let round = 0; round < 200; round++) {
      const length = 1 + (random() % 300);
      const spread = 1 + (random() % 50);
      const values = Array.from(
        { length },
        () => (random() % spread) - spread / 4,
      );
      const copy = [...values];
      expect(median(values)).toBe(sortedMedian(values));
      expect(values).toEqual(copy);
    }
  });
});
