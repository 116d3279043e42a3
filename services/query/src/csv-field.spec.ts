import { csvField } from './csv-field';

describe('a CSV cell', () => {
  it('writes plain values as they are and null as an empty cell', () => {
    expect([csvField('c-1'), csvField(4080), csvField(-5), csvField(true), csvField(null), csvField(undefined)]).toEqual(['c-1', '4080', '-5', 'true', '', '']);
  });

  it('quotes a text holding a quote, a comma or a line break', () => {
    expect([csvField('a,b'), csvField('say "hi"'), csvField('two\nlines')]).toEqual(['"a,b"', '"say ""hi"""', '"two\nlines"']);
  });

  it('prefixes a text a spreadsheet would run as a formula, quoted or not', () => {
    expect(['=1+1', '+49', '-2', '@SUM(A1)', '\tx', '\rx'].map(csvField)).toEqual(["'=1+1", "'+49", "'-2", "'@SUM(A1)", "'\tx", `"'\rx"`]);
    expect(csvField('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
  });
});
