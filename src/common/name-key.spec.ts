import { nameKey } from './name-key';

describe('nameKey: two names typed by hand compare as one', () => {
  it.each([
    ['Відділ  бета', 'відділ бета'],
    ['Відділ бета ', ' ВІДДІЛ БЕТА'],
    ['ви\u0438\u0306ти', 'вийти'],
  ])('"%s" is "%s"', (a, b) => {
    expect(nameKey(a)).toBe(nameKey(b));
  });

  it.each([
    ['відділ бета', 'відділ альфа'],
    // apostrophes are the executor directory's to equate, not the fold's (executor.decider.ts)
    ['сім\'ї', 'сім’ї'],
  ])('"%s" is not "%s"', (a, b) => {
    expect(nameKey(a)).not.toBe(nameKey(b));
  });
});
