import {
  parseBool,
  parseMap,
  parseMinimal,
  parseRecords,
  parseRef,
  parseSet,
  parseSingle,
} from 'src/remote/xe/xe-output';

// Layout as xe prints it: first key padded right, later keys padded left, two blank lines per record.
const VM_LIST = [
  'uuid ( RO)           : 0b4f3e2c-0d1c-4a8e-9a57-0a2b7c1d9e11',
  '     name-label ( RW): Control domain on host: xcp1',
  '    power-state ( RO): running',
  '',
  '',
  'uuid ( RO)           : 7e2a9c44-5b1d-11ee-8c99-0242ac120002',
  '     name-label ( RW): debian12',
  '    power-state ( RO): halted',
  '',
  '',
  '',
].join('\n');

// From a real `xe vm-param-list` (xcp-ng/xcp#656), lines left out.
const VM_PARAM_LIST = [
  'uuid ( RO)                                  : b1ecaf45-0a0f-b17b-5587-39efb49aa033',
  '                            name-label ( RW): PQ-UIO1-R1.IXP-Manager - 10.42.101.82',
  '                             snapshots ( RO): ',
  '                         snapshot-time ( RO): 19700101T00:00:00Z',
  '                                parent ( RO): <not in database>',
  '                           power-state ( RO): running',
  '            ha-always-run ( RW) [DEPRECATED]: false',
  '                     VCPUs-utilisation (MRO): 0: 0.000; 1: 0.001',
  '                            os-version (MRO): name: Ubuntu 24.04 LTS; uname: 6.8.0-38-generic; distro: ubuntu; major: 24; minor: 04',
  '                                  tags (SRW): prod; web',
  '',
  '',
].join('\n');

describe('xe output parsing', () => {
  it('parses list output into records keyed by field name, values with ": " intact', () => {
    expect(parseRecords(VM_LIST)).toEqual([
      {
        uuid: '0b4f3e2c-0d1c-4a8e-9a57-0a2b7c1d9e11',
        'name-label': 'Control domain on host: xcp1',
        'power-state': 'running',
      },
      { uuid: '7e2a9c44-5b1d-11ee-8c99-0242ac120002', 'name-label': 'debian12', 'power-state': 'halted' },
    ]);
  });

  it('parses a params=all record with deprecated fields, empty values, maps and sets', () => {
    const [r] = parseRecords(VM_PARAM_LIST);
    expect(r).toMatchObject({
      'name-label': 'PQ-UIO1-R1.IXP-Manager - 10.42.101.82',
      snapshots: '',
      parent: '<not in database>',
      'ha-always-run': 'false',
    });
    expect(parseMap(r!['os-version']!)).toEqual({
      name: 'Ubuntu 24.04 LTS',
      uname: '6.8.0-38-generic',
      distro: 'ubuntu',
      major: '24',
      minor: '04',
    });
    expect(parseSet(r!.tags!)).toEqual(['prod', 'web']);
    expect(parseRef(r!.parent)).toBeNull();
    expect(parseBool(r!['ha-always-run'])).toBe(false);
  });

  it('reads an empty list as no records', () => {
    expect(parseRecords('')).toEqual([]);
    expect(parseMinimal('\n')).toEqual([]);
    expect(parseMinimal('')).toEqual([]);
  });

  it('splits --minimal on unescaped commas only', () => {
    expect(parseMinimal('a85d6717-1,aaa3eec5-2,42c044de-3\n')).toEqual(['a85d6717-1', 'aaa3eec5-2', '42c044de-3']);
    expect(parseMinimal('web\\, frontend,db\\\\1,plain\n')).toEqual(['web, frontend', 'db\\1', 'plain']);
    expect(parseMinimal('only\n')).toEqual(['only']);
  });

  it('parses the software-version map of a real host', () => {
    const v =
      'product_version: 7.5.0; product_version_text: 7.5; product_version_text_short: 7.5; platform_name: XCP; ' +
      'platform_version: 2.6.0; product_brand: XCP-ng; build_number: release/kolkata/master/29; hostname: localhost; date: 2018-05-21';
    expect(parseMap(v)).toMatchObject({
      product_version: '7.5.0',
      product_brand: 'XCP-ng',
      build_number: 'release/kolkata/master/29',
      date: '2018-05-21',
    });
  });

  it('keeps "; " inside a map value and reads the networks map of a guest', () => {
    expect(parseMap('a: x; y; b: z')).toEqual({ a: 'x; y', b: 'z' });
    expect(parseMap('0/ip: 127.20.0.5; 0/ipv4/0: 127.20.0.5; 0/ssh-port: 40123')).toEqual({
      '0/ip': '127.20.0.5',
      '0/ipv4/0': '127.20.0.5',
      '0/ssh-port': '40123',
    });
    expect(parseMap('')).toEqual({});
  });

  it('reads single values and references', () => {
    expect(parseSingle('running\n')).toBe('running');
    expect(parseRef('c8f5d0a5-3c7e-4b36-9f1e-2b0a6a7d5e01')).toBe('c8f5d0a5-3c7e-4b36-9f1e-2b0a6a7d5e01');
    expect(parseRef('<not in database>')).toBeNull();
  });
});
