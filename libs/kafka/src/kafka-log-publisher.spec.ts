import type { RelayMessage } from './log-relay';
import { inRequests } from './kafka-log-publisher';

const message = (i: number, bytes: number): RelayMessage => ({ key: 'c', eventId: `e${i}`, type: 'CustomEvent', value: 'x'.repeat(bytes) });

describe('the relay publisher', () => {
  it('cuts a batch of large messages into requests under the budget, in order, losing none', () => {
    const messages = Array.from({ length: 60 }, (_, i) => message(i, 50 * 1024));
    const requests = inRequests(messages, 512 * 1024);
    expect(requests.length).toBeGreaterThan(5);
    expect(requests.flat()).toEqual(messages);
    for (const request of requests) expect(request.reduce((sum, m) => sum + m.value.length, 0)).toBeLessThanOrEqual(512 * 1024);
  });

  it('sends small batches in one request, and a message over the budget alone', () => {
    expect(inRequests([message(1, 10), message(2, 10)], 1024)).toHaveLength(1);
    expect(inRequests([message(1, 10), message(2, 4096), message(3, 10)], 1024).map((request) => request.map((m) => m.eventId))).toEqual([['e1'], ['e2'], ['e3']]);
    expect(inRequests([], 1024)).toEqual([]);
  });
});
