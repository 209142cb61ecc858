import { Server } from 'socket.io';

/**
 * The baseline for broadcast latency: a bare socket.io server in its own process, no auth,
 * no database, no adapter. On `go` it broadcasts `count` payloads to the room at `perSecond`.
 */
const port = Number(process.argv[2]);
const io = new Server(port, { transports: ['websocket'] });
io.of('/bidding').on('connection', (socket) => {
  socket.on('join', (_payload: unknown, ack?: (reply: unknown) => void) => {
    void socket.join('room');
    ack?.({ ok: true });
  });
  socket.on(
    'go',
    (
      { count, perSecond, template }: { count: number; perSecond: number; template: Record<string, unknown> },
      ack?: (reply: unknown) => void,
    ) => {
      let sent = 0;
      const timer = setInterval(() => {
        sent += 1;
        io.of('/bidding')
          .to('room')
          .emit('bid.accepted', { ...template, seq: sent, at: new Date().toISOString() });
        if (sent >= count) {
          clearInterval(timer);
          ack?.({ ok: true, sent });
        }
      }, 1000 / perSecond);
    },
  );
});
process.send?.('ready');
