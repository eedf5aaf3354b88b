/**
 * Posting server messages to WebSocket connections (API Gateway's management API):
 * fan-out to a stream's connections, or one reply to one connection.
 * Implemented by adapters/fanout.ts `ManagementApiBroadcaster` and the tests' in-memory fake.
 */
import type { ServerMessage } from '../../protocol/messages';

/** Options of {@link Broadcaster.fanOut}. */
export interface FanOutRequest {
  /** A connectionId to skip (the sender of an `input` relay). */
  except?: string;
  /** Post to exactly these connectionIds instead of the stream's. */
  connections?: readonly string[];
  /**
   * The stream's attached connections as the caller knows them (its `clientCount`). A
   * sharding broadcaster (adapters/sharded-fanout.ts) hands the batch to fan-out workers above
   * its threshold; without it, the broadcaster posts to every connection itself.
   */
  audience?: number;
}

/** What a fan-out did. */
export interface FanOutSummary {
  /** Connections targeted. */
  connections: number;
  /** Connections every message reached. */
  delivered: number;
  /** connectionIds that answered 410 GoneException (forgotten). */
  gone: string[];
  /** connectionIds whose posts failed after their retries. */
  failed: string[];
  /** Shards fan-out workers posted (their connections are counted in the fields above too); absent when none were. */
  handedOff?: number;
}

/** Delivery of messages to connections. */
export interface Broadcaster {
  /**
   * Deliver `messages`, in order, to every connection of `streamId`. A client's failure is
   * counted, never thrown; a GoneException forgets that connection.
   */
  fanOut(streamId: string, messages: readonly ServerMessage[], opts?: FanOutRequest): Promise<FanOutSummary>;
  /** Send one message to one connection; `gone` when it answered 410 GoneException. */
  post(connectionId: string, message: ServerMessage): Promise<'sent' | 'gone'>;
}
