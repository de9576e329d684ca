import { describe, expect, it } from 'vitest';
import { translateDateFormat } from '../../../src/contracts/date-format.ts';

describe('translateDateFormat (ODCS JDK patterns → DuckDB strptime + a full-match regex)', () => {
  it.each([
    ['M/d/yyyy H:mm', '%-m/%-d/%Y %-H:%M', '[0-9]{1,2}/[0-9]{1,2}/[0-9]{4} [0-9]{1,2}:[0-9]{2}'],
    ['yyyyMMdd', '%Y%m%d', '[0-9]{4}[0-9]{2}[0-9]{2}'],
    ['dd/MM/yyyy', '%d/%m/%Y', '[0-9]{2}/[0-9]{2}/[0-9]{4}'],
    ['dd/MM/yyyy HH:mm', '%d/%m/%Y %H:%M', '[0-9]{2}/[0-9]{2}/[0-9]{4} [0-9]{2}:[0-9]{2}'],
    ["yyyy-MM-dd'T'HH:mm:ss", '%Y-%m-%dT%H:%M:%S', '[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}'],
    ['yyyy-MM-dd HH:mm:ss.SSS', '%Y-%m-%d %H:%M:%S.%g', '[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}'],
    ['d MMM yy h:mm a', '%-d %b %y %-I:%M %p', '[0-9]{1,2} [A-Za-z]{3} [0-9]{2} [0-9]{1,2}:[0-9]{2} [AaPp][Mm]'],
    ["dd.MM.yyyy 'at' HH'h'", '%d.%m.%Y at %Hh', '[0-9]{2}\\.[0-9]{2}\\.[0-9]{4} at [0-9]{2}h'],
    ["yyyy''MM", "%Y'%m", "[0-9]{4}'[0-9]{2}"],
    ['yyyy%MM', '%Y%%%m', '[0-9]{4}%[0-9]{2}'],
  ])('%s → %s', (pattern, strptime, regex) => {
    expect(translateDateFormat(pattern)).toEqual({ ok: true, strptime, regex });
  });

  it('refuses unsupported letters and counts at their offset', () => {
    expect(translateDateFormat('yyyy-MM-dd Q')).toEqual({ ok: false, message: "unsupported pattern letter 'Q'", offset: 11 });
    expect(translateDateFormat('yyyy-MM-dd HH:mm XXX')).toEqual({ ok: false, message: "unsupported pattern letter 'X'", offset: 17 });
    expect(translateDateFormat('yyy-MM-dd')).toMatchObject({ ok: false, offset: 0, message: "'yyy' is not supported for the year (yyyy or yy)" });
    expect(translateDateFormat('dd/MMMMM/yyyy')).toMatchObject({ ok: false, offset: 3 });
    expect(translateDateFormat("yyyy-MM-dd'T")).toEqual({ ok: false, message: 'unterminated quoted text', offset: 10 });
    expect(translateDateFormat('')).toMatchObject({ ok: false });
  });
});
