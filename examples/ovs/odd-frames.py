#!/usr/bin/python3
# -*- coding: utf-8 -*-
"""Send odd Ethernet frames out of one interface: what any host can put on the wire.

Run inside a host's network namespace (the Mininet driver's `send-frames` command does that):

    odd-frames.py --iface h1-eth0 --src-mac 00:00:00:00:00:01 --src-ip 10.0.0.1 \\
                  --dst-mac 00:00:00:00:00:02 --dst-ip 10.0.0.2 [--repeat N]

Every frame is built here byte by byte and sent with a raw AF_PACKET socket: IPv4 with each of
the 256 IP protocol numbers (255 is what cbench sends), truncated and lying IPv4/TCP/UDP/ICMP/ARP/
IPv6 headers, bad header lengths, IPv4 options, VLAN stacks (802.1ad + 802.1Q + 802.1Q), a runt,
802.3 length frames, LLDP with garbage TLVs, multicast and zero source MACs, and random frames
from a fixed seed.  When scapy is installed (Debian: python3-scapy), the frame of the original
report is also sent with it, literally:
`sendp(Ether(dst='ff:ff:ff:ff:ff:ff')/IP(dst=DST_IP, proto=255))`.

The number of frames is fixed (bounded): about 300 per repeat.  Prints one JSON object:
{"sent": {kind: count}, "total": N, "scapy": true|false}.
"""

import argparse
import json
import random
import socket
import struct
import sys

BROADCAST = b'\xff' * 6


def mac(text):
    return bytes(int(x, 16) for x in text.split(':'))


def ip(text):
    return socket.inet_aton(text)


def checksum(data):
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff


def eth(dst, src, ethertype, payload):
    return dst + src + struct.pack('!H', ethertype) + payload


def ipv4(src, dst, proto, payload, ihl=5, options=b'', total=None, ttl=64):
    total = 4 * ihl + len(payload) if total is None else total
    head = struct.pack('!BBHHHBBH4s4s', 0x40 | (ihl & 0xf), 0, total & 0xffff, 0x1234, 0, ttl, proto, 0,
                       src, dst) + options
    head = head[:10] + struct.pack('!H', checksum(head)) + head[12:]
    return head + payload


def frames(a):
    src, dst, bsrc = mac(a.src_mac), mac(a.dst_mac), mac(a.src_mac)
    sip, dip = ip(a.src_ip), ip(a.dst_ip)
    out = []

    def add(kind, frame):
        out.append((kind, frame))

    payload = bytes(range(30))
    add('ipv4-proto-255-broadcast', eth(BROADCAST, src, 0x0800, ipv4(sip, dip, 255, payload)))
    add('ipv4-proto-255-unicast', eth(dst, src, 0x0800, ipv4(sip, dip, 255, payload)))
    for proto in range(256):
        add('ipv4-every-protocol', eth(dst, src, 0x0800, ipv4(sip, dip, proto, payload[:8])))
    add('ipv4-truncated', eth(dst, src, 0x0800, ipv4(sip, dip, 17, b'')[:10]))
    add('ipv4-ihl-below-5', eth(dst, src, 0x0800, ipv4(sip, dip, 17, payload, ihl=3)))
    raw = bytearray(ipv4(sip, dip, 17, b''))
    raw[0] = 0x4f
    add('ipv4-ihl-15-no-options', eth(dst, src, 0x0800, bytes(raw)))
    add('ipv4-options', eth(dst, src, 0x0800, ipv4(sip, dip, 255, payload, ihl=6, options=b'\x01\x01\x01\x00')))
    add('ipv4-total-length-lies', eth(dst, src, 0x0800, ipv4(sip, dip, 255, payload, total=1500)))
    add('ipv4-version-6-in-ipv4', eth(dst, src, 0x0800, b'\x65' + ipv4(sip, dip, 17, payload)[1:]))
    add('ipv4-ttl-0', eth(dst, src, 0x0800, ipv4(sip, dip, 255, payload, ttl=0)))
    for proto, name in ((6, 'tcp'), (17, 'udp'), (1, 'icmp'), (132, 'sctp')):
        add(name + '-truncated', eth(dst, src, 0x0800, ipv4(sip, dip, proto, b'\x04\x00')))
    add('tcp-data-offset-lies', eth(dst, src, 0x0800, ipv4(sip, dip, 6, struct.pack(
        '!HHIIBBHHH', 1234, 80, 0, 0, 0xf0, 0x02, 1024, 0, 0))))
    inner = ipv4(sip, dip, 255, payload)
    add('vlan-stack-3', eth(dst, src, 0x88a8, struct.pack('!H', 100) + b'\x81\x00' + struct.pack('!H', 200)
                            + b'\x81\x00' + struct.pack('!H', 300) + b'\x08\x00' + inner))
    add('vlan-truncated', eth(dst, src, 0x8100, b'\x00'))
    add('arp-truncated', eth(BROADCAST, src, 0x0806, b'\x00\x01\x08\x00\x06'))
    add('arp-absurd-lengths', eth(BROADCAST, src, 0x0806, struct.pack('!HHBBH', 1, 0x0800, 255, 255, 1)
                                  + bytes(20)))
    add('ipv6-next-header-255', eth(dst, src, 0x86dd, struct.pack('!IHBB', 0x60000000, 8, 255, 64)
                                    + bytes(32) + bytes(8)))
    add('ipv6-truncated', eth(dst, src, 0x86dd, b'\x60\x00'))
    add('runt', eth(dst, src, 0x0800, b''))
    add('ieee-802.3-length', eth(dst, src, 46, b'\xaa\xaa\x03' + bytes(43)))
    add('unknown-ethertype', eth(dst, src, 0x88b5, payload))
    add('lldp-garbage', eth(b'\x01\x80\xc2\x00\x00\x0e', src, 0x88cc, b'\x02\xff' + bytes(7) + b'\xfe\x00'))
    add('lldp-truncated-tlv', eth(b'\x01\x80\xc2\x00\x00\x0e', src, 0x88cc, b'\x02'))
    add('multicast-source', eth(dst, b'\x01\x00\x5e\x00\x00\x01', 0x0800, ipv4(sip, dip, 255, payload)))
    add('broadcast-source', eth(dst, BROADCAST, 0x0800, ipv4(sip, dip, 255, payload)))
    add('zero-source', eth(BROADCAST, b'\0' * 6, 0x0800, ipv4(sip, dip, 255, payload)))
    rnd = random.Random(11)
    for _ in range(25):
        body = bytes(rnd.getrandbits(8) for _ in range(rnd.randint(0, 120)))
        add('random', eth(dst if rnd.random() < 0.5 else BROADCAST, bsrc, rnd.getrandbits(16), body))
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--iface', required=True)
    p.add_argument('--src-mac', required=True)
    p.add_argument('--src-ip', required=True)
    p.add_argument('--dst-mac', required=True)
    p.add_argument('--dst-ip', required=True)
    p.add_argument('--repeat', type=int, default=1)
    p.add_argument('--only', default='', help='comma-separated kinds to send (default: all)')
    a = p.parse_args()
    only = set(k for k in a.only.split(',') if k)
    if not 1 <= a.repeat <= 20:
        p.error('--repeat must be 1..20')
    sent = {}
    total = 0
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    try:
        s.bind((a.iface, 0))
        for _ in range(a.repeat):
            for kind, frame in frames(a):
                if only and kind not in only:
                    continue
                s.send(frame)
                sent[kind] = sent.get(kind, 0) + 1
                total += 1
    finally:
        s.close()
    used_scapy = False
    try:
        if only and 'scapy-report-frame' not in only:
            raise ImportError('not asked for')
        from scapy.all import Ether, IP, sendp  # noqa: E402 (optional)
        for _ in range(a.repeat):
            sendp(Ether(dst='ff:ff:ff:ff:ff:ff') / IP(dst=a.dst_ip, proto=255), iface=a.iface, verbose=False)
            sent['scapy-report-frame'] = sent.get('scapy-report-frame', 0) + 1
            total += 1
        used_scapy = True
    except ImportError:
        pass
    print(json.dumps({'sent': sent, 'total': total, 'scapy': used_scapy}))
    return 0


if __name__ == '__main__':
    sys.exit(main())
