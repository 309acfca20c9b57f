import { guestEndpointFrom } from 'src/remote/xe/xe-vm';

describe(guestEndpointFrom.name, () => {
  it('takes 0/ip and the simulator-only 0/ssh-port', () => {
    expect(guestEndpointFrom({ '0/ip': '127.20.0.5', '0/ipv4/0': '127.20.0.5', '0/ssh-port': '40123' })).toEqual({
      address: '127.20.0.5',
      sshPort: 40123,
    });
  });

  it('skips link-local addresses and falls back to the first IPv4 the tools report', () => {
    expect(guestEndpointFrom({ '0/ip': '169.254.0.2', '0/ipv4/1': '10.0.0.9', '0/ipv4/0': '10.0.0.8' })).toEqual({
      address: '10.0.0.8',
    });
  });

  it('returns null while the guest has no address yet', () => {
    expect(guestEndpointFrom({})).toBeNull();
    expect(guestEndpointFrom({ '0/ip': '169.254.3.4' })).toBeNull();
  });
});
