import { detectCompression, readXva, writeXva } from 'src/simulator/xva/xva-format';

describe('XVA files', () => {
  it.each(['none', 'gzip', 'zstd'] as const)(
    'round-trips with compression %s, detected from the content',
    async (compression) => {
      const header = {
        version: { product_version: '8.2.1', xapi_major: 1, xapi_minor: 20, export_vsn: 2 },
        objects: [],
      };
      const file = await writeXva(
        { header, disks: [{ ref: 'Ref:2', files: { '/root/a': Buffer.from('hello') }, seed: 'x' }] },
        compression,
      );
      expect(detectCompression(file)).toBe(compression);
      const back = await readXva(file);
      expect(back.compression).toBe(compression);
      expect(back.header).toEqual(header);
      expect(back.disks).toEqual([{ ref: 'Ref:2', files: { '/root/a': Buffer.from('hello') }, seed: '' }]);
    },
  );

  it('keeps guest files larger than one chunk, spread over several 1 MiB chunk files', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024, 7);
    const file = await writeXva(
      { header: { objects: [] }, disks: [{ ref: 'Ref:2', files: { '/root/data': big }, seed: 'y' }] },
      'zstd',
    );
    const back = await readXva(file);
    expect(back.disks).toHaveLength(1);
    expect(back.disks[0]!.files['/root/data']!.equals(big)).toBe(true);
  });

  it('keeps several files byte for byte: newlines, high bytes, an empty one', async () => {
    const files = {
      '/root/bin': Buffer.from([0x0a, 0x00, 0xff, 0x0a, 0x80]),
      '/root/empty': Buffer.alloc(0),
      '/etc/motd': Buffer.from('line one\nline two\n'),
    };
    const file = await writeXva({ header: { objects: [] }, disks: [{ ref: 'Ref:2', files, seed: 'z' }] }, 'gzip');
    const back = await readXva(file);
    expect(back.disks[0]!.files).toEqual(files);
  });
});
