import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { upgradeAnswerFile } from 'src/lab/provisioner/answer-file';

const parse = (xml: string) =>
  new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' }).parse(xml) as Record<string, any>;

describe('upgrade answer file', () => {
  it('should be well-formed XML with the installer upgrade mode, the existing installation and a local source', () => {
    const xml = upgradeAnswerFile({ existingInstallation: 'xvda', source: { type: 'local' } });
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml.startsWith('<?xml version="1.0"?>\n<installation mode="upgrade">')).toBe(true);
    const doc = parse(xml);
    expect(doc.installation['@mode']).toBe('upgrade');
    expect(doc.installation['existing-installation']).toBe('xvda');
    expect(doc.installation.source['@type']).toBe('local');
  });

  it('should carry a URL source and a post-install script with XML special characters escaped', () => {
    const xml = upgradeAnswerFile({
      existingInstallation: 'sda',
      source: { type: 'url', url: 'http://mirror.example/8.3/?a=1&b=2' },
      postInstallScriptUrl: 'http://mirror.example/post.sh?x=<y>',
    });
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = parse(xml);
    expect(doc.installation.source['#text']).toBe('http://mirror.example/8.3/?a=1&b=2');
    expect(doc.installation.source['@type']).toBe('url');
    expect(doc.installation.script['@stage']).toBe('installation-complete');
    expect(doc.installation.script['#text']).toBe('http://mirror.example/post.sh?x=<y>');
  });

  it('should refuse a disk name that could break out of the element', () => {
    expect(() =>
      upgradeAnswerFile({ existingInstallation: 'sda</existing-installation>', source: { type: 'local' } }),
    ).toThrow(/not a disk name/);
  });
});
