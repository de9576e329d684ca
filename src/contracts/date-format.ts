// ODCS date/timestamp patterns (`logicalTypeOptions.format`, JDK DateTimeFormatter style such as
// `dd/MM/yyyy HH:mm`) → a DuckDB strptime format plus a regex that the text must match in full.
// DuckDB's strptime is lenient (`%Y%m%d` reads '2024115' as 2024-11-05, spaces around are skipped),
// so the regex holds a value to the number of digits the pattern promises. Pure: no engine.

export type DateFormat = { ok: true; strptime: string; regex: string } | { ok: false; message: string; offset: number };

interface Letter {
  /** Repeat counts → [strptime, regex]. */
  readonly map: (n: number) => [string, string] | undefined;
  readonly name: string;
}

const DIGITS = (n: number) => `[0-9]{${n}}`;
const ONE_OR_TWO = '[0-9]{1,2}';
const twoWay = (one: string, two: string) => (n: number): [string, string] | undefined =>
  n === 1 ? [one, ONE_OR_TWO] : n === 2 ? [two, DIGITS(2)] : undefined;
const year = (n: number): [string, string] | undefined => (n === 2 ? ['%y', DIGITS(2)] : n === 1 || n === 4 ? ['%Y', DIGITS(4)] : undefined);

const LETTERS: Readonly<Record<string, Letter>> = {
  y: { name: 'year (yyyy or yy)', map: year },
  u: { name: 'year (uuuu or uu)', map: year },
  M: {
    name: 'month (M, MM, MMM or MMMM)',
    map: (n) => (n <= 2 ? twoWay('%-m', '%m')(n) : n === 3 ? ['%b', '[A-Za-z]{3}'] : n === 4 ? ['%B', '[A-Za-z]{3,9}'] : undefined),
  },
  L: { name: 'month (L or LL)', map: twoWay('%-m', '%m') },
  d: { name: 'day of month (d or dd)', map: twoWay('%-d', '%d') },
  H: { name: 'hour 0-23 (H or HH)', map: twoWay('%-H', '%H') },
  h: { name: 'hour 1-12 (h or hh)', map: twoWay('%-I', '%I') },
  m: { name: 'minute (m or mm)', map: twoWay('%-M', '%M') },
  s: { name: 'second (s or ss)', map: twoWay('%-S', '%S') },
  S: { name: 'fraction of second (SSS or SSSSSS)', map: (n) => (n === 3 ? ['%g', DIGITS(3)] : n === 6 ? ['%f', DIGITS(6)] : undefined) },
  a: { name: 'AM/PM marker (a)', map: (n) => (n === 1 ? ['%p', '[AaPp][Mm]'] : undefined) },
  E: { name: 'day of week (EEE or EEEE)', map: (n) => (n === 3 ? ['%a', '[A-Za-z]{3}'] : n === 4 ? ['%A', '[A-Za-z]{6,9}'] : undefined) },
};

/** The letters a pattern may use, for hints. */
export const SUPPORTED_DATE_LETTERS = 'yyyy yy MM M MMM MMMM dd d HH H hh h mm m ss s SSS SSSSSS a EEE EEEE, and quoted text such as \'T\'';

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const escapeStrptime = (s: string) => s.replace(/%/g, '%%');

/** Translate a JDK-style pattern; an unsupported letter or an unterminated quote is a problem at its offset. */
export function translateDateFormat(pattern: string): DateFormat {
  if (pattern.length === 0) return { ok: false, message: 'empty format', offset: 0 };
  let strptime = '';
  let regex = '';
  const literal = (s: string) => {
    strptime += escapeStrptime(s);
    regex += escapeRegex(s);
  };
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i] as string;
    if (ch === "'") {
      if (pattern[i + 1] === "'") {
        literal("'");
        i += 2;
        continue;
      }
      const end = pattern.indexOf("'", i + 1);
      if (end === -1) return { ok: false, message: 'unterminated quoted text', offset: i };
      literal(pattern.slice(i + 1, end));
      i = end + 1;
      continue;
    }
    if (/[A-Za-z]/.test(ch)) {
      let n = 1;
      while (pattern[i + n] === ch) n++;
      const letter = Object.hasOwn(LETTERS, ch) ? LETTERS[ch] : undefined;
      if (!letter) return { ok: false, message: `unsupported pattern letter '${ch}'`, offset: i };
      const mapped = letter.map(n);
      if (!mapped) return { ok: false, message: `'${ch.repeat(n)}' is not supported for the ${letter.name}`, offset: i };
      strptime += mapped[0];
      regex += mapped[1];
      i += n;
      continue;
    }
    literal(ch);
    i++;
  }
  return { ok: true, strptime, regex };
}
