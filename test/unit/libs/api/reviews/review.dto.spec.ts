import fc from 'fast-check';
import { ProblemException } from '#api/problem/problem';
import { validateDto } from '#api/problem/validate-dto';
import { ReviewDecisionDto } from '#api/reviews/review.dto';

// Any outcome a reviewer's client sends is refused as a bad request, never a server error: the
// per-outcome field rules look the outcome up, and Object's own names ("constructor", "__proto__",
// "toString") once found functions there instead of nothing.
describe('a decision with an outcome the API does not know', () => {
  const refusedAsBadRequest = async (outcome: string): Promise<void> => {
    const refusal: unknown = await validateDto(ReviewDecisionDto, { outcome, notes: 'n' }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refusal).toBeInstanceOf(ProblemException);
    expect((refusal as ProblemException).getStatus()).toBe(400);
  };

  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'approve '])(
    'refuses %j as a bad request',
    refusedAsBadRequest,
  );

  it('refuses any other string as a bad request', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string(), fc.constantFrom(...Object.getOwnPropertyNames(Object.prototype))),
        async (outcome) => {
          fc.pre(!['approve', 'decline', 'request-new-report'].includes(outcome));
          await refusedAsBadRequest(outcome);
        },
      ),
    );
  });
});
