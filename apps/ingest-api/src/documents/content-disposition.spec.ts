import { asciiFilename, attachmentDisposition, displayFilename } from './content-disposition';

describe('attachmentDisposition', () => {
  it('keeps a plain name as it is', () => {
    expect(attachmentDisposition('complaint.pdf')).toBe(`attachment; filename="complaint.pdf"; filename*=UTF-8''complaint.pdf`);
  });

  it('drops a right-to-left override from both names, so "invoice\\u202Efdp.exe" shows as what it is', () => {
    const h = attachmentDisposition('invoice\u202Efdp.exe');
    expect(h).toBe(`attachment; filename="invoicefdp.exe"; filename*=UTF-8''invoicefdp.exe`);
    expect(h).not.toMatch(/\u202e|%E2%80%AE/i);
  });

  it('never lets quotes, CR/LF, backslashes or path separators into the header', () => {
    const h = attachmentDisposition('a "quoted"\r\nSet-Cookie: x=1\\..\\..\\etc/passwd');
    expect(h).not.toMatch(/[\r\n]/);
    const ascii = /filename="([^"]*)"/.exec(h)![1];
    expect(ascii).toBe('passwd');
    expect(attachmentDisposition('say "hi".txt')).toBe(`attachment; filename="say _hi_.txt"; filename*=UTF-8''say%20%22hi%22.txt`);
  });

  it('gives an ASCII fallback for a Unicode name and the exact name in filename*', () => {
    expect(asciiFilename('Résumé – Müller.pdf')).toBe('Resume _ Muller.pdf');
    expect(attachmentDisposition('日本.pdf')).toBe(`attachment; filename="__.pdf"; filename*=UTF-8''${encodeURIComponent('日本.pdf')}`);
    expect(attachmentDisposition("it's (1).pdf")).toContain(`filename*=UTF-8''it%27s%20%281%29.pdf`);
  });

  it('never answers an empty or dot-only name', () => {
    expect(displayFilename('')).toBe('document');
    expect(asciiFilename('\u202e')).toBe('document');
    expect(asciiFilename('..')).toBe('document');
  });
});
