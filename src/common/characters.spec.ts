import { latinRomanNumeral, romanAsTyped, unquoted } from './characters';

describe('characters', () => {
  it('unquoted: a title loses the pair of quotes documents put around it, and only that', () => {
    expect(unquoted('«Розвиток місцевого самоврядування»')).toBe('Розвиток місцевого самоврядування');
    expect(unquoted('„Безпечне місто“')).toBe('Безпечне місто');
    expect(unquoted('"Цифрова громада"')).toBe('Цифрова громада');
    expect(unquoted('«Безпечне» і «чисте» місто')).toBe('«Безпечне» і «чисте» місто');
    expect(unquoted('«Розвиток» громади')).toBe('«Розвиток» громади');
    expect(unquoted('Розвиток громади')).toBe('Розвиток громади');
    expect(unquoted('«')).toBe('');
    // nothing but the quotes: nothing is left, which a title's schema refuses
    expect([unquoted('«»'), unquoted('« »'), unquoted('""')]).toEqual(['', '', '']);
    // a quote within the title is not one at its ends
    expect(unquoted('Програма «Безпечне місто»')).toBe('Програма «Безпечне місто»');
    // the outer pair of nested quotes goes
    expect(unquoted('«Програма „Розвиток самоврядування“»')).toBe('Програма „Розвиток самоврядування“');
    expect(unquoted('«Програма «Розвиток»»')).toBe('Програма «Розвиток»');
    // a quote left unpaired at one end goes too, whatever quoted names follow
    expect(unquoted('«Розвиток місцевого самоврядування')).toBe('Розвиток місцевого самоврядування');
    expect(unquoted('Розвиток місцевого самоврядування»')).toBe('Розвиток місцевого самоврядування');
    expect(unquoted('«Програма „Безпечна громада“')).toBe('Програма „Безпечна громада“');
    expect(unquoted('«Розвиток „місцевого“ самоврядування')).toBe('Розвиток „місцевого“ самоврядування');
    // ”…” typed on both sides, around the whole title or a name in it
    expect(unquoted('”Безпечна громада”')).toBe('Безпечна громада');
    expect(unquoted('Підтримка КП ”Коростеньтепло”')).toBe('Підтримка КП ”Коростеньтепло”');
    expect(unquoted('”A” і ”B”')).toBe('”A” і ”B”');
    expect(unquoted('„Безпечне місто”')).toBe('Безпечне місто');
    // an outer pair of another kind around a quoted name
    expect(unquoted('"Програма «Розвиток»"')).toBe('Програма «Розвиток»');
  });

  it('latinRomanNumeral: the Cyrillic І, Х and С a Ukrainian keyboard types become the Latin letters they look like', () => {
    expect(latinRomanNumeral('V\u0406\u0406\u0406')).toBe('VIII');
    expect(latinRomanNumeral('\u0425\u0406')).toBe('XI');
    expect(latinRomanNumeral('\u0421\u0425')).toBe('CX');
    expect(latinRomanNumeral('VIII')).toBe('VIII');
  });

  it('romanAsTyped: a pattern of Latin numerals takes the same Cyrillic look-alikes, each read back by latinRomanNumeral', () => {
    const typed = new RegExp(romanAsTyped('^X{0,3}(IX|IV|V?I{0,3})C?$'), 'u');
    for (const numeral of ['VIII', 'V\u0406\u0406\u0406', '\u0425\u0406\u0425', 'IXC', 'IX\u0421']) expect([numeral, typed.test(numeral), typed.test(latinRomanNumeral(numeral))]).toEqual([numeral, true, true]);
    expect(typed.test('VIIII')).toBe(false);
  });
});
