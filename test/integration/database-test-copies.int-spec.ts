import { createTestDatabase, TestDatabase } from 'test/utils/database';

describe('per-file test databases', () => {
  let a: TestDatabase;
  let b: TestDatabase;
  beforeAll(async () => {
    [a, b] = await Promise.all([createTestDatabase(), createTestDatabase()]);
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
  });

  it('should give each test file its own migrated copy', async () => {
    expect(a.name).not.toEqual(b.name);
    await a.dataSource.query(`INSERT INTO labs (name) VALUES ('only-in-a')`);
    const inA = await a.dataSource.query(`SELECT name FROM labs`);
    const inB = await b.dataSource.query(`SELECT name FROM labs`);
    expect(inA).toEqual([{ name: 'only-in-a' }]);
    expect(inB).toEqual([]);
  });
});
