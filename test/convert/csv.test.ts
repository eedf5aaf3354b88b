import { parseCsv, readCsv } from '../../convert/csv';
import { ConvertError } from '../../convert/errors';
import { thrown } from '../support/throws';

describe('parseCsv (RFC 4180, by csv-parse)', () => {
  it('splits plain rows, keeping empty fields', () => {
    expect(parseCsv('a,b,c\n1,,3\n,,\n')).toEqual([['a', 'b', 'c'], ['1', '', '3'], ['', '', '']]);
  });

  it('reads quoted fields with commas, doubled quotes and line breaks', () => {
    expect(parseCsv('"x, y","say ""hi""","two\nlines"\n')).toEqual([['x, y', 'say "hi"', 'two\nlines']]);
  });

  it('accepts CRLF line ends and a last line without a newline', () => {
    expect(parseCsv('a,b\r\n1,2\r\n3,4')).toEqual([['a', 'b'], ['1', '2'], ['3', '4']]);
  });

  it('returns no rows for empty text, and skips empty lines', () => {
    expect(parseCsv('')).toEqual([]);
    expect(parseCsv('a,b\n\n1,2\n')).toEqual([['a', 'b'], ['1', '2']]);
  });
});

describe('readCsv', () => {
  it('gives each row the line it starts on, also after a quoted line break and an empty line', () => {
    expect(readCsv('a,b\n"1\n2",3\n\n4,5\n').map((r) => r.line)).toEqual([1, 2, 5]);
  });

  it.each([
    ['fewer', 'a,b,c\n1,2,3\n4,5\n', 3, /^line 3: row has 2 column\(s\), the header has 3/],
    ['more', 'a,b\n1,2\n3,4\n5,6,7\n', 4, /^line 4: row has 3 column\(s\), the header has 2/],
  ])('refuses a row with %s columns than the header, naming its line', (_what, text, line, message) => {
    const err = thrown(() => readCsv(text), ConvertError);
    expect(err.line).toBe(line);
    expect(err.message).toMatch(message);
  });

  it('refuses an unclosed quote with its line', () => {
    expect(() => readCsv('a,b\n1,"open\n')).toThrow(/^line 2: not valid CSV \(Quote Not Closed/);
  });
});
