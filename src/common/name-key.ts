/**
 * How two names typed by hand compare — an executor's, a funding source's: composed letters, single spaces, any
 * case. "Відділ  бета" and "відділ бета" are one name; a decomposed "й" is the composed one. The fold matches
 * funding sources by this key, so it must stay as it is: a looser key would fold recorded history differently.
 */
export function nameKey(name: string): string {
  return name.normalize('NFC').replace(/\s+/g, ' ').trim().toLocaleLowerCase('uk');
}
