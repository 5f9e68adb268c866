import { describe, expect, it } from 'vitest';
import { classifyAddress, parseCidr } from './address-ranges.js';

describe('classifyAddress', () => {
  it.each([
    ['169.254.169.254', 'link-local'],
    ['169.254.0.1', 'link-local'],
    ['fe80::1', 'link-local'],
    ['fd00:ec2::254', 'cloud metadata (AWS)'],
    ['100.100.100.200', 'cloud metadata (Alibaba)'],
    ['192.0.0.192', 'cloud metadata (Oracle)'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    // the metadata address written as IPv6 in every way that carries an IPv4 address
    ['::ffff:169.254.169.254', 'link-local'],
    ['::ffff:a9fe:a9fe', 'link-local'],
    ['0:0:0:0:0:ffff:a9fe:a9fe', 'link-local'],
    ['::169.254.169.254', 'link-local'],
    ['64:ff9b::a9fe:a9fe', 'link-local'],
    ['2002:a9fe:a9fe::1', 'link-local'],
  ])('never lets %s be called (%s)', (address, name) => {
    expect(classifyAddress(address)).toMatchObject({ kind: 'forbidden', name });
  });

  it.each([
    ['127.0.0.1', '127.0.0.0/8'],
    ['127.255.0.9', '127.0.0.0/8'],
    ['10.1.2.3', '10.0.0.0/8'],
    ['172.16.0.1', '172.16.0.0/12'],
    ['172.31.255.255', '172.16.0.0/12'],
    ['192.168.1.1', '192.168.0.0/16'],
    ['100.64.0.1', '100.64.0.0/10'],
    ['0.0.0.0', '0.0.0.0/8'],
    ['::', '::/128'],
    ['::1', '::1/128'],
    ['fc00::1', 'fc00::/7'],
    ['fd12:3456::7', 'fc00::/7'],
    ['::ffff:127.0.0.1', '127.0.0.0/8'],
    ['::ffff:7f00:1', '127.0.0.0/8'],
    ['::ffff:10.0.0.1', '10.0.0.0/8'],
    ['64:ff9b::192.168.0.1', '192.168.0.0/16'],
  ])('counts %s as internal (%s)', (address, range) => {
    expect(classifyAddress(address)).toMatchObject({ kind: 'internal', range });
  });

  it.each(['93.184.216.34', '8.8.8.8', '172.32.0.1', '100.128.0.1', '2606:4700::1111', '::ffff:8.8.8.8'])(
    'counts %s as public',
    (address) => {
      expect(classifyAddress(address)).toEqual({ kind: 'public' });
    },
  );

  it('refuses what is not an IP address', () => {
    expect(classifyAddress('localhost').kind).toBe('forbidden');
  });
});

describe('parseCidr', () => {
  it('reads ranges and bare addresses, and refuses anything else', () => {
    expect(parseCidr('10.0.5.0/24')).toEqual({ address: '10.0.5.0', prefix: 24, family: 'ipv4' });
    expect(parseCidr('fd12::7')).toEqual({ address: 'fd12::7', prefix: 128, family: 'ipv6' });
    for (const bad of ['10.0.0.0/33', '::/129', 'ollama.internal', '10.0.0.0/8/1', '10.0.0.0/x', ''])
      expect(parseCidr(bad)).toBeNull();
  });
});
