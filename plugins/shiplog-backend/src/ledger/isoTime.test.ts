import { isoTime } from './isoTime';

describe('isoTime', () => {
  it('formats as Date does, across leap years, month ends and centuries', () => {
    const samples = [
      0,
      951_782_400_000, // 2000-02-29
      4_107_542_399_999, // 2100-02-28T23:59:59.999
      4_107_542_400_000, // 2100-03-01
      Date.UTC(2026, 11, 31, 23, 59, 59, 7),
      Date.UTC(2024, 1, 29, 12, 0, 0, 45),
      253_402_300_799_999,
    ];
    let seed = 7;
    for (let i = 0; i < 5000; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      samples.push(Math.floor((seed / 2 ** 31) * 4_200_000_000_000));
    }
    for (const ms of samples) {
      expect(isoTime(ms)).toBe(new Date(ms).toISOString());
    }
  });

  it('leaves what it does not handle to Date', () => {
    expect(isoTime(-1)).toBe(new Date(-1).toISOString());
    expect(isoTime(1.5)).toBe(new Date(1.5).toISOString());
  });
});
