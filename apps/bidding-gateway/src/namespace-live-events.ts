import type { Namespace } from 'socket.io';
import { type LiveEvents, roomFor } from '@ggzy/auction';

/** In the gateway, live events go straight to the namespace; its adapter reaches the other instances. */
export class NamespaceLiveEvents implements LiveEvents {
  private namespace?: Namespace;

  attach(namespace: Namespace) {
    this.namespace = namespace;
  }

  publish: LiveEvents['publish'] = (event, payload) => {
    this.namespace?.to(roomFor(payload.listingId)).emit(event, payload);
  };

  /** True while some socket of this instance is in the listing's room. */
  hasRoom(listingId: string): boolean {
    return this.namespace?.adapter.rooms.has(roomFor(listingId)) ?? false;
  }

  async close() {}
}
