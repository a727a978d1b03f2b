import { matchesOwnPathOnly } from './activeMatch';

describe('matchesOwnPathOnly', () => {
  const hrefs = ['/', '/certificates', '/certificates/approvals', '/settings'];

  it('is true for an item with another item below it', () => {
    expect(matchesOwnPathOnly('/certificates', hrefs)).toBe(true);
  });

  it('is false for items with nothing below them', () => {
    expect(matchesOwnPathOnly('/certificates/approvals', hrefs)).toBe(false);
    expect(matchesOwnPathOnly('/settings', hrefs)).toBe(false);
  });

  it('does not take a sibling with a common prefix for a child', () => {
    expect(matchesOwnPathOnly('/cert', ['/cert', '/certificates'])).toBe(false);
  });
});
