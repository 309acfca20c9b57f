import { CaseQueue, QueueName } from 'src/execution/case-queue';
import { createTestDatabase, TestDatabase } from 'test/utils/database';

describe('queue start-up on a fresh database', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db?.close());

  it('should let several processes start the queue at once, then share it', async () => {
    const queues = await Promise.all(Array.from({ length: 4 }, () => CaseQueue.start(db.url, { maintenance: false })));
    try {
      await queues[0]!.enqueueCases([{ caseId: 'c1', dispatchId: 'd1', priority: 0 }]);
      const taken = await queues[3]!.take<{ caseId: string }>(QueueName.Case, 5);
      expect(taken.map((j) => j.data.caseId)).toEqual(['c1']);
      // Higher priority first, FIFO within a priority.
      await queues[1]!.enqueueCases([
        { caseId: 'low', dispatchId: 'x', priority: 0 },
        { caseId: 'high-1', dispatchId: 'x', priority: 5 },
        { caseId: 'high-2', dispatchId: 'x', priority: 5 },
      ]);
      const order: string[] = [];
      for (let i = 0; i < 3; i++) {
        order.push(...(await queues[2]!.take<{ caseId: string }>(QueueName.Case, 1)).map((j) => j.data.caseId));
      }
      expect(order).toEqual(['high-1', 'high-2', 'low']);
    } finally {
      await Promise.all(queues.map((q) => q.stop()));
    }
  });
});
