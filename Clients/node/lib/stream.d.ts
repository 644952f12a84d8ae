import type { RpcError } from './status';

/**
 * The responses of one server-streaming call, as an async iterator. The call
 * starts when the stream is created; the client grants the server more
 * messages (half the window at a time) as they are consumed. Iteration ends
 * when the server ends the call OK and throws RpcError otherwise. `break` out
 * of `for await`, or cancel(), cancels the call (iteration then just ends).
 */
export declare class ResponseStream<T> implements AsyncIterableIterator<T> {
  /** The call's stream id on its connection (0 until sent). */
  readonly streamId: number;
  /** True once the call has ended. */
  readonly ended: boolean;
  /** How the call ended: null while open or after OK. */
  readonly error: RpcError | null;
  [Symbol.asyncIterator](): ResponseStream<T>;
  next(): Promise<IteratorResult<T, undefined>>;
  return(): Promise<IteratorResult<T, undefined>>;
  throw(error?: unknown): Promise<IteratorResult<T, undefined>>;
  /** Cancels the call; pending and later next() calls resolve done. */
  cancel(reason?: string): void;
  /** Every remaining response (for short, finite streams such as BulkSync). */
  toArray(): Promise<T[]>;
}
