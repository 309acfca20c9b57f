import { parseRpmList, parseXensourceInventory } from 'src/remote/dom0/package-output';

describe('lab software snapshot parsers', () => {
  it('should read /etc/xensource-inventory as XCP-ng writes it', () => {
    const text = "PRODUCT_VERSION='8.2.1'\nBUILD_NUMBER='release/yangtze/master/58'\nINSTALLATION_UUID='8b1d...'\n";
    expect(parseXensourceInventory(text)).toMatchObject({
      PRODUCT_VERSION: '8.2.1',
      BUILD_NUMBER: 'release/yangtze/master/58',
    });
  });

  it('should read rpm -qa with a name/version format', () => {
    expect(parseRpmList('xapi-core 1.249.26-1.1.xcpng8.2\nkernel 4.19.19-7.0.15.1.xcpng8.2\n\n')).toEqual({
      'xapi-core': '1.249.26-1.1.xcpng8.2',
      kernel: '4.19.19-7.0.15.1.xcpng8.2',
    });
  });
});
