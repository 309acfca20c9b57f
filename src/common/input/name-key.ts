/**
 * The form two people's names are compared in: case, width, accents and spacing do not make a name
 * new ("Zoë  Ångström" and "zoe-angstrom" are one name). Token names are unique in this form.
 */
export function nameKey(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '');
}
