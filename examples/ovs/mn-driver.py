#!/usr/bin/python3
# -*- coding: utf-8 -*-
"""Weft Mininet session driver: real Open vSwitch (userspace datapath) under a remote controller.

Builds one of Mininet's built-in topologies with Open vSwitch bridges (datapath_type=netdev)
pointed at a controller on 127.0.0.1:PORT, then answers commands read from stdin, one per line,
with exactly one JSON object per line on stdout.  Everything else (Mininet's own log) goes to
stderr.

    mn-driver.py --topo tree,2 --protocols OpenFlow13 --port 6653 [--prefix wab12]
    mn-driver.py --custom examples/fabric/leafspine.py --topo leafspine ...

A custom topology file is what `mn --custom` reads (a `topos` dictionary); its switches may set
`protocols` (e.g. one switch OpenFlow10 only) and `tables=N` (only the first N flow tables take
entries: flow_limit=0 on the others, like table-poor hardware).

Every bridge and root-namespace interface the session creates starts with PREFIX (default: a
random one), so sessions never collide with each other or with a plain `mn`.  The topology is
torn down on `quit`, on end of input, on SIGTERM/SIGINT/SIGHUP, after --max-lifetime seconds and
on errors.  This script never runs `mn -c` (that kills processes by name and deletes every
bridge that looks like Mininet's); instead each session holds an flock on
/run/weft-mn/PREFIX.lock, and any later session (or `mn-driver.py --cleanup`) removes the
bridges and interfaces of sessions whose lock is no longer held (their driver died).

Commands (one per line; arguments split like a POSIX shell):
    nodes                         topology: switches (name, bridge, dpid), hosts (name, ip, mac), links
    pingall [TIMEOUT_S]           Mininet's pingAll (ping -c1 -W TIMEOUT between all host pairs)
    ping H1 H2 [TIMEOUT_S]        Mininet's ping between two hosts (both directions)
    dump-flows SW                 ovs-ofctl dump-flows of switch SW (logical name, e.g. s1)
    ovs-ofctl SUBCMD SW [ARGS..]  read-only ovs-ofctl: show dump-flows dump-ports dump-ports-desc
                                  dump-tables dump-groups dump-group-stats dump-meters
    connected                     per switch: is its bridge connected to its controller?
    link A B up|down              bring the link(s) between nodes A and B up or down
    ping-start H1 H2 [INTERVAL_S [COUNT]]  start ping -i INTERVAL -c COUNT from H1 to H2 in the
                                  background (default 0.01 s, 1000); replies with its id
    ping-wait ID [TIMEOUT_S]      wait for that ping to end: packets sent and received
    send-raw H HEX [COUNT]        send an Ethernet frame (hex) out of host H's interface as it is
    capture-start H               capture ARP/IPv4/VLAN frames arriving at host H; replies with an id
    capture-stop ID               stop that capture: how many frames, the first 500 (tcpdump -e)
    ovs-vsctl ARGS..              one read-only ovs-vsctl command (show, list, get, find, list-br, ...)
    send-frames H1 H2 [REPEAT [KINDS]]  from host H1, odd frames (odd-frames.py: IP protocols 0-255, truncated
                                  and lying headers, VLAN stacks, ...) addressed to H2 or broadcast
    quit                          tear down and exit (reply is sent after teardown)

Replies: {"seq": N, "ok": true, "cmd": "...", ...} or {"seq": N, "ok": false, "error": "..."}
where N counts command lines from 1; the start-up reply has seq 0 and cmd "start".
"""

import argparse
import errno
import fcntl
import io
import json
import logging
import os
import random
import re
import resource
import shlex
import signal
import string
import subprocess
import sys
import time
import traceback

_T0 = time.time()  # for the start-up timing report

LOCK_DIR = '/run/weft-mn'
PREFIX_RE = re.compile(r'^[a-z][a-z0-9]{1,5}$')
IFNAMSIZ_MAX = 15  # Linux interface names: at most 15 characters
VSCTL_TIMEOUT = 10  # seconds, for every ovs-vsctl / ovs-ofctl / ip we run
READONLY_VSCTL = {'show', 'list-br', 'br-exists', 'list-ports', 'list-ifaces', 'port-to-br',
                  'iface-to-br', 'get-controller', 'get-fail-mode', 'list', 'find', 'get',
                  'br-to-vlan', 'br-to-parent', 'br-get-external-id'}
READONLY_OFCTL = {'show', 'dump-flows', 'dump-ports', 'dump-ports-desc', 'dump-tables',
                  'dump-table-features', 'dump-groups', 'dump-group-stats', 'dump-meters',
                  'dump-aggregate', 'get-frags', 'queue-stats'}

# The protocol channel: a private copy of the original stdout.  fd 1 itself is pointed at stderr
# so that nothing else (Mininet, a stray print, a child process) can corrupt the reply stream.
_proto = None


def log(msg):
    sys.stderr.write('[mn-driver %s] %s\n' % (time.strftime('%H:%M:%S'), msg))
    sys.stderr.flush()


def reply(obj):
    _proto.write(json.dumps(obj, sort_keys=True) + '\n')
    _proto.flush()


def run(args, timeout=VSCTL_TIMEOUT, check=True):
    """Run a command (no shell), bounded in time; returns stdout."""
    p = subprocess.run(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, universal_newlines=True, timeout=timeout)
    if check and p.returncode != 0:
        raise RuntimeError('%s exited with %d: %s' % (' '.join(args), p.returncode,
                                                       (p.stderr or p.stdout).strip()))
    return p.stdout


def vsctl(*args, **kw):
    return run(['ovs-vsctl', '--timeout=%d' % VSCTL_TIMEOUT] + list(args), **kw)


# ---------------------------------------------------------------------------------------------
# Stale-session cleanup (only names this driver created: bridges tagged with
# external_ids:weft-mn-prefix, names listed in a dead session's lock file)
# ---------------------------------------------------------------------------------------------

def _lock_path(prefix):
    return os.path.join(LOCK_DIR, prefix + '.lock')


def _root_links():
    out = run(['ip', '-o', 'link', 'show'], check=False)
    names = []
    for line in out.splitlines():
        m = re.match(r'^\d+:\s+([^:@\s]+)', line)
        if m:
            names.append(m.group(1))
    return names


def _tagged_bridges():
    """{prefix: [bridge, ...]} for every bridge carrying our external_ids tag."""
    try:
        out = vsctl('--format=json', '--columns=name,external_ids', 'list', 'bridge')
    except Exception as e:  # ovsdb not reachable: nothing we can clean there
        log('cannot list bridges: %s' % e)
        return {}
    result = {}
    for name, ext in json.loads(out).get('data', []):
        # ext is ["map", [[k, v], ...]]
        for k, v in ext[1] if isinstance(ext, list) and len(ext) == 2 else []:
            if k == 'weft-mn-prefix':
                result.setdefault(v, []).append(name)
    return result


def cleanup_prefix(prefix, bridges):
    """Delete bridges and root-namespace interfaces of a dead session.  Returns what was removed."""
    removed = []
    existing = set(vsctl('list-br', check=False).split())
    for br in sorted(set(bridges)):
        if br in existing:
            vsctl('--if-exists', 'del-br', br, check=False)
            removed.append('bridge ' + br)
    patterns = [re.compile('^' + re.escape(br) + r'(-eth\d+)?$') for br in bridges]
    for name in _root_links():
        if any(p.match(name) for p in patterns):
            run(['ip', 'link', 'del', name], check=False)
            removed.append('link ' + name)
    # Host shells of a dead session exit on their own (their pty master is gone); kill any
    # survivor by the pid recorded in the lock file, but only if it still is that Mininet shell.
    return removed


def _proc_identity(pid):
    """(start time in clock ticks since boot, command line) of a process, or None."""
    try:
        with open('/proc/%d/stat' % pid) as f:
            stat = f.read()
        with open('/proc/%d/cmdline' % pid, 'rb') as f:
            cmdline = f.read().replace(b'\0', b' ').decode(errors='replace').strip()
    except OSError:
        return None
    fields = stat[stat.rindex(')') + 2:].split()
    return [int(fields[19]), cmdline]  # field 22 of stat: starttime


def _kill_recorded(pids):
    """Kill recorded node shells that survived, each only if pid, start time and command line
    all still match (so a reused pid is never hit)."""
    killed = []
    for entry in pids:
        if len(entry) != 3:
            continue
        pid, start, cmdline = entry
        if _proc_identity(pid) == [start, cmdline]:
            try:
                os.kill(pid, signal.SIGKILL)
                killed.append('pid %d' % pid)
            except OSError:
                pass
    return killed


def cleanup_stale(own_prefix=None, only=None):
    """Remove leftovers of sessions whose driver is gone (their lock file is not locked)."""
    if not os.path.isdir(LOCK_DIR):
        os.makedirs(LOCK_DIR, mode=0o700, exist_ok=True)
    tagged = _tagged_bridges()
    prefixes = set(tagged)
    for fn in os.listdir(LOCK_DIR):
        if fn.endswith('.lock'):
            prefixes.add(fn[:-len('.lock')])
    report = {}
    for prefix in sorted(prefixes):
        if prefix == own_prefix or (only is not None and prefix != only):
            continue
        if not PREFIX_RE.match(prefix):
            continue
        path = _lock_path(prefix)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as e:
                if e.errno in (errno.EWOULDBLOCK, errno.EAGAIN):
                    continue  # its driver is alive
                raise
            info = {}
            try:
                data = os.read(fd, 1 << 20)
                info = json.loads(data.decode()) if data.strip() else {}
            except ValueError:
                info = {}
            bridges = set(tagged.get(prefix, [])) | set(info.get('bridges', []))
            removed = cleanup_prefix(prefix, bridges)
            removed += _kill_recorded(info.get('pids', []))
            os.unlink(path)
            if removed:
                log('cleaned up stale session %s: %s' % (prefix, ', '.join(removed)))
                report[prefix] = removed
        finally:
            os.close(fd)
    return report


class SessionLock(object):
    """flock on /run/weft-mn/PREFIX.lock, held for the whole life of the session."""

    def __init__(self, prefix):
        os.makedirs(LOCK_DIR, mode=0o700, exist_ok=True)
        self.path = _lock_path(prefix)
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(self.fd)
            raise RuntimeError('prefix %s is in use by another live session' % prefix)

    def record(self, info):
        data = json.dumps(info).encode()
        os.lseek(self.fd, 0, os.SEEK_SET)
        os.ftruncate(self.fd, 0)
        os.write(self.fd, data)
        os.fsync(self.fd)

    def release(self):
        try:
            os.unlink(self.path)
        except OSError:
            pass
        os.close(self.fd)


# ---------------------------------------------------------------------------------------------
# Topology
# ---------------------------------------------------------------------------------------------

def load_custom(path):
    """The `topos` dictionary of a Mininet custom topology file (what `mn --custom FILE` reads)."""
    scope = {'__file__': path, '__name__': 'custom'}
    with open(path) as f:
        exec(compile(f.read(), path, 'exec'), scope)
    return scope.get('topos', {})


def build_topology(spec, prefix, custom=None):
    """Mininet's built-in topology `spec` (or one of the `custom` file's) with every switch renamed
    PREFIX+name (hosts keep their names: they live in their own network namespaces).  Returns
    (topo, {logical: bridge})."""
    from mininet.topo import Topo, SingleSwitchTopo, LinearTopo, MinimalTopo
    from mininet.topolib import TreeTopo, TorusTopo
    from mininet.util import buildTopo
    topos = {'minimal': MinimalTopo, 'single': SingleSwitchTopo, 'linear': LinearTopo,
             'tree': TreeTopo, 'torus': TorusTopo}
    if custom:
        topos.update(load_custom(custom))
    orig = buildTopo(topos, spec)
    names = {n: (prefix + n if orig.isSwitch(n) else n) for n in orig.nodes()}

    class Renamed(Topo):
        def build(self):
            for n in orig.nodes():
                opts = dict(orig.nodeInfo(n))
                if orig.isSwitch(n):
                    opts.pop('isSwitch', None)
                    if not opts.get('dpid'):
                        # Mininet's default: the first number in the (original) name, s12 -> 0xc
                        nums = re.findall(r'\d+', n)
                        if not nums:
                            raise ValueError('cannot derive a datapath id for switch %s' % n)
                        opts['dpid'] = '%x' % int(nums[0])
                    self.addSwitch(names[n], **opts)
                else:
                    self.addHost(n, **opts)
            for _a, _b, info in orig.links(withInfo=True):
                info = dict(info)
                a, b = names[info.pop('node1')], names[info.pop('node2')]
                self.addLink(a, b, **info)

    topo = Renamed()
    for n in topo.switches():
        maxport = max(list(topo.ports.get(n, {}).keys()) + [0])
        intf = '%s-eth%d' % (n, maxport)
        if len(intf) > IFNAMSIZ_MAX:
            raise ValueError('interface name %s is longer than %d characters; use a shorter '
                             'prefix or a smaller topology' % (intf, IFNAMSIZ_MAX))
    bridges = {n: names[n] for n in orig.switches()}
    return topo, bridges


# ---------------------------------------------------------------------------------------------
# Session
# ---------------------------------------------------------------------------------------------

class VswitchdLog(object):
    """Follows ovs-vswitchd's log file from the session's start and remembers, for every
    "<bridge><->tcp:IP:PORT" connection, the last rconn state change logged (connected,
    connecting..., connection closed by peer, ...).  Returns None from open() when the log
    cannot be found or read (then callers use ovsdb instead)."""

    RCONN = re.compile(r'\|rconn\|[A-Z]+\|([^\s|]+<->[^\s]+): (.*)$')

    def __init__(self, path):
        self.path = path
        self.offset = os.path.getsize(path)
        self.partial = b''
        self.state = {}

    @staticmethod
    def find():
        rundir = os.environ.get('OVS_RUNDIR', '/var/run/openvswitch')
        try:
            with open(os.path.join(rundir, 'ovs-vswitchd.pid')) as f:
                pid = int(f.read().strip())
            with open('/proc/%d/cmdline' % pid, 'rb') as f:
                args = f.read().decode(errors='replace').split('\0')
        except (OSError, ValueError):
            return None
        logdir = os.environ.get('OVS_LOGDIR', '/var/log/openvswitch')
        for a in args:
            if a == '--log-file':
                return os.path.join(logdir, 'ovs-vswitchd.log')
            if a.startswith('--log-file='):
                return a[len('--log-file='):]
        return None

    @classmethod
    def open(cls):
        path = cls.find()
        if not path or not os.access(path, os.R_OK):
            return None
        try:
            return cls(path)
        except OSError:
            return None

    def states(self):
        try:
            size = os.path.getsize(self.path)
            if size < self.offset:  # rotated or truncated
                self.offset, self.partial = 0, b''
            with open(self.path, 'rb') as f:
                f.seek(self.offset)
                data = f.read(max(0, size - self.offset))
            self.offset += len(data)
        except OSError:
            return None
        data = self.partial + data
        lines = data.split(b'\n')
        self.partial = lines.pop()
        for raw in lines:
            m = self.RCONN.search(raw.decode(errors='replace'))
            if m:
                msg = m.group(2)
                self.state[m.group(1)] = 'connected' if msg == 'connected' else msg
        return dict(self.state)


class Stop(BaseException):
    """Raised by signal handlers to leave the command loop (BaseException: not swallowed)."""


class Session(object):

    def __init__(self, args):
        self.args = args
        self.prefix = args.prefix
        self.net = None
        self.bridges = {}      # logical switch name -> bridge name
        self.logical = {}      # bridge name -> logical switch name
        self.protocols = args.protocols.replace('|', ',')
        self.vswitchd_log = None

    # -- life cycle -----------------------------------------------------------------------------

    def start(self):
        from mininet.net import Mininet
        from mininet.node import OVSSwitch, RemoteController
        from mininet.link import Link
        from functools import partial

        prefix = self.prefix
        t0 = time.time()
        topo, self.bridges = build_topology(self.args.topo, prefix, self.args.custom)
        self.vswitchd_log = VswitchdLog.open()
        self.logical = {b: s for s, b in self.bridges.items()}
        self.lock.record({'prefix': prefix, 'pid': os.getpid(), 'topo': self.args.topo,
                          'bridges': sorted(self.bridges.values()), 'pids': []})

        class WeftOVSSwitch(OVSSwitch):
            def bridgeOpts(self):
                return (OVSSwitch.bridgeOpts(self) +
                        ' external_ids:weft-mn-prefix=%s' % prefix +
                        ' external_ids:weft-mn-driver-pid=%d' % os.getpid())

        class QuietRemoteController(RemoteController):
            # Mininet probes the controller with telnet; the caller has already made sure that
            # it listens, and a connection without a Hello only confuses the controller's log.
            def checkListening(self):
                return

        switch = partial(WeftOVSSwitch, datapath='user', protocols=self.protocols,
                         failMode=self.args.fail_mode, reconnectms=self.args.reconnect_ms)
        controller = partial(QuietRemoteController, ip=self.args.controller_ip,
                             port=self.args.port)
        self.net = Mininet(topo=topo, switch=switch, controller=controller, link=Link,
                           autoSetMacs=True, build=False, waitConnected=False)
        self.net.build()
        # Record the pids of the node shells (and their command lines) so that a later cleanup
        # can kill survivors of a crash without killing anything else.
        pids = []
        for node in self.net.hosts + self.net.switches + self.net.controllers:
            ident = _proc_identity(node.pid) if node.pid else None
            if ident:
                pids.append([node.pid] + ident)
        self.lock.record({'prefix': prefix, 'pid': os.getpid(), 'topo': self.args.topo,
                          'bridges': sorted(self.bridges.values()), 'pids': pids})
        t1 = time.time()
        self.net.start()
        # Switches the topology gives "tables=N": only their first N tables may hold entries
        # (flow_limit=0 on the others), as on table-poor hardware. The bridge is then reconnected
        # to its controller, so that the controller meets it as it is (as hardware boots with its
        # table layout) and not as it was for the moment before.
        for n in topo.switches():
            tables = topo.nodeInfo(n).get('tables')
            if tables:
                ids = range(int(tables), 254)
                vsctl('--', '--id=@ft', 'create', 'Flow_Table', 'flow_limit=0', 'overflow_policy=refuse',
                      '--', 'set', 'bridge', n, 'flow_tables={%s}' % ','.join('%d=@ft' % i for i in ids))
                targets = vsctl('get-controller', n).split()
                if targets:
                    vsctl('del-controller', n)
                    vsctl('set-controller', n, *targets)
        t2 = time.time()
        info = self.nodes()
        info['prefix'] = prefix
        info['driver_pid'] = os.getpid()
        info['timing_ms'] = {'process_to_ready': int((t2 - _T0) * 1000),
                             'build': int((t1 - t0) * 1000), 'start': int((t2 - t1) * 1000)}
        return info

    def stop(self):
        if self.net is not None:
            net, self.net = self.net, None
            net.stop()

    # -- commands -----------------------------------------------------------------------------

    def switch(self, name):
        if name in self.bridges:
            return self.net.get(self.bridges[name])
        if name in self.logical:
            return self.net.get(name)
        raise ValueError('no switch %s (switches: %s)' % (name, ', '.join(sorted(self.bridges))))

    def node(self, name):
        if name in self.bridges:
            name = self.bridges[name]
        if name not in self.net.nameToNode:
            raise ValueError('no node %s' % name)
        return self.net.nameToNode[name]

    def nodes(self):
        net = self.net
        switches = [{'name': self.logical[s.name], 'bridge': s.name, 'dpid': s.dpid}
                    for s in net.switches]
        hosts = [{'name': h.name, 'ip': h.IP(), 'mac': h.MAC()} for h in net.hosts]
        links = []
        for link in net.links:
            a, b = link.intf1, link.intf2
            links.append({'a': self.logical.get(a.node.name, a.node.name), 'a_intf': a.name,
                          'a_port': a.node.ports[a],
                          'b': self.logical.get(b.node.name, b.node.name), 'b_intf': b.name,
                          'b_port': b.node.ports[b]})
        return {'switches': switches, 'hosts': hosts, 'links': links,
                'protocols': self.protocols, 'controller': '%s:%d' % (self.args.controller_ip,
                                                                      self.args.port)}

    def _captured(self, fn):
        """Run fn() while capturing Mininet's OUTPUT-level log (what `mn` prints for pingall)."""
        from mininet.log import lg, StreamHandlerNoNewline, OUTPUT
        buf = io.StringIO()
        handler = StreamHandlerNoNewline(buf)
        handler.setLevel(OUTPUT)
        handler.setFormatter(logging.Formatter('%(message)s'))
        lg.addHandler(handler)
        try:
            result = fn()
        finally:
            lg.removeHandler(handler)
        return result, buf.getvalue()

    @staticmethod
    def _ping_result(ploss, raw):
        m = re.search(r'\*\*\* Results: (\d+)% dropped \((\d+)/(\d+) received\)', raw)
        received, sent = (int(m.group(2)), int(m.group(3))) if m else (0, 0)
        return {'dropped_pct': ploss, 'sent': sent, 'received': received, 'raw': raw}

    def cmd_pingall(self, timeout='1'):
        float(timeout)
        t = time.time()
        ploss, raw = self._captured(lambda: self.net.pingAll(timeout=timeout))
        r = self._ping_result(ploss, raw)
        r['elapsed_ms'] = int((time.time() - t) * 1000)
        return r

    def cmd_ping(self, a, b, timeout='1'):
        float(timeout)
        hosts = [self.node(a), self.node(b)]
        t = time.time()
        ploss, raw = self._captured(lambda: self.net.ping(hosts=hosts, timeout=timeout))
        r = self._ping_result(ploss, raw)
        r['elapsed_ms'] = int((time.time() - t) * 1000)
        return r

    def cmd_ping_start(self, a, b, interval='0.01', count='1000'):
        """Start `ping -i INTERVAL -c COUNT` from host A to host B in the background; returns its id."""
        if not 0.001 <= float(interval) <= 10 or not 1 <= int(count) <= 100000:
            raise ValueError('interval 0.001..10 s, count 1..100000')
        src, dst = self.node(a), self.node(b)
        proc = src.popen(['ping', '-n', '-i', interval, '-c', count, '-W', '1', dst.IP()],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.pings = getattr(self, 'pings', {})
        pid = proc.pid
        self.pings[str(pid)] = proc
        return {'id': str(pid), 'from': a, 'to': b}

    def cmd_capture_start(self, host):
        """Capture the ARP and IPv4 frames that arrive at HOST from now on (tcpdump -Q in; not the
        controller's LLDP probes, nor the IPv6 that the switch-side veth in the root namespace sends
        of its own).  Replies once tcpdump listens, with the capture's id."""
        h = self.node(host)
        proc = h.popen(['tcpdump', '-l', '-n', '-e', '-Q', 'in', '-i', h.defaultIntf().name,
                        'arp', 'or', 'ip', 'or', 'vlan'],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.time() + 10
        while time.time() < deadline:
            line = proc.stderr.readline().decode('utf-8', 'replace')
            if 'listening on' in line or not line:
                break
        self.captures = getattr(self, 'captures', {})
        self.captures[str(proc.pid)] = proc
        return {'id': str(proc.pid), 'host': host}

    def cmd_capture_stop(self, capture_id):
        """Stop a capture: the frames it saw (count, and the first 500 as tcpdump prints them)."""
        proc = getattr(self, 'captures', {}).pop(capture_id, None)
        if proc is None:
            raise ValueError('no capture %s' % capture_id)
        time.sleep(0.2)  # what tcpdump has read but not yet printed
        proc.terminate()
        try:
            out, _ = proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, _ = proc.communicate()
        lines = [l for l in out.decode('utf-8', 'replace').splitlines() if l.strip()]
        return {'frames': len(lines), 'lines': lines[:500]}

    def cmd_send_raw(self, host, frame_hex, count='1'):
        """Send an Ethernet frame (hex) COUNT times out of HOST's first interface, as it is: what a
        misbehaving server can send (spoofed addresses, VLAN tags)."""
        frame = bytes.fromhex(frame_hex)
        if not 14 <= len(frame) <= 1514 or not 1 <= int(count) <= 100:
            raise ValueError('a frame of 14..1514 bytes, sent 1..100 times')
        h = self.node(host)
        code = ('import socket,sys; s=socket.socket(socket.AF_PACKET, socket.SOCK_RAW); '
                's.bind((sys.argv[1], 0)); f=bytes.fromhex(sys.argv[2]); '
                '[s.send(f) for _ in range(int(sys.argv[3]))]')
        out = h.cmd('python3', '-c', shlex.quote(code), h.defaultIntf().name, frame_hex, str(int(count)))
        return {'host': host, 'sent': int(count), 'output': out.strip()}

    def cmd_ping_ip(self, a, ip, count='3', interval='0.2'):
        """`ping -c COUNT -i INTERVAL -W 1` from host A to address IP (one outside Mininet, say a
        VM on a hypervisor beyond a gateway): packets sent and received, ping's output."""
        if not re.match(r'^\d{1,3}(\.\d{1,3}){3}$', ip) or not 1 <= int(count) <= 1000 \
                or not 0.01 <= float(interval) <= 10:
            raise ValueError('an IPv4 address, count 1..1000, interval 0.01..10 s')
        out = self.node(a).cmd('ping -n -c %d -i %s -W 1 %s' % (int(count), interval, ip))
        m = re.search(r'(\d+) packets transmitted, (\d+) received', out)
        sent, received = (int(m.group(1)), int(m.group(2))) if m else (0, 0)
        return {'sent': sent, 'received': received, 'raw': out.strip()}

    def cmd_neigh_flush(self, host):
        """Forget HOST's ARP entries (so that it sends nothing of its own to re-check them)."""
        out = self.node(host).cmd('ip neigh flush all')
        return {'host': host, 'output': out.strip()}

    def cmd_ping_wait(self, ping_id, timeout='120'):
        """Wait for a background ping to finish: packets sent and received, its summary."""
        proc = getattr(self, 'pings', {}).pop(ping_id, None)
        if proc is None:
            raise ValueError('no background ping %s' % ping_id)
        try:
            out, _ = proc.communicate(timeout=float(timeout))
        except subprocess.TimeoutExpired:
            proc.kill()
            out, _ = proc.communicate()
        out = out.decode('utf-8', 'replace')
        m = re.search(r'(\d+) packets transmitted, (\d+) received', out)
        sent, received = (int(m.group(1)), int(m.group(2))) if m else (0, 0)
        return {'sent': sent, 'received': received, 'summary': out.strip().splitlines()[-2:]}

    def _ofctl(self, sub, sw, *rest):
        if sub not in READONLY_OFCTL:
            raise ValueError('ovs-ofctl %s is not allowed (read-only: %s)'
                             % (sub, ' '.join(sorted(READONLY_OFCTL))))
        br = self.switch(sw).name
        return run(['ovs-ofctl', '-O', self.protocols, '--timeout=%d' % VSCTL_TIMEOUT, sub, br]
                   + list(rest))

    def cmd_dump_flows(self, sw):
        out = self._ofctl('dump-flows', sw)
        lines = [l.strip() for l in out.splitlines()
                 if l.strip() and not re.match(r'^(NXST|OFPST)_FLOW reply', l.strip())]
        return {'switch': sw, 'flows': lines, 'raw': out}

    def cmd_ovs_ofctl(self, sub, sw, *rest):
        out = self._ofctl(sub, sw, *rest)
        return {'output': out}

    def cmd_connected(self):
        """Per switch: connected to its controller?  ovsdb's Controller.is_connected is only
        refreshed every 5 s (ovs-vswitchd's stats timer), so the answer comes from the rconn
        state changes in ovs-vswitchd's log when that is readable ("source": "log"), else from
        ovsdb ("source": "ovsdb").  Both are reported."""
        names = sorted(self.logical)
        out = vsctl('--format=json', '--columns=name,controller', 'list', 'bridge', *names)
        ctrls = json.loads(vsctl('--format=json', '--columns=_uuid,is_connected,target',
                                 'list', 'controller'))
        db = {}
        for uuid, conn, target in ctrls.get('data', []):
            db[uuid[1]] = (conn is True, target)
        log_state = self.vswitchd_log.states() if self.vswitchd_log else None
        result = {}
        for name, controller in json.loads(out).get('data', []):
            if controller[0] == 'uuid':
                uuids = [controller[1]]
            else:
                uuids = [u[1] for u in controller[1]]
            db_conn = any(db.get(u, (False, ''))[0] for u in uuids)
            targets = [db[u][1] for u in uuids if u in db]
            entry = {'ovsdb': db_conn, 'targets': targets}
            if log_state is not None:
                states = [log_state.get('%s<->%s' % (name, t), 'unknown') for t in targets]
                entry['log'] = states
                entry['connected'] = any(st == 'connected' for st in states)
            else:
                entry['connected'] = db_conn
            result[self.logical[name]] = entry
        return {'switches': result,
                'source': 'log' if log_state is not None else 'ovsdb',
                'all': bool(result) and all(v['connected'] for v in result.values())}

    def cmd_link(self, a, b, status):
        if status not in ('up', 'down'):
            raise ValueError('link status must be up or down')
        na, nb = self.node(a), self.node(b)
        if not na.connectionsTo(nb):
            raise ValueError('%s and %s are not connected' % (a, b))
        self.net.configLinkStatus(na.name, nb.name, status)
        return {'a': a, 'b': b, 'status': status}

    def cmd_ovs_vsctl(self, *args):
        words = [w for w in args if not w.startswith('-')]
        if '--' in args or not words or words[0] not in READONLY_VSCTL:
            raise ValueError('only one read-only ovs-vsctl command is allowed (%s)'
                             % ' '.join(sorted(READONLY_VSCTL)))
        return {'output': vsctl(*args)}

    def cmd_nodes(self):
        return self.nodes()

    def cmd_send_frames(self, a, b, repeat='1', only=''):
        if not 1 <= int(repeat) <= 20:
            raise ValueError('repeat must be 1..20')
        ha, hb = self.node(a), self.node(b)
        if ha in self.net.switches or hb in self.net.switches:
            raise ValueError('send-frames needs two hosts')
        script = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'odd-frames.py')
        out = ha.cmd('timeout 60 %s %s --iface %s --src-mac %s --src-ip %s --dst-mac %s --dst-ip %s --repeat %d --only %s'
                     % (sys.executable, shlex.quote(script), ha.defaultIntf().name, ha.MAC(), ha.IP(),
                        hb.MAC(), hb.IP(), int(repeat), shlex.quote(only)))
        lines = [l for l in out.splitlines() if l.startswith('{')]
        if not lines:
            raise ValueError('odd-frames.py failed: %s' % out.strip()[-500:])
        result = json.loads(lines[-1])
        result['from'] = a
        result['to'] = b
        return result

    def dispatch(self, words):
        name = words[0]
        fn = getattr(self, 'cmd_' + name.replace('-', '_'), None)
        if fn is None:
            raise ValueError('unknown command %s' % name)
        try:
            return fn(*words[1:])
        except TypeError as e:
            raise ValueError('bad arguments for %s: %s' % (name, e))


# ---------------------------------------------------------------------------------------------

def random_prefix():
    return 'w' + ''.join(random.choice(string.ascii_lowercase + string.digits) for _ in range(4))


def main():
    global _proto
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--topo', default='tree,2', help="Mininet topology: tree,D[,F] linear,N "
                   "single,N torus,X,Y minimal (default tree,2)")
    p.add_argument('--custom', default=None,
                   help='a Mininet custom topology file (its `topos` may be named by --topo)')
    p.add_argument('--protocols', default='OpenFlow13',
                   help='OpenFlow versions, e.g. OpenFlow13 or OpenFlow10,OpenFlow13')
    p.add_argument('--port', type=int, default=6653, help='controller TCP port on --controller-ip')
    p.add_argument('--controller-ip', default='127.0.0.1')
    p.add_argument('--fail-mode', default='secure', choices=['secure', 'standalone'])
    p.add_argument('--reconnect-ms', type=int, default=1000,
                   help="switches' maximum reconnection backoff (default 1000)")
    p.add_argument('--prefix', default=None,
                   help='prefix of bridge and interface names, [a-z][a-z0-9]{1,5} (default random)')
    p.add_argument('--max-lifetime', type=int, default=1800,
                   help='tear down and exit after this many seconds whatever happens (default 1800)')
    p.add_argument('--cleanup', action='store_true',
                   help='only remove leftovers of dead sessions (all, or --prefix) and exit')
    p.add_argument('--log-level', default='info')
    args = p.parse_args()

    # Protocol channel = the original stdout; fd 1 -> stderr from now on.
    _proto = os.fdopen(os.dup(1), 'w', buffering=1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr

    if args.controller_ip != '127.0.0.1' and not args.controller_ip.startswith('127.'):
        reply({'seq': 0, 'ok': False, 'cmd': 'start', 'error': 'controller must be on loopback'})
        return 2
    if os.getuid() != 0:
        reply({'seq': 0, 'ok': False, 'cmd': 'start', 'error': 'must run as root'})
        return 2
    if args.prefix is not None and not PREFIX_RE.match(args.prefix):
        reply({'seq': 0, 'ok': False, 'cmd': 'start',
               'error': 'bad prefix %r: want [a-z][a-z0-9]{1,5}' % args.prefix})
        return 2

    if args.cleanup:
        report = cleanup_stale(only=args.prefix)
        reply({'seq': 0, 'ok': True, 'cmd': 'cleanup', 'removed': report})
        return 0

    stopping = {'flag': False}

    def on_signal(signum, _frame):
        log('signal %d' % signum)
        if not stopping['flag']:
            raise Stop('signal %d' % signum)

    for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGALRM):
        signal.signal(s, on_signal)
    signal.alarm(max(1, args.max_lifetime))

    from mininet.log import setLogLevel
    from mininet.net import Mininet
    setLogLevel(args.log_level)
    # Mininet.init() would raise machine-wide sysctls (fixLimits); we only need our own limits.
    Mininet.inited = True
    try:
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(max(soft, 16384), hard), hard))
    except (ValueError, OSError):
        pass

    session = None
    lock = None
    rc = 0
    seq = 0
    try:
        try:
            cleanup_stale()
        except Exception as e:  # cleanup of others' leftovers must not prevent our session
            log('stale cleanup failed: %s' % e)
        prefix = args.prefix or random_prefix()
        lock = SessionLock(prefix)
        args.prefix = prefix
        session = Session(args)
        session.lock = lock
        info = session.start()
        info.update({'seq': 0, 'ok': True, 'cmd': 'start'})
        reply(info)
        while True:
            line = sys.stdin.readline()
            if not line:
                log('end of input: tearing down')
                break
            line = line.strip()
            if not line or line.startswith('#'):
                continue
            seq += 1
            try:
                words = shlex.split(line)
            except ValueError as e:
                reply({'seq': seq, 'ok': False, 'cmd': line.split()[0], 'error': str(e)})
                continue
            if words[0] == 'quit':
                stopping['flag'] = True
                session.stop()
                reply({'seq': seq, 'ok': True, 'cmd': 'quit'})
                break
            t = time.time()
            try:
                result = session.dispatch(words)
                result.update({'seq': seq, 'ok': True, 'cmd': words[0]})
            except Stop:
                raise
            except Exception as e:
                log(traceback.format_exc())
                result = {'seq': seq, 'ok': False, 'cmd': words[0],
                          'error': '%s: %s' % (type(e).__name__, e)}
            result.setdefault('elapsed_ms', int((time.time() - t) * 1000))
            reply(result)
    except Stop as e:
        log('stopping: %s' % e)
        rc = 143
    except Exception as e:
        log(traceback.format_exc())
        try:
            reply({'seq': seq, 'ok': False, 'cmd': 'start' if seq == 0 else 'error',
                   'error': '%s: %s' % (type(e).__name__, e)})
        except Exception:
            pass
        rc = 1
    finally:
        stopping['flag'] = True
        signal.alarm(0)
        for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(s, signal.SIG_IGN)
        if session is not None:
            try:
                session.stop()
            except Exception:
                log('teardown failed: %s' % traceback.format_exc())
                rc = rc or 1
        if lock is not None:
            # Belt and braces: whatever Mininet left behind under our prefix goes too.
            try:
                leftovers = cleanup_prefix(args.prefix, session.bridges.values() if session else [])
                if leftovers:
                    log('removed leftovers: %s' % ', '.join(leftovers))
            except Exception:
                log('leftover cleanup failed: %s' % traceback.format_exc())
            lock.release()
    return rc


if __name__ == '__main__':
    sys.exit(main())
