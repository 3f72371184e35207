import { type Amount, documentText, formatAmount, type Kopecks, kopecks, parseAmount, sumAmounts, totalOf, ZERO } from './money';

/** 1 thousand UAH = 100 000 kopecks. */
const THOUSAND = 100_000;

const parsed = (text: string) => {
  const result = parseAmount(text);
  if (!result.ok) throw new Error(`"${text}" did not parse: ${result.reason}`);
  return result.amount;
};

const reason = (text: string) => {
  const result = parseAmount(text);
  if (result.ok) throw new Error(`"${text}" parsed as ${result.amount}`);
  return result.reason;
};

describe('money', () => {
  describe('parseAmount reads amounts in thousand UAH as documents and the API write them', () => {
    it.each<[string, number]>([
      ['75,00', 75 * THOUSAND],
      ['2 000,00', 2000 * THOUSAND],
      ['2\u00a0000,00', 2000 * THOUSAND],
      ['2\u202f000,00', 2000 * THOUSAND],
      ['1 234 567,89', 1_234_567 * THOUSAND + 89_000],
      ['32,890', 32 * THOUSAND + 89_000],
      ['32,89', 32 * THOUSAND + 89_000],
      ['0,0', 0],
      ['0', 0],
      ['2000.00', 2000 * THOUSAND],
      ['0.00001', 1],
      [' 75,00 ', 75 * THOUSAND],
    ])('"%s" is %d kopecks', (text, expected) => {
      expect(parsed(text)).toBe(expected);
    });

    it.each(['---', '-', '', '—', '  '])('"%s" is none, not zero', (text) => {
      expect(parsed(text)).toBeNull();
    });

    it('"0,0" is zero, which is not none', () => {
      expect(parsed('0,0')).toBe(ZERO);
      expect(parsed('0,0')).not.toBeNull();
    });

    it('trailing zeros past the fifth decimal say nothing finer, and are read', () => {
      expect(parseAmount('2.500000')).toEqual({ ok: true, amount: 250_000 });
      expect(parseAmount('1,00000000')).toEqual({ ok: true, amount: 100_000 });
    });

    it('an amount finer than a kopeck (more than five decimals of thousand UAH) is rejected', () => {
      expect(reason('1,123456')).toContain('finer than a kopeck');
      expect(reason('0.000001')).toContain('finer than a kopeck');
    });

    it.each(['abc', '12,5a', '1.2.3', '-5,00', '+5', '.50', '5 тис.', '1e3', '2.000,00', 'NaN'])('"%s" is not an amount', (text) => {
      expect(reason(text)).toContain('is not an amount');
    });

    it.each(['75 75', '1 5', '12 34,5', '20 00,00', '2 0000,00', '75, 00', '1 234 56,00'])('"%s" is not an amount: a space only groups a whole part’s thousands', (text) => {
      expect(reason(text)).toContain('is not an amount');
    });

    it('the largest amount it accepts is still an exact integer of kopecks', () => {
      const largest = parsed('9 999 999 999,99999');
      expect(largest).toBe(999_999_999_999_999);
      expect(Number.isSafeInteger(largest)).toBe(true);
    });

    // 11 whole digits × 100 000 kopecks is beyond 2^53: it must be a "too large" answer, not a thrown RangeError
    // (an API client's amount that throws becomes a 500 instead of a 400).
    it.each(['99 999 999 999,00', '999999999999.00', '9999999999999'])('"%s" is too large, and says so without throwing', (text) => {
      expect(() => parseAmount(text)).not.toThrow();
      expect(reason(text)).toContain('too large');
    });
  });

  describe('formatAmount writes thousand UAH with at least two decimals and exactly as many more as it needs', () => {
    it.each<[Amount, string | null]>([
      [kopecks(2000 * THOUSAND), '2000.00'],
      [kopecks(32 * THOUSAND + 89_000), '32.89'],
      [kopecks(75 * THOUSAND + 50_000), '75.50'],
      [kopecks(1), '0.00001'],
      [kopecks(12_340), '0.1234'],
      [ZERO, '0.00'],
      [null, null],
    ])('%p → %p', (amount, expected) => {
      expect(formatAmount(amount)).toBe(expected);
    });

    it('"32,890" comes back as "32.89": an amount is an integer of kopecks, a trailing zero is not kept', () => {
      expect(formatAmount(parsed('32,890'))).toBe('32.89');
    });

    it('reads back what it writes', () => {
      for (const text of ['0.00', '0.00001', '75.00', '2000.00', '32.89', '11181.90', '9999999999.99999']) {
        expect(formatAmount(parsed(text))).toBe(text);
      }
    });
  });

  describe('none differs from zero but adds as zero', () => {
    const k = (thousands: number) => kopecks(thousands * THOUSAND) as Kopecks;

    it('sumAmounts adds the amounts and skips nones', () => {
      expect(sumAmounts([k(75), null, k(150)])).toBe(225 * THOUSAND);
    });

    it('sumAmounts of nothing but nones is none, and of nothing at all is none', () => {
      expect(sumAmounts([null, null])).toBeNull();
      expect(sumAmounts([])).toBeNull();
    });

    it('sumAmounts of a zero and a none is zero, not none', () => {
      expect(sumAmounts([null, ZERO])).toBe(0);
    });

    it('totalOf is zero where everything is none: totals are always stated', () => {
      expect(totalOf([null, null])).toBe(0);
      expect(totalOf([k(300), null, k(0.5)])).toBe(300 * THOUSAND + 50_000);
    });

    it('sums exactly, without floating point drift', () => {
      const tenth = parsed('0,1') as Kopecks;
      expect(formatAmount(sumAmounts(Array(10).fill(tenth)))).toBe('1.00');
    });
  });

  describe('kopecks', () => {
    it('rejects what is not a non-negative safe integer', () => {
      expect(() => kopecks(1.5)).toThrow(RangeError);
      expect(() => kopecks(-1)).toThrow(RangeError);
      expect(() => kopecks(2 ** 53)).toThrow(RangeError);
      expect(kopecks(0)).toBe(0);
    });
  });
});

describe('amounts as documents write them', () => {
  it('groups thousands with a space, uses a decimal comma, and writes none as ---', () => {
    expect(documentText(formatAmount(parsed('2000.00')))).toBe('2 000,00');
    expect(documentText(formatAmount(parsed('11181.90')))).toBe('11 181,90');
    expect(documentText(formatAmount(parsed('1234567.5')))).toBe('1 234 567,50');
    expect(documentText(formatAmount(parsed('75')))).toBe('75,00');
    expect(documentText(formatAmount(null))).toBe('---');
    // a total past the whole digits one amount may have (2^53 kopecks), as the API writes it
    expect(documentText('90071992547.40991')).toBe('90 071 992 547,40991');
    expect(documentText(formatAmount(kopecks(Number.MAX_SAFE_INTEGER)))).toBe('90 071 992 547,40991');
  });

  it('reads back to the same amount', () => {
    for (const text of ['0.00', '32.89', '2000.00', '11181.90', '0.00001']) {
      expect(parseAmount(documentText(formatAmount(parsed(text))))).toEqual({ ok: true, amount: parsed(text) });
    }
  });
});
