import { EventEmitter } from 'node:events';
import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Client } from 'pg';
import { DataSource } from 'typeorm';

/** The channel the execution engine notifies on every case and run state change. */
export const EVENTS_CHANNEL = 'shakedown_events';

export interface RunEvent {
  kind: 'case' | 'run';
  runId: string;
  runNumber?: number;
  caseId?: string;
  status?: string;
  outcome?: string;
}

/**
 * One LISTEN connection per process, shared by every open run page: PostgreSQL fans the engine's
 * NOTIFYs out to it, and it fans them out to the pages' event streams.
 */
@Injectable()
export class RunEventsService implements OnModuleDestroy {
  private readonly logger = new Logger(RunEventsService.name);
  private readonly emitter = new EventEmitter();
  private client?: Client;
  private connecting?: Promise<void>;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.emitter.setMaxListeners(0);
  }

  /** Calls `listener` with each event of the run until the returned function is called. */
  async subscribe(runId: string, listener: (event: RunEvent) => void): Promise<() => void> {
    await this.connect();
    const handler = (event: RunEvent): void => {
      if (event.runId === runId) listener(event);
    };
    this.emitter.on('event', handler);
    return () => {
      this.emitter.off('event', handler);
    };
  }

  private connect(): Promise<void> {
    this.connecting ??= (async () => {
      const url = (this.dataSource.options as { url?: string }).url;
      const client = new Client({ connectionString: url, application_name: 'shakedown-events' });
      client.on('notification', (msg) => {
        if (msg.channel !== EVENTS_CHANNEL || !msg.payload) return;
        try {
          const event = JSON.parse(msg.payload) as RunEvent;
          if (typeof event.runId === 'string') this.emitter.emit('event', event);
        } catch {
          this.logger.warn(`ignored a ${EVENTS_CHANNEL} notification that is not JSON`);
        }
      });
      client.on('error', (err) => {
        // A dropped connection is re-opened by the next subscriber; open pages re-connect by themselves.
        this.logger.warn(`event listener connection lost: ${err.message}`);
        this.client = undefined;
        this.connecting = undefined;
      });
      await client.connect();
      await client.query(`LISTEN ${EVENTS_CHANNEL}`);
      this.client = client;
    })().catch((err: unknown) => {
      this.connecting = undefined;
      throw err;
    });
    return this.connecting;
  }

  async onModuleDestroy(): Promise<void> {
    this.emitter.removeAllListeners();
    const client = this.client;
    this.client = undefined;
    this.connecting = undefined;
    await client?.end().catch(() => undefined);
  }
}
