import { consoleLog } from '../../../lambda/adapters/console-log';

describe('the console log of the small functions', () => {
  test('writes one JSON line per event through the console method of its level', () => {
    const spies = {
      info: jest.spyOn(console, 'info').mockImplementation(() => undefined),
      warn: jest.spyOn(console, 'warn').mockImplementation(() => undefined),
      error: jest.spyOn(console, 'error').mockImplementation(() => undefined),
    };
    try {
      consoleLog.info('health checks found', { requestType: 'Create' });
      consoleLog.warn('token refused', { reason: 'expired' });
      consoleLog.error('health check failed unexpectedly');
      expect(spies.info).toHaveBeenCalledWith(
        '{"level":"INFO","message":"health checks found","requestType":"Create"}',
      );
      expect(spies.warn).toHaveBeenCalledWith(
        '{"level":"WARN","message":"token refused","reason":"expired"}',
      );
      expect(spies.error).toHaveBeenCalledWith(
        '{"level":"ERROR","message":"health check failed unexpectedly"}',
      );
    } finally {
      for (const spy of Object.values(spies)) spy.mockRestore();
    }
  });
});
