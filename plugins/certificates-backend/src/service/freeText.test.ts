import { freeText } from './freeText';

describe('freeText', () => {
  const schema = freeText(50);

  it.each([
    ['NUL', 'needed\u0000for launch'],
    ['an escape sequence', 'ok\u001b[31m red'],
    ['DEL', 'x\u007f'],
    ['a C1 control', 'x\u0085y'],
    ['a right-to-left override', 'approve \u202eeton'],
    ['an isolate', 'a\u2066b\u2069'],
  ])('refuses %s, saying why', (_what, text) => {
    const result = schema.safeParse(text);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0].message).toMatch(/control characters/);
  });

  it('keeps line breaks, tabs and any script', () => {
    expect(schema.parse('line one\nline two\r\n\tтекст 文字 <b>')).toBe(
      'line one\nline two\r\n\tтекст 文字 <b>',
    );
  });

  it('trims when asked and still counts the length', () => {
    expect(freeText(5, { trim: true }).parse('  abc  ')).toBe('abc');
    expect(freeText(5).safeParse('abcdef').success).toBe(false);
  });
});
