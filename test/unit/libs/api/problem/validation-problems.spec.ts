import fc from 'fast-check';
import { type ProblemException } from '#api/problem/problem';
import { validateDto } from '#api/problem/validate-dto';
import { ReviewDecisionDto } from '#api/reviews/review.dto';

const refusal = async (body: Record<string, unknown>): Promise<ProblemException> =>
  validateDto(ReviewDecisionDto, body).then(
    () => {
      throw new Error('expected a refusal');
    },
    (error: unknown) => error as ProblemException,
  );

describe('problems with unknown properties', () => {
  it('names a plainly named unknown property, and says what is wrong with it', async () => {
    const refused = await refusal({ outcome: 'request-new-report', notes: 'n', colour: 'red' });
    expect(refused.errors).toContainEqual({ field: 'colour', message: 'is not a property of this request' });
  });

  it('never echoes a property name that is not plain: markup, bidi and control characters, any length', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.constantFrom('<b>x</b>\u202e', 'a\nb', 'x'.repeat(65), 'é'),
          fc.string({ minLength: 1 }).filter((key) => !/^[A-Za-z0-9_-]{1,64}$/.test(key)),
        ),
        async (key) => {
          fc.pre(!['outcome', 'notes', 'recommendedLimit', 'reasonCodes', '__proto__'].includes(key));
          const refused = await refusal({ outcome: 'request-new-report', notes: 'n', [key]: 1 });
          // The whole answer is fixed text: nothing of the key can be in it.
          expect(refused.errors).toEqual([{ field: '(unnamed)', message: 'is not a property of this request' }]);
          expect(refused.detail).toBe('(unnamed): is not a property of this request');
        },
      ),
    );
  });
});
