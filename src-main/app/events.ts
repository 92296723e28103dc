import { EventEmitter } from 'node:events';
import type { EventChannel, EventPayload } from '../contract';

/**
 * Typed events from main to every window (job progress, streamed tokens). Domain code emits
 * here without knowing about Electron; the Electron adapter and the browser test bridge
 * each forward every event channel to their renderers.
 */
export class AppEvents {
  private readonly emitter = new EventEmitter();

  constructor() {
    // Many windows and many live views may listen at once; that is expected, not a leak.
    this.emitter.setMaxListeners(0);
  }

  emit<E extends EventChannel>(channel: E, payload: EventPayload<E>): void {
    this.emitter.emit(channel, payload);
  }

  on<E extends EventChannel>(channel: E, listener: (payload: EventPayload<E>) => void): () => void {
    this.emitter.on(channel, listener);
    return () => this.emitter.off(channel, listener);
  }
}
