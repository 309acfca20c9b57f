/** The XML-RPC value subset an XVA's ova.xml uses: strings, ints, booleans, structs, arrays. */
export type XmlRpcValue = string | number | boolean | XmlRpcValue[] | { [key: string]: XmlRpcValue };

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const unesc = (s: string): string =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');

export function toXmlRpc(v: XmlRpcValue): string {
  if (typeof v === 'string') return `<value>${esc(v)}</value>`;
  if (typeof v === 'number') return `<value><int>${Math.round(v)}</int></value>`;
  if (typeof v === 'boolean') return `<value><boolean>${v ? 1 : 0}</boolean></value>`;
  if (Array.isArray(v)) return `<value><array><data>${v.map(toXmlRpc).join('')}</data></array></value>`;
  return `<value><struct>${Object.entries(v)
    .map(([k, x]) => `<member><name>${esc(k)}</name>${toXmlRpc(x)}</member>`)
    .join('')}</struct></value>`;
}

/** Parses what toXmlRpc writes (and ordinary XML-RPC values); throws on anything else. */
export function fromXmlRpc(xml: string): XmlRpcValue {
  const tokens = xml.replace(/<\?xml[^>]*\?>/, '').match(/<\/?[A-Za-z_]+\s*\/?>|[^<]+/g) ?? [];
  let i = 0;
  const peek = (): string => tokens[i] ?? '';
  const expect = (t: string): void => {
    while (peek().trim() === '' && i < tokens.length) i++;
    if (tokens[i] !== t) throw new Error(`ova.xml: expected ${t} at token ${i}, got ${tokens[i] ?? 'end'}`);
    i++;
  };
  const text = (): string => {
    const t = peek();
    if (t.startsWith('<')) return '';
    i++;
    return unesc(t);
  };
  const skipWs = (): void => {
    while (i < tokens.length && !peek().startsWith('<') && peek().trim() === '') i++;
  };
  const value = (): XmlRpcValue => {
    skipWs();
    expect('<value>');
    let out: XmlRpcValue;
    const t = peek();
    if (t === '<struct>') {
      i++;
      const obj: Record<string, XmlRpcValue> = {};
      skipWs();
      while (peek() === '<member>') {
        i++;
        expect('<name>');
        const name = text();
        expect('</name>');
        obj[name] = value();
        expect('</member>');
        skipWs();
      }
      expect('</struct>');
      out = obj;
    } else if (t === '<array>') {
      i++;
      expect('<data>');
      const arr: XmlRpcValue[] = [];
      skipWs();
      while (peek() === '<value>') {
        arr.push(value());
        skipWs();
      }
      expect('</data>');
      expect('</array>');
      out = arr;
    } else if (t === '<int>' || t === '<i4>' || t === '<i8>' || t === '<double>') {
      i++;
      out = Number(text());
      i++;
    } else if (t === '<boolean>') {
      i++;
      out = text() === '1';
      i++;
    } else if (t === '<string>') {
      i++;
      out = text();
      i++;
    } else {
      out = text();
    }
    expect('</value>');
    return out;
  };
  return value();
}
