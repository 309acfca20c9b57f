const SAFE = /^[A-Za-z0-9_\-+=:,./@%]+$/;

/** Quotes one word for a POSIX shell (the remote login shell reads every command we send). */
export function shellQuote(word: string): string {
  if (SAFE.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

export function shellJoin(words: readonly string[]): string {
  return words.map(shellQuote).join(' ');
}
