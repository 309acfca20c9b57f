import { redactSecrets } from 'src/execution/attempt-context';

describe(redactSecrets.name, () => {
  it('should mask password-like arguments and keep the rest of the command', () => {
    expect(redactSecrets("xe vm-migrate uuid=1 remote-master=10.0.0.1 remote-password='s3 cret' live=true")).toBe(
      'xe vm-migrate uuid=1 remote-master=10.0.0.1 remote-password=*** live=true',
    );
    expect(redactSecrets('curl -H token=abc https://x')).toBe('curl -H token=*** https://x');
    expect(redactSecrets('xe vm-list')).toBe('xe vm-list');
  });
});
