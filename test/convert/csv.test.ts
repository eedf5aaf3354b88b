import { parseCsv } from '../../convert/csv';

describe('parseCsv (RFC 4180)', () => {
  it('splits plain rows, keeping empty fields', () => {
    expect(parseCsv('a,b,c\n1,,3\n,,\n')).toEqual([['a', 'b', 'c'], ['1', '', '3'], ['', '', '']]);
  });

  it('reads quoted fields with commas, doubled quotes and line breaks', () => {
    expect(parseCsv('"x, y","say ""hi""","two\nlines"\n')).toEqual([['x, y', 'say "hi"', 'two\nlines']]);
  });

  it('accepts CRLF line ends and a last line without a newline', () => {
    expect(parseCsv('a,b\r\n1,2\r\n3,4')).toEqual([['a', 'b'], ['1', '2'], ['3', '4']]);
  });

  it('returns no rows for empty text', () => {
    expect(parseCsv('')).toEqual([]);
  });
});
