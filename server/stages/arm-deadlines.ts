import { withAlerts } from '../domain/conversation.ts';
import { armAckDeadline, type QualityConfig } from '../quality/index.ts';
import { defineStage } from './stage.ts';

/** Alerts this turn opened or raised get their acknowledgement deadline and the role to notify. */
export const armDeadlines = (config: QualityConfig['acknowledge']) =>
  defineStage({
    name: 'arm-deadlines',
    reads: ['conversation', 'alerts'],
    adds: ['conversation', 'alerts'],
    run({ conversation, alerts }, { now }) {
      const armed = alerts.map((a) => armAckDeadline(a, config, now));
      return { conversation: withAlerts(conversation, armed), alerts: armed };
    },
  });
