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
        { header, disks: [{ ref: 'Ref:2', files: { '/root/a': 'aGVsbG8=' }, seed: 'x' }] },
        compression,
      );
      expect(detectCompression(file)).toBe(compression);
      const back = await readXva(file);
      expect(back.compression).toBe(compression);
      expect(back.header).toEqual(header);
      expect(back.disks).toEqual([{ ref: 'Ref:2', files: { '/root/a': 'aGVsbG8=' }, seed: '' }]);
    },
  );

  it('keeps guest files larger than one chunk, spread over several 1 MiB chunk files', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024, 7).toString('base64');
    const file = await writeXva(
      { header: { objects: [] }, disks: [{ ref: 'Ref:2', files: { '/root/data': big }, seed: 'y' }] },
      'zstd',
    );
    const back = await readXva(file);
    expect(back.disks).toHaveLength(1);
    expect(back.disks[0]!.files['/root/data']).toBe(big);
  });
});
