import fc from 'fast-check';
import { DomainError } from 'src/common/errors/domain-error';
import { FULL, repeatTo, Subject, subjects } from 'bench/adversarial-inputs';

jest.setTimeout(600_000);

/**
 * CPU milliseconds of one parse (this process's, not the wall clock's: other work on a busy machine
 * must not make a linear parser look quadratic); anything thrown must be a domain error, never a crash.
 */
function timed(subject: Subject, text: string): number {
  const started = process.cpuUsage();
  try {
    subject.parse(text);
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
  }
  const used = process.cpuUsage(started);
  return (used.user + used.system) / 1000;
}

/**
 * Every parser of user or guest input, fed adversarial inputs of up to 10 MB (the size caps of the
 * YAML formats refuse more up front) built by repeating a
 * generated pattern of hostile fragments. Each must end with a value or a domain error (never
 * anything else), and its time must grow linearly: the same pattern at n and 4n characters takes
 * well under the 16× a quadratic parser would (measured at up to 4 MB to keep the test affordable). Each side is the best of two runs, so a busy machine
 * slows both sides rather than one. Absolute times are in the `parsers` bench, not here.
 */
describe.each(subjects)('$name on adversarial input', (subject) => {
  const ratioSize = Math.min(subject.size, 4 * 1024 * 1024);
  it('takes linear time (n against 4n characters) and only ever refuses with a domain error', () => {
    const pattern = fc
      .array(fc.oneof(fc.constantFrom(...subject.fragments), fc.string({ maxLength: 8 })), {
        minLength: 1,
        maxLength: 6,
      })
      .map((parts) => parts.join(''))
      .filter((p) => p.length > 0);
    fc.assert(
      fc.property(pattern, (p) => {
        const small = repeatTo(p, ratioSize / 4);
        const large = repeatTo(p, ratioSize);
        const tSmall = Math.min(timed(subject, small), timed(subject, small));
        const tLarge = Math.min(timed(subject, large), timed(subject, large));
        // Linear is ~4×; quadratic 16×. Below a few milliseconds the ratio is noise.
        expect(tLarge).toBeLessThan(10 * Math.max(tSmall, 5));
      }),
      { numRuns: 3 },
    );
  });

  it('reads 10 MB of all hostile fragments, and each alone, to an end: a value or a domain error', () => {
    expect(() => timed(subject, repeatTo(subject.fragments.join(''), FULL))).not.toThrow();
    for (const fragment of subject.fragments) {
      expect(() => timed(subject, repeatTo(fragment, ratioSize / 4))).not.toThrow();
    }
  });
});
