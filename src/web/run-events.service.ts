import { EventEmitter } from 'node:events';
import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { EventSubscription, RunEvent, subscribeEvents } from 'src/execution/run-events';

type RunScopedEvent = Extract<RunEvent, { runId: string }>;

/**
 * One LISTEN connection per process, shared by every open run page: PostgreSQL fans the engine's
 * NOTIFYs out to it, and it fans them out to the pages' event streams.
 */
@Injectable()
export class RunEventsService implements OnModuleDestroy {
  private readonly logger = new Logger(RunEventsService.name);
  private readonly emitter = new EventEmitter();
  private subscription?: EventSubscription;
  private connecting?: Promise<void>;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.emitter.setMaxListeners(0);
  }

  /** Calls `listener` with each event of the run until the returned function is called. */
  async subscribe(runId: string, listener: (event: RunScopedEvent) => void): Promise<() => void> {
    await this.connect();
    const handler = (event: RunEvent): void => {
      if ('runId' in event && event.runId === runId) listener(event);
    };
    this.emitter.on('event', handler);
    return () => {
      this.emitter.off('event', handler);
    };
  }

  private connect(): Promise<void> {
    this.connecting ??= (async () => {
      const url = (this.dataSource.options as { url?: string }).url;
      this.subscription = await subscribeEvents(
        url ?? '',
        (event) => this.emitter.emit('event', event),
        (err) => {
          // A dropped connection is re-opened by the next subscriber; open pages re-connect by themselves.
          this.logger.warn(`event listener connection lost: ${err.message}`);
          this.subscription = undefined;
          this.connecting = undefined;
        },
      );
    })().catch((err: unknown) => {
      this.connecting = undefined;
      throw err;
    });
    return this.connecting;
  }

  async onModuleDestroy(): Promise<void> {
    this.emitter.removeAllListeners();
    const subscription = this.subscription;
    this.subscription = undefined;
    this.connecting = undefined;
    await subscription?.close();
  }
}
