import type { NotificationEvent } from './events.ts';

/** One of each notification event, as the notifier records them: what the schemas must carry. */
export const notificationExampleEvents = (): NotificationEvent[] => {
  const delivery = {
    deliveryId: 'msg_2f1c0d9a7b3e4f5a6b7c8d9e0f1a2b3c',
    subscriptionId: 'wh_1',
    orderId: 'o1',
    eventType: 'order.confirmed' as const,
    sourceEventId: '5b0c6a52-8d1e-4c38-9a44-0f6f4d3f2a11',
  };
  return [
    { type: 'NotificationSent', data: { ...delivery, attempts: 3, lastStatus: 200, at: '2025-01-01T10:00:05.000Z' } },
    {
      type: 'NotificationFailed',
      data: { ...delivery, attempts: 5, lastStatus: 503, lastError: 'HTTP 503', at: '2025-01-01T10:09:00.000Z' },
    },
    {
      type: 'NotificationFailed',
      data: { ...delivery, attempts: 5, lastError: 'no answer before the timeout', at: '2025-01-01T10:09:00.000Z' },
    },
  ];
};
