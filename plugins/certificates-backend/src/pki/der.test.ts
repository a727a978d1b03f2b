import { readChildren, readElement, time } from './der';

describe('readElement', () => {
  it('reads short and long lengths', () => {
    expect(
      readElement(Buffer.from('0403616263', 'hex')).content.toString(),
    ).toBe('abc');
    const long = Buffer.concat([
      Buffer.from('048180', 'hex'),
      Buffer.alloc(0x80, 1),
    ]);
    expect(readElement(long).content).toHaveLength(0x80);
  });

  it.each([
    ['a long form for a short length', '04810161'],
    ['a length with a leading zero byte', '0482000161'],
    ['an indefinite length', '04800000'],
    ['a length of five bytes', '04850000000001'],
    ['length bytes past the end', '048201'],
    ['content past the end', '040561'],
    ['nothing', ''],
  ])('refuses %s', (_name, hex) => {
    expect(() => readElement(Buffer.from(hex, 'hex'))).toThrow();
  });

  it('refuses a child whose length bytes run past its parent, instead of looping', () => {
    // SEQUENCE { SEQUENCE { 30 82 01 } }: the inner long-form length is cut off.
    const outer = readElement(Buffer.from('30053003308201', 'hex'));
    const [inner] = readChildren(outer.content);
    expect(() => readChildren(inner.content)).toThrow('Truncated DER');
  });
});

describe('time', () => {
  it.each([
    ['1949-12-31T23:59:59Z', 0x18, '19491231235959Z'],
    ['1950-01-01T00:00:00Z', 0x17, '500101000000Z'],
    ['2049-12-31T23:59:59Z', 0x17, '491231235959Z'],
    ['2050-01-01T00:00:00Z', 0x18, '20500101000000Z'],
  ])('encodes %s as RFC 5280 says', (at, tag, text) => {
    const encoded = readElement(time(new Date(at)));
    expect(encoded.tag).toBe(tag);
    expect(encoded.content.toString('ascii')).toBe(text);
  });
});
