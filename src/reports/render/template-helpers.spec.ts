import { formatBytes, formatDuration, formatNumber, safeJson } from 'src/reports/render/template-helpers';
import { ViewRenderer } from 'src/reports/render/view-renderer';

describe('safeJson', () => {
  it('cannot close a script tag or open a comment, and still parses to the same value', () => {
    const value = { name: '</script><script>alert(1)</script>', c: '<!-- x -->', amp: 'a&b', ls: '\u2028' };
    const text = safeJson(value);
    expect(text).not.toMatch(/[<>&\u2028]/);
    expect(JSON.parse(text)).toEqual(value);
  });
});

describe('formatting helpers', () => {
  it('formats numbers, durations and sizes for people', () => {
    expect(formatNumber(1234567)).toBe('1,234,567');
    expect(formatNumber(12.3456)).toBe('12.3');
    expect(formatNumber(Number.NaN)).toBe('—');
    expect(formatDuration(250)).toBe('250 ms');
    expect(formatDuration(65_000)).toBe('1 min 5 s');
    expect(formatBytes(3 * 1024 * 1024)).toBe('3.0 MiB');
  });
});

describe(ViewRenderer.name, () => {
  it('escapes user text in pages and marks simulated data in the layout', () => {
    const html = new ViewRenderer().render(
      'error',
      { status: 404, heading: 'Not found', message: '<script>alert(1)</script>' },
      { title: '<b>t</b>', simulated: true },
    );
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('<title>&lt;b&gt;t&lt;/b&gt; [SIMULATED]');
    expect(html).toContain('class="badge sim"');
  });
});
