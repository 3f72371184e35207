import { withoutSecrets } from './logger';

describe('the URL as logged', () => {
  it('leaves out the value of every parameter named like a secret, however its name is escaped, and keeps the rest as sent', () => {
    expect(withoutSecrets('/api/v1/programmes/p?asOf=2025-01-01&access_token=abc&knownAt=2025-06-01T10%3A00%3A00Z')).toBe(
      '/api/v1/programmes/p?asOf=2025-01-01&access_token=[redacted]&knownAt=2025-06-01T10%3A00%3A00Z',
    );
    expect(withoutSecrets('/x?API%5FKEY=abc&Password=p&sig=s&%E0%A4=1&flag')).toBe('/x?API%5FKEY=[redacted]&Password=[redacted]&sig=[redacted]&%E0%A4=1&flag');
    expect(withoutSecrets('/api/v1/programmes')).toBe('/api/v1/programmes');
  });
});
