import { derivedEventId } from './derived-id';

describe('derivedEventId', () => {
  it('keeps the ids already stored: the same parts give the same UUID v5 as before, across releases', () => {
    // Fixed values: a changed id would store a fact derived again (after a crash, by another process) twice.
    expect(derivedEventId('a', 'b', 1)).toBe('e1f73110-9a13-56a2-857d-58cab4018f66');
    expect(derivedEventId('é', 'ü', '𝄞', 'x')).toBe('008c5fa5-a790-5b8f-97d5-7b089ea3edf2');
  });

  it('tells different facts apart', () => {
    expect(derivedEventId('c-1', 'SegmentEntered', 'vip', 1)).not.toBe(derivedEventId('c-1', 'SegmentEntered', 'vip', 2));
  });
});
