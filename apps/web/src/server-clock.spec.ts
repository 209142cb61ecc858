import { estimateFrom, nextEstimate, type ClockSample } from './server-clock';

const sample = (sentAt: number, receivedAt: number, serverTime: number): ClockSample => ({
  sentAt,
  receivedAt,
  serverTime,
});

describe('server clock offset', () => {
  it.each([
    // sent, received, stamped → offset, error
    [1000, 1000, 5000, 4000, 0],
    [1000, 1200, 5100, 4000, 100],
    // Two hours behind, with a slow 3 s answer: the midpoint, not the receipt.
    [0, 3000, 7_200_000 + 1500, 7_200_000, 1500],
    // A receipt stamped before the send (clock stepped back) counts as no round trip.
    [1000, 900, 5000, 4000, 0],
  ])('sent %d, received %d, stamped %d → offset %d ± %d', (sent, received, stamped, offset, error) => {
    const estimate = estimateFrom(sample(sent, received, stamped));
    expect(estimate.offsetMs).toBe(offset);
    expect(estimate.errorMs).toBe(error);
  });

  it('keeps the tightest of consistent samples', () => {
    let kept = nextEstimate(null, sample(0, 2000, 11_000)); // offset 10,000 ± 1,000
    kept = nextEstimate(kept, sample(5000, 5100, 15_080)); // offset 10,030 ± 50
    expect(kept.offsetMs).toBe(10_030);
    kept = nextEstimate(kept, sample(9000, 10_000, 19_400)); // ± 500, looser: ignored
    expect(kept.offsetMs).toBe(10_030);
  });

  it('starts again when the PC clock was changed', () => {
    let kept = nextEstimate(null, sample(0, 100, 10_050)); // offset 10,000
    kept = nextEstimate(kept, sample(1000, 1500, 3_600_000 + 1250)); // clock moved an hour
    expect(kept.offsetMs).toBe(3_600_000);
  });
});
