import { htmlToPlainText, splitHtml } from '../../../src/notify/split-html';
import { telegramHtmlError } from '../../helpers/fake-telegram';

describe('splitHtml', () => {
  test('a text within the limit stays one part', () => {
    expect(splitHtml('<b>a</b>\nb', 100)).toEqual(['<b>a</b>\nb']);
  });

  test('breaks between lines and drops the blank edges of parts', () => {
    expect(splitHtml('<b>one</b>\n\ntwo two\nthree', 12)).toEqual(['<b>one</b>', 'two two', 'three']);
  });

  test('never breaks a line inside a tag that spans lines', () => {
    const parts = splitHtml('<pre>l1\nl2\nl3</pre>\nnext line', 20);
    expect(parts[0]).toBe('<pre>l1\nl2\nl3</pre>');
  });

  test('cuts an overlong line between entities, closing and reopening its tags', () => {
    const parts = splitHtml(`<b>${'&amp;'.repeat(10)}</b>`, 20);
    for (const p of parts) {
      expect(p.length).toBeLessThanOrEqual(20);
      expect(telegramHtmlError(p)).toBeNull();
    }
    expect(htmlToPlainText(parts.join(''))).toBe('&'.repeat(10));
  });

  test('keeps surrogate pairs together', () => {
    const parts = splitHtml('🚨'.repeat(10), 5);
    expect(parts.join('')).toBe('🚨'.repeat(10));
    for (const p of parts) expect(p).toMatch(/^(🚨)+$/u);
  });
});

describe('htmlToPlainText', () => {
  test('drops tags, decodes entities and writes links as label (url)', () => {
    expect(htmlToPlainText('<b>P1:</b> a &lt;b&gt; &amp; &quot;c&quot; <a href="https://x.example/?a=1&amp;b=2">Runbook</a>')).toBe(
      'P1: a <b> & "c" Runbook (https://x.example/?a=1&b=2)',
    );
  });
});
