#!/usr/bin/env python3
"""An ICMP echo pinger that keeps its interval, for timing measurements on the testbed.

iputils' ping waits for its next request with a socket receive timeout when the interval is
10 ms or more, and the kernel rounds that timeout up: `ping -i 0.01` sent a request every 16 ms
on the 2026 test machines (`-i 0.02`: every 24 ms). A measurement that asks for a 10 ms ping
then samples the network every 16 ms. This one sends request N at start + N * interval (absolute
times on the monotonic clock, so a late wake-up does not shift the ones after it) and prints
what `ping -n -D -O` prints, so the same parser reads it:

    [1733500000.123456] 64 bytes from 10.0.0.2: icmp_seq=7 ttl=64 time=0.412 ms
    [1733500000.133456] no answer yet for icmp_seq=8

("no answer yet" when the next request goes out, as ping -O does), and at the end
"N packets transmitted, M received". Run as root inside the sender's namespace:

    ip netns exec NS python3 pinger.py -i 0.01 -w 120 10.0.0.2

It stops after -w seconds or on SIGINT/SIGTERM. Standard library only. On a busy machine, give it
a real-time priority (`chrt -f 10 python3 pinger.py ...`, as Weft's tests do) so that it sends and
reads on time; it sleeps between requests.
"""
import argparse
import os
import select
import signal
import socket
import struct
import sys
import time


def checksum(data):
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    s = (s >> 16) + (s & 0xffff)
    s += s >> 16
    return ~s & 0xffff


def echo_request(ident, seq, payload):
    header = struct.pack('!BBHHH', 8, 0, 0, ident, seq)
    return struct.pack('!BBHHH', 8, 0, checksum(header + payload), ident, seq) + payload


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('-i', type=float, default=0.01, help='seconds between requests (default 0.01)')
    ap.add_argument('-w', type=float, default=10, help='stop after this many seconds (default 10)')
    ap.add_argument('target')
    a = ap.parse_args()
    if a.i < 0.001:
        sys.exit('pinger.py: interval below 1 ms')
    stop = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.append(True))
    sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    sock.setblocking(False)
    ident = os.getpid() & 0xffff
    payload = bytes(range(56))
    sent = {}      # seq -> monotonic send time, until answered
    answered = 0
    transmitted = 0
    out = sys.stdout

    def stamp():
        return '[%.6f]' % time.time()

    start = time.monotonic()
    end = start + a.w
    seq = 1
    while not stop:
        now = time.monotonic()
        if now >= end:
            break
        due = start + (seq - 1) * a.i
        if now >= due:
            if seq - 1 in sent:
                out.write('%s no answer yet for icmp_seq=%d\n' % (stamp(), seq - 1))
            try:
                sock.sendto(echo_request(ident, seq & 0xffff, payload), (a.target, 0))
                sent[seq & 0xffff] = time.monotonic()
                transmitted += 1
            except OSError as e:
                out.write('%s pinger.py: sendto: %s\n' % (stamp(), e))
            seq += 1
            out.flush()
            continue
        try:
            ready, _, _ = select.select([sock], [], [], max(0.0, min(due, end) - now))
        except InterruptedError:
            continue
        if not ready:
            continue
        while True:
            try:
                data, addr = sock.recvfrom(2048)
            except (BlockingIOError, InterruptedError):
                break
            at = time.monotonic()
            ihl = (data[0] & 0x0f) * 4
            if len(data) < ihl + 8:
                continue
            typ, _, _, rid, rseq = struct.unpack('!BBHHH', data[ihl:ihl + 8])
            if typ != 0 or rid != ident or rseq not in sent:
                continue
            rtt = (at - sent.pop(rseq)) * 1000
            answered += 1
            out.write('%s %d bytes from %s: icmp_seq=%d ttl=%d time=%.3f ms\n'
                      % (stamp(), len(data) - ihl, addr[0], rseq, data[8], rtt))
        out.flush()
    out.write('\n--- %s ping statistics ---\n%d packets transmitted, %d received\n'
              % (a.target, transmitted, answered))
    out.flush()


if __name__ == '__main__':
    main()
