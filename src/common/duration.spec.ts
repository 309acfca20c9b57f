import { parseDurationMs } from 'src/common/duration';

describe(parseDurationMs.name, () => {
  it.each([
    [30, 30_000],
    ['45', 45_000],
    ['90s', 90_000],
    ['30m', 1_800_000],
    ['1h30m', 5_400_000],
    ['250ms', 250],
  ])('should read %p', (input, ms) => expect(parseDurationMs(input, 1)).toBe(ms));

  it.each([['soon'], ['10 parsecs'], [-5], [null]])('should fall back on %p', (input) =>
    expect(parseDurationMs(input, 7)).toBe(7),
  );
});
