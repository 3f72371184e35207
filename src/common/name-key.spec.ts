import { nameKey } from './name-key';

describe('nameKey: two names typed by hand compare as one', () => {
  it.each([
    ['Відділ  бета', 'відділ бета'],
    ['Відділ бета ', ' ВІДДІЛ БЕТА'],
    ['Служба у справах сім\'ї', 'служба у справах сім\u2019ї'],
    ['Служба у справах сімʼї', 'служба у справах сім`ї'],
    ['ви\u0438\u0306ти', 'вийти'],
  ])('"%s" is "%s"', (a, b) => {
    expect(nameKey(a)).toBe(nameKey(b));
  });

  it.each([
    ['відділ бета', 'відділ альфа'],
    ['сімї', 'сім\'ї'],
  ])('"%s" is not "%s"', (a, b) => {
    expect(nameKey(a)).not.toBe(nameKey(b));
  });
});
