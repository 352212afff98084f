import { DescribeAlarmsCommand, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';

/**
 * CloudWatch alarms as a drill's stop conditions (like AWS FIS stop conditions): the state of
 * named alarms in one region.
 */

/** One alarm's state. */
export interface AlarmState {
  readonly name: string;
  /** `OK`, `ALARM` or `INSUFFICIENT_DATA`. */
  readonly state: string;
  readonly reason: string;
}

/** Reads alarm states. */
export interface AlarmsGateway {
  /** States of the named metric and composite alarms in `region`; absent names are left out. */
  alarmStates(region: string, names: readonly string[]): Promise<AlarmState[]>;
}

/** DescribeAlarms accepts at most 100 names per call. */
const NAMES_PER_CALL = 100;

/** Build the gateway from a per-region client factory. */
export function createAlarmsGateway(
  clientFor: (region: string) => CloudWatchClient,
): AlarmsGateway {
  return {
    async alarmStates(region, names) {
      const states: AlarmState[] = [];
      for (let start = 0; start < names.length; start += NAMES_PER_CALL) {
        let nextToken: string | undefined;
        do {
          const page = await clientFor(region).send(
            new DescribeAlarmsCommand({
              AlarmNames: names.slice(start, start + NAMES_PER_CALL),
              AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
              NextToken: nextToken,
            }),
          );
          for (const alarm of [...(page.MetricAlarms ?? []), ...(page.CompositeAlarms ?? [])]) {
            states.push({
              name: alarm.AlarmName ?? '?',
              state: alarm.StateValue ?? 'INSUFFICIENT_DATA',
              reason: alarm.StateReason ?? '',
            });
          }
          nextToken = page.NextToken;
        } while (nextToken !== undefined);
      }
      return states;
    },
  };
}
