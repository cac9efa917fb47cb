#!/usr/bin/python3
# -*- coding: utf-8 -*-
"""Weft's Open vSwitch testbed: hypervisors, VXLAN underlay and VMs in network namespaces.

Builds, from the same YAML config file that Weft reads (transport-nodes + tenants), one network
namespace per hypervisor running its OWN ovsdb-server and ovs-vswitchd (userspace datapath),
an underlay segment over which the hypervisors' VXLAN tunnels run, a management network that
connects every hypervisor's OVS to the controller in the root namespace, and one network
namespace per VM (a logical port with `binding: {interface: NAME}`) plugged into its
hypervisor's integration bridge br-int.

    testbed.py up CONFIG --controller tcp:IP:PORT [--place PORT=HV ...] [--prefix P] [--json]
    testbed.py down [--prefix P | --all | --stale] [--save-logs DIR] [--json]
    testbed.py migrate VM HV [--prefix P] [--no-garp] [--json]
    testbed.py garp VM [--prefix P] [--json]
    testbed.py controller TARGET [--hv HV ...] [--prefix P]   (connect br-int to TARGET now)
    testbed.py dhcp VM [--prefix P] [--json]          (run dhclient in the VM: address, gateway, MTU)
    testbed.py exec NAME CMD...          (NAME: a VM, a hypervisor (OVS tools then talk to its OVS),
                                          or an external network's outside namespace)
    testbed.py status [--prefix P] [--json]

A VM's default route is its network's router port, when a router of the config joins the
network; `up --dhcp VM` leaves the VM without address and route, for `dhcp VM` to get them.
Every `external-networks` entry gets an "outside" namespace (PREFIX-x-NAME) behind the uplink of
its gateway node: the outside router, with the network's gateway address (and gateway-mac) on
its interface up0, and OUTSIDE_HOST on its loopback as a host beyond it.  Every `vlan-gateways` entry gets one too
(a legacy host: the highest address of its network's subnet on up0), on an access port of the
gateway's VLAN of a bridge brv-NAME in the gateway node, trunked into br-int at the gateway's port.

`--controller tcp:mgmt:PORT` means the management network's controller address (reported as
`controller_ip`, 10.78.N.254 where N is the first free /24 in 10.78.0.0/16, normally 0).  The
controller must listen on that address (or on 0.0.0.0) in the root namespace.

Everything lives under /run/weft-testbed/PREFIX/ (state.json, each hypervisor's OVS db, sockets,
pid and log files); every namespace is called PREFIX-..., every root-namespace link PREFIX-...
`down` removes exactly what state.json says this testbed created (processes in its namespaces,
by pid), also after a crashed or interrupted `up`, and is idempotent.  It never runs `mn -c`
and never kills processes by name.  See README.md next to this file.
"""

import argparse
import ctypes
import errno
import fcntl
import ipaddress
import json
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

STATE_ROOT = '/run/weft-testbed'
PREFIX_RE = re.compile(r'^[a-z][a-z0-9]{1,5}$')
IFNAME_RE = re.compile(r'^[A-Za-z0-9_.][A-Za-z0-9_.-]{0,14}$')
IFNAMSIZ_MAX = 15
DEFAULT_PREFIX = 'wtb'
SCHEMA = '/usr/share/openvswitch/vswitch.ovsschema'
CMD_TIMEOUT = 15          # seconds, for every single command we run
LOCK_TIMEOUT = 60         # seconds to wait for another operation on the same testbed
KILL_GRACE = 3.0          # seconds between SIGTERM and SIGKILL
OVSDB_PORT = 6640         # --bridge weft: each hypervisor's OVSDB on its management address
UNDERLAY_MTU = 1600       # room for VXLAN's 50 bytes around 1500-byte VM frames
MGMT_NET = ipaddress.ip_network('10.78.0.0/16')
RESERVED_IFNAMES = {'lo', 'br-int', 'br-phy', 'mgmt0', 'ul0', 'ovs-netdev', 'ovs-system', 'eth0'}
OUTSIDE_HOST = '198.51.100.1'   # on the outside namespace's loopback: a host beyond the outside router
DHCP_SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'dhclient-script')
DHCP_TIMEOUT = 30               # seconds for dhclient to get a lease


class TestbedError(Exception):
    """An error with a sentence for the user (no traceback)."""


class InUse(TestbedError):
    """The prefix belongs to a live testbed or another operation holds its lock (exit 3): the
    caller must not tear it down."""


class Interrupted(BaseException):
    """A signal arrived during up/migrate: clean up, then exit."""


def log(msg):
    sys.stderr.write('[testbed %s] %s\n' % (time.strftime('%H:%M:%S'), msg))
    sys.stderr.flush()


def ms(t0):
    return round((time.monotonic() - t0) * 1000.0, 1)


def run(args, timeout=CMD_TIMEOUT, check=True, env=None, input=None):
    """Run a command (no shell), bounded in time; returns stdout."""
    try:
        p = subprocess.run(args, input=input, stdin=None if input is not None else subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           universal_newlines=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        raise TestbedError('%s did not finish within %d s' % (' '.join(args), timeout))
    except FileNotFoundError:
        raise TestbedError('%s: command not found' % args[0])
    if check and p.returncode != 0:
        raise TestbedError('%s exited with %d: %s' % (' '.join(args), p.returncode,
                                                       (p.stderr or p.stdout).strip()))
    return p.stdout


# ---------------------------------------------------------------------------------------------
# Config
# ---------------------------------------------------------------------------------------------

def load_yaml(path):
    try:
        import yaml
    except ImportError:
        raise TestbedError('Python module yaml is missing (Debian: apt-get install python3-yaml)')

    class Loader(yaml.SafeLoader):
        pass

    # Quoted or not, keep every scalar that is not a plain int/bool as written: an unquoted MAC
    # like 02:00:0a:00:01:0b must not become a YAML 1.1 sexagesimal number.
    def construct_int(loader, node):
        text = loader.construct_scalar(node)
        if ':' in text:
            return text
        return yaml.SafeLoader.construct_yaml_int(loader, node)
    Loader.add_constructor('tag:yaml.org,2002:int', construct_int)
    Loader.add_constructor('tag:yaml.org,2002:float',
                           lambda l, n: l.construct_scalar(n)
                           if ':' in l.construct_scalar(n) else yaml.SafeLoader.construct_yaml_float(l, n))
    try:
        with open(path) as f:
            data = yaml.load(f, Loader=Loader)
    except OSError as e:
        raise TestbedError('cannot read %s: %s' % (path, e.strerror))
    except yaml.YAMLError as e:
        raise TestbedError('%s: invalid YAML: %s' % (path, e))
    if not isinstance(data, dict):
        raise TestbedError('%s: the top level must be a mapping' % path)
    return data


def _mac(value, where):
    s = str(value).lower()
    if not re.match(r'^[0-9a-f]{2}(:[0-9a-f]{2}){5}$', s):
        raise TestbedError('%s: bad MAC address %r (want e.g. "02:00:0a:00:01:0b", quoted)'
                           % (where, value))
    if int(s[:2], 16) & 1:
        raise TestbedError('%s: MAC %s is a multicast address' % (where, s))
    return s


def _dpid(value, where):
    s = str(value).lower().replace(':', '')
    if s.startswith('0x'):
        s = s[2:]
    if not re.match(r'^[0-9a-f]{1,16}$', s):
        raise TestbedError('%s: bad datapath-id %r (want 8 colon-separated hex bytes)'
                           % (where, value))
    return s.rjust(16, '0')


def _ip(value, where):
    try:
        return ipaddress.ip_address(str(value))
    except ValueError:
        raise TestbedError('%s: bad IP address %r' % (where, value))


def parse_config(path):
    """The testbed's view of a Weft config: hypervisors and VMs (ports with an interface)."""
    data = load_yaml(path)
    nodes = data.get('transport-nodes')
    if not isinstance(nodes, list) or not nodes:
        raise TestbedError('%s: no transport-nodes (the hypervisors) in the config' % path)
    hvs = []
    seen = set()
    for i, n in enumerate(nodes):
        where = '%s: transport-nodes[%d]' % (path, i)
        if not isinstance(n, dict):
            raise TestbedError('%s: must be a mapping' % where)
        name = str(n.get('name', ''))
        if not re.match(r'^[A-Za-z0-9_.][A-Za-z0-9_.-]*$', name):
            raise TestbedError('%s: bad or missing name %r' % (where, name))
        if len('vx-' + name) > IFNAMSIZ_MAX:
            raise TestbedError('%s: name %r is too long: its tunnel port vx-%s would have more '
                               'than %d characters' % (where, name, name, IFNAMSIZ_MAX))
        if name in seen:
            raise TestbedError('%s: duplicate hypervisor name %s' % (where, name))
        seen.add(name)
        tip = _ip(n.get('tunnel-ip'), where + ' tunnel-ip')
        if tip.version != 4:
            raise TestbedError('%s: tunnel-ip must be IPv4' % where)
        hvs.append({'name': name, 'dpid': _dpid(n.get('datapath-id'), where),
                    'tunnel_ip': str(tip)})
    if len({h['dpid'] for h in hvs}) != len(hvs):
        raise TestbedError('%s: two transport-nodes have the same datapath-id' % path)
    if len({h['tunnel_ip'] for h in hvs}) != len(hvs):
        raise TestbedError('%s: two transport-nodes have the same tunnel-ip' % path)
    vms = []
    skipped = []
    for ti, t in enumerate(data.get('tenants') or []):
        tname = str((t or {}).get('name', 'tenants[%d]' % ti))
        gateways = {}  # network name -> its router port's address (the VMs' default gateway)
        for r in (t or {}).get('routers') or []:
            for rp in (r or {}).get('ports') or []:
                if isinstance(rp, dict) and rp.get('network') and rp.get('ip'):
                    gateways[str(rp['network'])] = str(_ip(rp['ip'], '%s: tenant %s router port' % (path, tname)))
        for ni, net in enumerate((t or {}).get('networks') or []):
            nname = str((net or {}).get('name', 'networks[%d]' % ni))
            subnet = net.get('subnet')
            plen = None
            if subnet is not None:
                try:
                    plen = ipaddress.ip_network(str(subnet), strict=False).prefixlen
                except ValueError:
                    raise TestbedError('%s: tenant %s network %s: bad subnet %r'
                                       % (path, tname, nname, subnet))
            for pi, port in enumerate(net.get('ports') or []):
                pname = str((port or {}).get('name', ''))
                where = '%s: tenant %s network %s port %s' % (path, tname, nname,
                                                               pname or '[%d]' % pi)
                binding = port.get('binding') or {}
                iface = binding.get('interface') if isinstance(binding, dict) else None
                iface_id = None
                if iface is None and isinstance(binding, dict) and binding.get('iface-id') is True:
                    # Bound by external_ids:iface-id = the port's name; the interface's own
                    # name is the hypervisor's business (libvirt's vnetN, OpenStack's tapXXX).
                    iface_id = pname
                    iface = 'tap-' + re.sub(r'[^A-Za-z0-9_.-]', '', pname)[:IFNAMSIZ_MAX - 4]
                if iface is None:
                    skipped.append(pname)
                    continue
                iface = str(iface)
                if len(iface) > IFNAMSIZ_MAX:
                    raise TestbedError('%s: interface name %r has %d characters; Linux and Open '
                                       'vSwitch allow at most %d' % (where, iface, len(iface),
                                                                     IFNAMSIZ_MAX))
                if not IFNAME_RE.match(iface) or iface in RESERVED_IFNAMES or \
                        iface.startswith('vx-'):
                    raise TestbedError('%s: interface name %r is not usable (letters, digits, '
                                       '"_", ".", "-"; not %s or vx-*)'
                                       % (where, iface, ', '.join(sorted(RESERVED_IFNAMES))))
                if not re.match(r'^[A-Za-z0-9_.][A-Za-z0-9_.-]*$', pname):
                    raise TestbedError('%s: bad or missing port name %r' % (where, pname))
                ips = []
                for ip in port.get('ips') or []:
                    a = _ip(ip, where + ' ips')
                    ips.append('%s/%d' % (a, plen if plen is not None and a.version == 4
                                          else (24 if a.version == 4 else 64)))
                vms.append({'name': pname, 'tenant': tname, 'network': nname,
                            'segment': net.get('segment'), 'interface': iface,
                            'mac': _mac(port.get('mac'), where), 'ips': ips, 'iface_id': iface_id,
                            'gateway': gateways.get(nname)})
    names = [v['name'] for v in vms]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise TestbedError('%s: duplicate port names: %s' % (path, ', '.join(dup)))
    ifaces = [v['interface'] for v in vms]
    dup = sorted({n for n in ifaces if ifaces.count(n) > 1})
    if dup:
        raise TestbedError('%s: two ports bind the same interface: %s' % (path, ', '.join(dup)))
    clash = sorted(set(names) & ({h['name'] for h in hvs} | {'underlay'}))
    if clash:
        raise TestbedError('%s: port names clash with hypervisor names: %s'
                           % (path, ', '.join(clash)))
    outs = []
    for xi, x in enumerate(data.get('external-networks') or []):
        where = '%s: external-networks[%d]' % (path, xi)
        if not isinstance(x, dict):
            raise TestbedError('%s: must be a mapping' % where)
        name = str(x.get('name', ''))
        if not re.match(r'^[a-z0-9][a-z0-9-]{0,7}$', name):
            raise TestbedError('%s: external network name %r: the testbed wants at most 8 of a-z, '
                               '0-9, "-" (it names a namespace after it)' % (where, name))
        node = str(x.get('node', ''))
        if node not in {h['name'] for h in hvs}:
            raise TestbedError('%s: node %r is not a transport node' % (where, node))
        uplink = str(x.get('uplink', ''))
        if not IFNAME_RE.match(uplink) or uplink in RESERVED_IFNAMES or uplink in ifaces:
            raise TestbedError('%s: uplink %r is not a usable interface name' % (where, uplink))
        try:
            subnet = ipaddress.ip_network(str(x.get('subnet')), strict=False)
        except ValueError:
            raise TestbedError('%s: bad subnet %r' % (where, x.get('subnet')))
        gw = _ip(x.get('gateway'), where + ' gateway')
        outs.append({'name': name, 'node': node, 'uplink': uplink,
                     'address': '%s/%d' % (gw, subnet.prefixlen),
                     'mac': _mac(x['gateway-mac'], where) if x.get('gateway-mac') else None})
    # vlan-gateways: a "legacy" namespace (address: the highest host address of the network's
    # subnet) on an access port of VLAN N of an Open vSwitch bridge brv-NAME in the gateway node
    # (standing for the legacy segment's switch; no 802.1q module needed), whose trunk is a patch
    # port into br-int at the gateway's port number.
    subnets = {}
    for t in data.get('tenants') or []:
        for n in (t or {}).get('networks') or []:
            if n and n.get('subnet'):
                subnets['%s/%s' % (t.get('name'), n.get('name'))] = n.get('subnet')
    for gi, g in enumerate(data.get('vlan-gateways') or []):
        where = '%s: vlan-gateways[%d]' % (path, gi)
        if not isinstance(g, dict):
            raise TestbedError('%s: must be a mapping' % where)
        name = str(g.get('name', ''))
        if not re.match(r'^[a-z0-9][a-z0-9-]{0,7}$', name):
            raise TestbedError('%s: VLAN gateway name %r: the testbed wants at most 8 of a-z, 0-9, "-" '
                               '(it names a namespace after it)' % (where, name))
        node = str(g.get('node', ''))
        if node not in {h['name'] for h in hvs}:
            raise TestbedError('%s: node %r is not a transport node' % (where, node))
        subnet = subnets.get(str(g.get('network', '')))
        if subnet is None:
            raise TestbedError('%s: network %r has no subnet to give the VLAN host an address'
                               % (where, g.get('network')))
        net = ipaddress.ip_network(str(subnet), strict=False)
        outs.append({'name': name, 'node': node, 'uplink': 'vh-' + name,
                     'address': '%s/%d' % (net.broadcast_address - 1, net.prefixlen),
                     'mac': '02:76:00:00:00:%02x' % (gi + 1), 'vlan': int(g.get('vlan')),
                     'ofport': int(g.get('port'))})
    return hvs, vms, skipped, outs


def underlay_prefixlen(hvs):
    """The longest prefix (at most /24) that holds every tunnel IP."""
    addrs = [ipaddress.ip_address(h['tunnel_ip']) for h in hvs]
    for plen in range(24, 7, -1):
        nets = {ipaddress.ip_network('%s/%d' % (a, plen), strict=False) for a in addrs}
        if len(nets) == 1:
            net = nets.pop()
            for a in addrs:
                if a in (net.network_address, net.broadcast_address):
                    raise TestbedError('tunnel-ip %s is the network or broadcast address of %s'
                                       % (a, net))
            return plen
    raise TestbedError('the tunnel-ips are not in one /8: %s' % ', '.join(map(str, addrs)))


# ---------------------------------------------------------------------------------------------
# State, locks, process identity
# ---------------------------------------------------------------------------------------------

def state_dir(prefix):
    return os.path.join(STATE_ROOT, prefix)


def state_file(prefix):
    return os.path.join(state_dir(prefix), 'state.json')


def load_state(prefix):
    try:
        with open(state_file(prefix)) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def save_state(state):
    d = state_dir(state['prefix'])
    tmp = os.path.join(d, '.state.json.tmp')
    with open(tmp, 'w') as f:
        json.dump(state, f, indent=2, sort_keys=True)
        f.flush()
        os.fsync(f.fileno())
    os.rename(tmp, os.path.join(d, 'state.json'))


class FileLock(object):
    """flock on a file (created) or a directory, acquired within a bounded time."""

    def __init__(self, path, timeout=LOCK_TIMEOUT, blocking=True):
        os.makedirs(os.path.dirname(path), mode=0o755, exist_ok=True)
        self.path = path
        if os.path.isdir(path):
            self.fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
        else:
            self.fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        deadline = time.monotonic() + (timeout if blocking else 0)
        while True:
            try:
                fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except OSError as e:
                if e.errno not in (errno.EWOULDBLOCK, errno.EAGAIN):
                    os.close(self.fd)
                    raise
            if time.monotonic() >= deadline:
                os.close(self.fd)
                raise InUse('%s is locked by another testbed operation (waited %d s)'
                            % (path, timeout if blocking else 0))
            time.sleep(0.05)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.release()

    def release(self, unlink=False):
        if self.fd is None:
            return
        if unlink:
            try:
                os.unlink(self.path)
            except OSError:
                pass
        os.close(self.fd)
        self.fd = None


def prefix_lock(prefix, blocking=True):
    return FileLock(os.path.join(STATE_ROOT, prefix + '.lock'), blocking=blocking)


def proc_identity(pid):
    """[start time (clock ticks since boot), command line] of a live process, or None."""
    try:
        with open('/proc/%d/stat' % pid) as f:
            stat = f.read()
        with open('/proc/%d/cmdline' % pid, 'rb') as f:
            cmdline = f.read().replace(b'\0', b' ').decode(errors='replace').strip()
    except (OSError, ValueError):
        return None
    fields = stat[stat.rindex(')') + 2:].split()
    if fields[0] == 'Z':
        return None
    return [int(fields[19]), cmdline]


def same_process(rec):
    """True if the recorded {pid, start} process is still alive (pid not reused)."""
    if not rec:
        return False
    ident = proc_identity(int(rec['pid']))
    return ident is not None and ident[0] == rec['start']


def process_record(pid):
    ident = proc_identity(pid)
    return {'pid': pid, 'start': ident[0]} if ident else None


def ns_exists(ns):
    return os.path.exists(os.path.join('/run/netns', ns))


def ns_pids(ns):
    if not ns_exists(ns):
        return []
    out = run(['ip', 'netns', 'pids', ns], check=False)
    return [int(p) for p in out.split() if p.isdigit()]


def kill_pids(pids, grace=KILL_GRACE):
    """SIGTERM, wait (bounded), SIGKILL.  pids: {pid: start time}; a pid whose start time
    changed (reused) is left alone.  Returns the pids that were signalled."""
    me = os.getpid()
    victims = {p: s for p, s in pids.items() if p != me}
    hit = []
    for pid, start in victims.items():
        ident = proc_identity(pid)
        if ident and ident[0] == start:
            try:
                os.kill(pid, signal.SIGTERM)
                hit.append(pid)
            except OSError:
                pass
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        alive = [p for p in hit if (proc_identity(p) or [None])[0] == victims[p]]
        if not alive:
            break
        time.sleep(0.02)
    for pid in hit:
        ident = proc_identity(pid)
        if ident and ident[0] == victims[pid]:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
    deadline = time.monotonic() + 2.0
    while time.monotonic() < deadline and \
            any((proc_identity(p) or [None])[0] == victims[p] for p in hit):
        time.sleep(0.02)
    return hit


def write_sysctl(path, value):
    try:
        with open(path, 'w') as f:
            f.write(value)
    except OSError:
        pass


# ---------------------------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------------------------

def names_for(prefix, hvs, vms):
    return {
        'underlay_ns': '%s-underlay' % prefix,
        'mgmt_bridge': '%s-mgmt' % prefix,
        'hv_ns': {h['name']: '%s-%s' % (prefix, h['name']) for h in hvs},
        'hv_mgmt_link': {h['name']: '%s-m%d' % (prefix, i + 1) for i, h in enumerate(hvs)},
        'hv_dir': {h['name']: os.path.join(state_dir(prefix), 'h%d' % (i + 1))
                   for i, h in enumerate(hvs)},
        'vm_ns': {v['name']: '%s-%s' % (prefix, v['name']) for v in vms},
    }


def outside_ns(prefix, name):
    return '%s-x-%s' % (prefix, name)


def pick_mgmt_net(requested=None):
    """A /24 for the management network that no root-namespace address or route uses."""
    used = []
    # interface addresses, and routes of /16 or longer (a wide route such as 10.0.0.0/8 via a
    # gateway is shadowed by our connected /24 for our own addresses only: no conflict)
    for cmd, min_len in ((['ip', '-o', '-4', 'addr', 'show'], 0),
                         (['ip', '-4', 'route', 'show', 'table', 'all'], 16)):
        for m in re.finditer(r'(\d+\.\d+\.\d+\.\d+)(/\d+)?', run(cmd, check=False)):
            try:
                net = ipaddress.ip_network(m.group(1) + (m.group(2) or '/32'), strict=False)
            except ValueError:
                continue
            if net.prefixlen >= min_len:
                used.append(net)
    for d in os.listdir(STATE_ROOT) if os.path.isdir(STATE_ROOT) else []:
        st = load_state(d) if PREFIX_RE.match(d) else None
        if st and st.get('mgmt_net'):
            used.append(ipaddress.ip_network(st['mgmt_net']))
    if requested:
        net = ipaddress.ip_network(requested, strict=False)
        if net.prefixlen > 24 or net.version != 4:
            raise TestbedError('--mgmt-net must be an IPv4 network of /24 or larger')
        clash = sorted({u for u in used if u.overlaps(net) and u.prefixlen > 0})
        if clash:
            raise TestbedError('--mgmt-net %s overlaps %s in the root namespace'
                               % (net, ', '.join(map(str, clash))))
        return net
    for net in MGMT_NET.subnets(new_prefix=24):
        if not any(u.overlaps(net) for u in used if u.prefixlen > 0):
            return net
    raise TestbedError('no free /24 in %s for the management network' % MGMT_NET)


# ---------------------------------------------------------------------------------------------
# Open vSwitch per hypervisor
# ---------------------------------------------------------------------------------------------

def ovs_env(d):
    env = dict(os.environ)
    env.update({'OVS_RUNDIR': d, 'OVS_DBDIR': d, 'OVS_LOGDIR': d, 'OVS_SYSCONFDIR': d})
    return env


def vsctl(d, *args, **kw):
    return run(['ovs-vsctl', '--db=unix:%s/db.sock' % d, '--timeout=%d' % CMD_TIMEOUT]
               + list(args), env=ovs_env(d), **kw)


def ofctl(d, *args, **kw):
    return run(['ovs-ofctl', '--timeout=%d' % CMD_TIMEOUT] + list(args), env=ovs_env(d), **kw)


def read_pid(path):
    try:
        with open(path) as f:
            return int(f.read().strip())
    except (OSError, ValueError):
        return None


def start_ovs(ns, d):
    """ovsdb-server + ovs-vswitchd of one hypervisor, inside its namespace, files in d."""
    t0 = time.monotonic()
    os.makedirs(d, mode=0o755, exist_ok=True)
    env = ovs_env(d)
    db = os.path.join(d, 'conf.db')
    run(['ovsdb-tool', 'create', db, SCHEMA], env=env)
    run(['ip', 'netns', 'exec', ns, 'ovsdb-server', db, '--remote=punix:%s/db.sock' % d,
         '--remote=db:Open_vSwitch,Open_vSwitch,manager_options',
         '--pidfile=%s/ovsdb-server.pid' % d, '--detach', '--no-chdir',
         '--log-file=%s/ovsdb-server.log' % d, '-vconsole:off'], env=env)
    vsctl(d, '--no-wait', 'init')
    t_db = ms(t0)
    run(['ip', 'netns', 'exec', ns, 'ovs-vswitchd', 'unix:%s/db.sock' % d,
         '--pidfile=%s/ovs-vswitchd.pid' % d, '--detach', '--no-chdir',
         '--log-file=%s/ovs-vswitchd.log' % d, '-vconsole:off'], env=env)
    return {'ovsdb_ms': t_db, 'total_ms': ms(t0)}


def configure_hv(state, hv, vm_ifaces, vlan_hosts=()):
    """One ovs-vsctl transaction: br-phy with the underlay port, br-int with tunnels, VM ports
    and the controller.  Waits until ovs-vswitchd has applied it."""
    d = hv['dir']
    t0 = time.monotonic()
    if state.get('bridge') == 'weft':
        # Weft builds br-int through this OVSDB (the README's recipe): only the underlay here,
        # and the OVSDB listening on the management network.
        vsctl(d, '--', 'add-br', 'br-phy',
              '--', 'set', 'bridge', 'br-phy', 'datapath_type=netdev', 'fail-mode=standalone',
              'other-config:disable-in-band=true', 'other-config:hwaddr=%s' % hv['phy_mac'],
              '--', 'set', 'interface', 'br-phy', 'mtu_request=%d' % UNDERLAY_MTU,
              '--', 'add-port', 'br-phy', 'ul0',
              '--', 'set-manager', 'ptcp:%d:%s' % (OVSDB_PORT, hv['mgmt_ip']),
              # the address its tunnels leave from, stated as the README's recipe does
              '--', 'set', 'open', '.', 'external_ids:weft-tunnel-ip=%s' % hv['tunnel_ip'])
        ns = hv['namespace']
        run(['ip', '-n', ns, 'addr', 'add', '%s/%d' % (hv['tunnel_ip'], state['underlay_prefixlen']),
             'dev', 'br-phy'])
        run(['ip', '-n', ns, 'link', 'set', 'br-phy', 'up'])
        ofctl(d, 'add-flow', 'br-phy', 'actions=NORMAL')
        return ms(t0)
    args = ['--', 'add-br', 'br-phy',
            '--', 'set', 'bridge', 'br-phy', 'datapath_type=netdev', 'fail-mode=standalone',
            'other-config:disable-in-band=true',
            'other-config:hwaddr=%s' % hv['phy_mac'],
            '--', 'set', 'interface', 'br-phy', 'mtu_request=%d' % UNDERLAY_MTU,
            '--', 'add-port', 'br-phy', 'ul0',
            '--', 'add-br', 'br-int',
            '--', 'set', 'bridge', 'br-int', 'datapath_type=netdev', 'fail-mode=secure',
            'protocols=OpenFlow13', 'other-config:datapath-id=%s' % hv['dpid'],
            'other-config:disable-in-band=true',
            'external_ids:weft-testbed=%s' % state['prefix']]
    for other in state['hypervisors']:
        if other['name'] == hv['name']:
            continue
        port = 'vx-' + other['name']
        args += ['--', 'add-port', 'br-int', port, '--', 'set', 'interface', port, 'type=vxlan',
                 'options:remote_ip=%s' % other['tunnel_ip'], 'options:key=flow']
    for iface in vm_ifaces:
        args += ['--', 'add-port', 'br-int', iface] + iface_id_args(state, iface)
    for o in vlan_hosts:
        br, trunk, gw = 'brv-' + o['name'], 'vt-' + o['name'], 'vg-' + o['name']
        args += ['--', 'add-br', br, '--', 'set', 'bridge', br, 'datapath_type=netdev',
                 'fail-mode=standalone', 'other-config:disable-in-band=true',
                 '--', 'add-port', br, o['uplink'], '--', 'set', 'port', o['uplink'], 'tag=%d' % o['vlan'],
                 '--', 'add-port', br, trunk, '--', 'set', 'interface', trunk, 'type=patch',
                 'options:peer=' + gw,
                 '--', 'add-port', 'br-int', gw, '--', 'set', 'interface', gw, 'type=patch',
                 'options:peer=' + trunk, 'ofport_request=%d' % o['ofport']]
    args += controller_args(state['controller'])
    vsctl(d, *args)
    ns = hv['namespace']
    run(['ip', '-n', ns, 'addr', 'add', '%s/%d' % (hv['tunnel_ip'], state['underlay_prefixlen']),
         'dev', 'br-phy'])
    run(['ip', '-n', ns, 'link', 'set', 'br-phy', 'up'])
    ofctl(d, 'add-flow', 'br-phy', 'actions=NORMAL')
    return ms(t0)


def iface_id_args(state, iface):
    """external_ids:iface-id for a VM bound by iface-id (what libvirt and OpenStack set)."""
    for v in state['vms']:
        if v['interface'] == iface and v.get('iface_id'):
            return ['--', 'set', 'interface', iface, 'external_ids:iface-id=%s' % v['iface_id']]
    return []


def cmd_plug(args):
    """--bridge weft: wait until Weft has built each hypervisor's br-int, then plug its VMs in."""
    state = load_state(args.prefix)
    if state.get('bridge') != 'weft':
        raise TestbedError('plug is for testbeds made with up --bridge weft (the others plug at up)')
    t_all = time.monotonic()
    deadline = time.monotonic() + args.timeout
    done = {}
    for hv in state['hypervisors']:
        d = hv['dir']
        while subprocess.run(['ovs-vsctl', '--db=unix:%s/db.sock' % d, 'br-exists', 'br-int'],
                             stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, env=ovs_env(d), timeout=CMD_TIMEOUT).returncode != 0:
            if time.monotonic() > deadline:
                raise TestbedError('%s: no br-int after %d s: is Weft running, with this hypervisor\'s '
                                   'ovsdb (tcp:%s:%d) in its config?' % (hv['name'], args.timeout,
                                                                          hv['mgmt_ip'], OVSDB_PORT))
            time.sleep(0.05)
        t0 = time.monotonic()
        vsctl_args = []
        for v in state['vms']:
            if v['hypervisor'] == hv['name']:
                vsctl_args += ['--', '--may-exist', 'add-port', 'br-int', v['interface']] + \
                    iface_id_args(state, v['interface'])
        if vsctl_args:
            vsctl(d, *vsctl_args)
        done[hv['name']] = ms(t0)
    return {'plugged_ms': done, 'total_ms': ms(t_all)}


def controller_args(target):
    if target == 'none':
        return []
    return ['--', 'set-controller', 'br-int', target,
            '--', 'set', 'controller', 'br-int', 'max_backoff=1000', 'connection_mode=out-of-band']


def resolve_controller(target, ctrl_ip):
    """tcp:IP:PORT as given, tcp:mgmt:PORT with the management address, or none."""
    if target == 'none':
        return target
    m = re.match(r'^(tcp|ssl):([^:]+):(\d+)$', target or '')
    if not m or not 0 < int(m.group(3)) < 65536:
        raise TestbedError('the controller must be tcp:IP:PORT, tcp:mgmt:PORT or none (got %r)'
                           % target)
    ip = ctrl_ip if m.group(2) == 'mgmt' else m.group(2)
    _ip(ip, 'controller')
    return '%s:%s:%s' % (m.group(1), ip, m.group(3))


def ports_of(d, bridge='br-int'):
    return vsctl(d, 'list-ports', bridge, check=False).split()


def rconn_states(d):
    """Per bridge connection target: last rconn state ovs-vswitchd logged ('connected', ...)."""
    states = {}
    pat = re.compile(r'\|rconn\|[A-Z]+\|([^\s|]+)<->([^\s:]+:[^\s]+): (.*)$')
    try:
        with open(os.path.join(d, 'ovs-vswitchd.log'), errors='replace') as f:
            for line in f:
                m = pat.search(line.rstrip('\n'))
                if m:
                    states['%s<->%s' % (m.group(1), m.group(2))] = m.group(3)
    except OSError:
        pass
    return states


# ---------------------------------------------------------------------------------------------
# up
# ---------------------------------------------------------------------------------------------

def arping_flavour():
    """'iputils' (-I IFACE) or 'habets' (Thomas Habets' arping, Debian package arping: -i)."""
    try:
        p = subprocess.run(['arping', '--help'], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, universal_newlines=True, timeout=5)
        text = p.stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    if 'Habets' in text:
        return 'habets'
    if 'iputils' in text or '-I <interface>' in text or '-I device' in text:
        return 'iputils'
    return 'habets' if re.search(r'^\s+-i interface', text, re.M) else 'iputils'


def garp_command(ns, vm):
    """Gratuitous ARP (unsolicited request, sender = target = the VM's IP) from the VM."""
    ip = next((a.split('/')[0] for a in vm['ips'] if ':' not in a), None)
    if ip is None:
        raise TestbedError('VM %s has no IPv4 address to announce' % vm['name'])
    flavour = arping_flavour()
    if flavour is None:
        raise TestbedError('arping is not installed (Debian: apt-get install arping)')
    if flavour == 'habets':
        # -U: unsolicited ARP (source IP = target IP), -c1: one frame, -w: bounded wait for an
        # answer (none comes to a gratuitous ARP), -q: quiet.
        cmd = ['arping', '-U', '-c', '1', '-w', '0.1', '-q', '-i', 'eth0', ip]
    else:
        cmd = ['arping', '-U', '-c', '1', '-w', '1', '-I', 'eth0', ip]
    return ['ip', 'netns', 'exec', ns] + cmd, ip, flavour


def in_netns(ns, what, fn):
    """Run fn() in a child process that has entered network namespace NS (setns), bounded in
    time: cheaper than `ip netns exec` + a tool, and needs no tool (ethtool is not installed)."""
    pid = os.fork()
    if pid == 0:  # child: never returns
        code = 1
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            fd = os.open(os.path.join('/run/netns', ns), os.O_RDONLY)
            if libc.setns(fd, 0x40000000) != 0:  # CLONE_NEWNET
                os._exit(2)
            fn()
            code = 0
        except BaseException:
            code = 3
        finally:
            os._exit(code)
    deadline = time.monotonic() + 5
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            raise TestbedError('%s in %s timed out' % (what, ns))
        time.sleep(0.001)
    if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
        raise TestbedError('%s in %s failed (status %d)' % (what, ns, status))


def _disable_ipv6():
    for conf in ('all', 'default'):
        with open('/proc/sys/net/ipv6/conf/%s/disable_ipv6' % conf, 'w') as f:
            f.write('1')


def setup_namespace(ns, ipv6=False):
    run(['ip', 'netns', 'add', ns])
    if not ipv6:
        # No IPv6 autoconfiguration noise (router solicitations, MLD) in captures.
        in_netns(ns, 'disabling IPv6', _disable_ipv6)


def tx_checksum_off(ns, ifname):
    """ethtool -K IFNAME tx off, inside namespace NS, without needing ethtool.

    Open vSwitch's userspace datapath reads VM frames from the veth with an AF_PACKET socket,
    which hands over TCP/UDP packets whose checksum the kernel left for the "hardware" to fill
    in (checksum offload): they would arrive corrupt on the other side of a tunnel.  ICMP and
    ARP are not affected.  SIOCETHTOOL/ETHTOOL_STXCSUM with data 0, from inside the namespace."""
    def off():
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        value = ctypes.create_string_buffer(struct.pack('II', 0x17, 0))  # ETHTOOL_STXCSUM
        ifr = struct.pack('16sP16x', ifname.encode(), ctypes.addressof(value))
        fcntl.ioctl(s.fileno(), 0x8946, ifr)  # SIOCETHTOOL
    in_netns(ns, 'turning off checksum offload on ' + ifname, off)


def ip_batch(ns, lines):
    run(['ip', '-n', ns, '-batch', '-'], input='\n'.join(lines) + '\n')


def cmd_up(args):
    t_all = time.monotonic()
    prefix = args.prefix
    hvs, vms, skipped, outs = parse_config(args.config)
    dhcp = set()
    for name in args.dhcp or []:
        match = [v for v in vms if name in (v['name'], v['interface'])]
        if not match:
            raise TestbedError('--dhcp %s: no VM port %s in %s' % (name, name, args.config))
        dhcp.add(match[0]['name'])
    for v in vms:
        v['dhcp'] = v['name'] in dhcp
    underlay_plen = underlay_prefixlen(hvs)
    # placement: --place overrides, else round-robin over the hypervisors in config order
    by_name = {h['name']: h for h in hvs}
    place = {}
    for item in args.place or []:
        if '=' not in item:
            raise TestbedError('--place wants PORT=HV, got %r' % item)
        port, hv = item.split('=', 1)
        match = [v for v in vms if port in (v['name'], v['interface'])]
        if not match:
            raise TestbedError('--place %s: no VM port %s in %s (VM ports: %s)'
                               % (item, port, args.config, ', '.join(v['name'] for v in vms)))
        if hv not in by_name:
            raise TestbedError('--place %s: no hypervisor %s (hypervisors: %s)'
                               % (item, hv, ', '.join(by_name)))
        place[match[0]['name']] = hv
    for i, v in enumerate(vms):
        v['hypervisor'] = place.get(v['name'], hvs[i % len(hvs)]['name'])
    resolve_controller(args.controller, '127.0.0.1')  # syntax check before anything is built
    if args.owner_pid is not None and proc_identity(args.owner_pid) is None:
        raise TestbedError('--owner-pid %d: no such process' % args.owner_pid)

    os.makedirs(STATE_ROOT, mode=0o755, exist_ok=True)
    try:
        cleanup_stale(exclude=prefix)
    except Exception as e:  # others' leftovers must not prevent this testbed
        log('stale cleanup failed: %s' % e)

    lock = prefix_lock(prefix)
    state = None
    planned = False  # from here on, a failure tears down what was created
    try:
        old = load_state(prefix)
        if old is not None or os.path.isdir(state_dir(prefix)):
            if old is not None and not is_stale(old):
                raise InUse('testbed %s is already up (testbed.py down --prefix %s)'
                            % (prefix, prefix))
            log('removing the leftovers of an earlier testbed %s' % prefix)
            teardown(prefix)
        names = names_for(prefix, hvs, vms)
        # The plan, written BEFORE anything is created: `down` removes what it lists.
        with FileLock(STATE_ROOT):  # the root namespace's addresses: one testbed at a time
            mgmt_net = pick_mgmt_net(args.mgmt_net)
            hosts = list(mgmt_net.hosts())
            if len(hvs) > len(hosts) - 1:
                raise TestbedError('too many hypervisors for management network %s' % mgmt_net)
            ctrl_ip = str(hosts[-1])
            controller = resolve_controller(args.controller, ctrl_ip)
            state = {
                'prefix': prefix, 'phase': 'creating', 'config': os.path.abspath(args.config),
                'controller': controller, 'controller_ip': ctrl_ip, 'mgmt_net': str(mgmt_net),
                'mgmt_bridge': names['mgmt_bridge'], 'underlay_ns': names['underlay_ns'],
                'underlay_prefixlen': underlay_plen,
                'creator': process_record(os.getpid()),
                'owner': process_record(args.owner_pid) if args.owner_pid else None,
                'max_lifetime_s': args.max_lifetime, 'created_at': time.time(),
                'watchdog': None, 'skipped_ports': skipped, 'bridge': args.bridge,
                'hypervisors': [{
                    'name': h['name'], 'namespace': names['hv_ns'][h['name']],
                    'dpid': h['dpid'], 'tunnel_ip': h['tunnel_ip'],
                    'mgmt_ip': str(hosts[i]), 'mgmt_link': names['hv_mgmt_link'][h['name']],
                    'dir': names['hv_dir'][h['name']], 'phy_mac': '02:77:00:00:%02x:%02x'
                    % ((i + 1) >> 8, (i + 1) & 0xff),
                } for i, h in enumerate(hvs)],
                'vms': [dict(v, namespace=names['vm_ns'][v['name']]) for v in vms],
                'outsides': [dict(o, namespace=outside_ns(prefix, o['name'])) for o in outs],
                'timings_ms': {},
            }
            os.makedirs(state_dir(prefix), mode=0o755, exist_ok=True)
            planned = True
            save_state(state)
            # root namespace: the management bridge with the controller's address
            t0 = time.monotonic()
            br = state['mgmt_bridge']
            run(['ip', 'link', 'add', br, 'type', 'bridge'])
            write_sysctl('/proc/sys/net/ipv6/conf/%s/disable_ipv6' % br, '1')
            run(['ip', 'addr', 'add', '%s/%d' % (ctrl_ip, mgmt_net.prefixlen), 'dev', br])
            run(['ip', 'link', 'set', br, 'up'])
        timings = state['timings_ms']
        # underlay: a Linux bridge in its own namespace, a veth to every hypervisor
        ul = state['underlay_ns']
        setup_namespace(ul)
        ip_batch(ul, ['link set lo up', 'link add br0 mtu %d type bridge' % UNDERLAY_MTU,
                      'link set br0 up'])
        for i, hv in enumerate(state['hypervisors']):
            ns = hv['namespace']
            setup_namespace(ns)
            run(['ip', '-n', ul, 'link', 'add', 'u%d' % (i + 1), 'mtu', str(UNDERLAY_MTU),
                 'type', 'veth', 'peer', 'name', 'ul0', 'mtu', str(UNDERLAY_MTU), 'netns', ns])
            ip_batch(ul, ['link set u%d master br0 up' % (i + 1)])
            run(['ip', 'link', 'add', hv['mgmt_link'], 'type', 'veth', 'peer', 'name', 'mgmt0',
                 'netns', ns])
            write_sysctl('/proc/sys/net/ipv6/conf/%s/disable_ipv6' % hv['mgmt_link'], '1')
            run(['ip', 'link', 'set', hv['mgmt_link'], 'master', state['mgmt_bridge'], 'up'])
            ip_batch(ns, ['link set lo up', 'link set ul0 up',
                          'addr add %s/%d dev mgmt0' % (hv['mgmt_ip'], mgmt_net.prefixlen),
                          'link set mgmt0 up'])
        timings['namespaces_and_links'] = ms(t0)
        # VMs: a namespace each, a veth whose VM end is eth0 (MAC, IPs) and whose other end,
        # named as the config's interface, is in the hypervisor's namespace
        t0 = time.monotonic()
        hv_by_name = {h['name']: h for h in state['hypervisors']}
        for vm in state['vms']:
            vns = vm['namespace']
            setup_namespace(vns, ipv6=any(':' in a for a in vm['ips']))
            hns = hv_by_name[vm['hypervisor']]['namespace']
            run(['ip', 'link', 'add', vm['interface'], 'netns', hns, 'type', 'veth', 'peer',
                 'name', 'eth0', 'address', vm['mac'], 'netns', vns])
            lines = [] if vm['dhcp'] else ['addr add %s dev eth0%s' % (a, ' nodad' if ':' in a else '')
                                           for a in vm['ips']]
            tx_checksum_off(vns, 'eth0')
            route = ['route add default via %s dev eth0' % vm['gateway']] \
                if vm.get('gateway') and lines else []
            ip_batch(vns, ['link set lo up'] + lines + ['link set eth0 up'] + route)
            ip_batch(hns, ['link set %s up' % vm['interface']])
        # outside: per external network, a namespace behind the gateway node's uplink
        for o in state['outsides']:
            ons = o['namespace']
            setup_namespace(ons)
            hns = hv_by_name[o['node']]['namespace']
            mac = ['address', o['mac']] if o['mac'] else []
            run(['ip', 'link', 'add', o['uplink'], 'netns', hns, 'type', 'veth', 'peer',
                 'name', 'up0'] + mac + ['netns', ons])
            tx_checksum_off(ons, 'up0')
            if o.get('vlan'):
                # a VLAN gateway's legacy host: untagged on its access port
                ip_batch(ons, ['link set lo up', 'addr add %s dev up0' % o['address'], 'link set up0 up'])
            else:
                ip_batch(ons, ['link set lo up', 'addr add %s/32 dev lo' % OUTSIDE_HOST,
                               'addr add %s dev up0' % o['address'], 'link set up0 up'])
            ip_batch(hns, ['link set %s up' % o['uplink']])
        timings['vms'] = ms(t0)
        # Open vSwitch: one ovsdb-server + ovs-vswitchd per hypervisor, started in parallel
        t0 = time.monotonic()
        with ThreadPoolExecutor(max_workers=min(4, len(hvs))) as pool:
            futures = {hv['name']: pool.submit(start_ovs, hv['namespace'], hv['dir'])
                       for hv in state['hypervisors']}
            timings['ovs_start_per_hv'] = {n: f.result() for n, f in futures.items()}
        timings['ovs_start'] = ms(t0)
        t0 = time.monotonic()
        with ThreadPoolExecutor(max_workers=min(4, len(hvs))) as pool:
            futures = {hv['name']: pool.submit(
                configure_hv, state, hv,
                [v['interface'] for v in state['vms'] if v['hypervisor'] == hv['name']]
                + [o['uplink'] for o in state['outsides'] if o['node'] == hv['name'] and not o.get('vlan')],
                [o for o in state['outsides'] if o['node'] == hv['name'] and o.get('vlan')])
                for hv in state['hypervisors']}
            timings['bridges_per_hv'] = {n: f.result() for n, f in futures.items()}
        timings['bridges'] = ms(t0)
        # underlay check: every hypervisor reaches every other's tunnel IP (this also fills
        # OVS's tunnel neighbour cache, so the first VXLAN packets are not lost to ARP)
        t0 = time.monotonic()
        check_underlay(state)
        timings['underlay_check'] = ms(t0)
        if state['owner'] or state['max_lifetime_s']:
            state['watchdog'] = start_watchdog(prefix)
        state['phase'] = 'up'
        timings['total'] = ms(t_all)
        save_state(state)
    except BaseException as e:
        if not planned:
            raise
        for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(s, signal.SIG_IGN)  # let the teardown finish
        if isinstance(e, (TestbedError, Interrupted, KeyboardInterrupt)):
            log('up failed: %s; tearing down' % (e if str(e) else type(e).__name__))
        else:
            import traceback
            log('up failed: %s; tearing down' % traceback.format_exc())
        try:
            if args.save_logs_on_failure:
                save_logs(prefix, args.save_logs_on_failure)
            teardown(prefix)
        except Exception as e2:
            log('teardown after failed up: %s' % e2)
        raise
    finally:
        lock.release()
    return summary(state)


def check_underlay(state):
    hvs = state['hypervisors']
    if len(hvs) < 2:
        return

    def probe(hv):
        bad = []
        for other in hvs:
            if other is hv:
                continue
            ok = False
            for _ in range(3):  # bounded: 3 tries of at most 1 s each
                try:
                    r = subprocess.run(['ip', 'netns', 'exec', hv['namespace'], 'ping', '-n',
                                        '-q', '-c', '1', '-W', '1', other['tunnel_ip']],
                                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL, timeout=5)
                except subprocess.TimeoutExpired:
                    continue
                if r.returncode == 0:
                    ok = True
                    break
            if not ok:
                bad.append('%s -> %s (%s)' % (hv['name'], other['name'], other['tunnel_ip']))
        return bad

    with ThreadPoolExecutor(max_workers=min(4, len(hvs))) as pool:
        bad = [b for r in pool.map(probe, hvs) for b in r]
    if bad:
        raise TestbedError('underlay check failed: %s unreachable' % ', '.join(bad))


def summary(state):
    return {
        'prefix': state['prefix'], 'phase': state['phase'], 'config': state['config'],
        'controller': state['controller'], 'controller_ip': state['controller_ip'],
        'mgmt_net': state['mgmt_net'], 'mgmt_bridge': state['mgmt_bridge'],
        'underlay_ns': state['underlay_ns'], 'state_dir': state_dir(state['prefix']),
        'hypervisors': [{k: h[k] for k in ('name', 'namespace', 'dpid', 'tunnel_ip', 'mgmt_ip',
                                           'dir')} for h in state['hypervisors']],
        'vms': [{k: v[k] for k in ('name', 'tenant', 'network', 'segment', 'namespace',
                                   'hypervisor', 'interface', 'mac', 'ips')}
                for v in state['vms']],
        'outsides': [{k: o[k] for k in ('name', 'namespace', 'node', 'uplink', 'address')}
                     for o in state.get('outsides', [])],
        'skipped_ports': state.get('skipped_ports', []),
        'timings_ms': state.get('timings_ms', {}),
    }


def print_summary(s, out=sys.stdout):
    w = out.write
    w('testbed %s (%s): controller %s; management network %s on %s (controller address %s)\n'
      % (s['prefix'], s['phase'], s['controller'], s['mgmt_net'], s['mgmt_bridge'],
         s['controller_ip']))
    live = any('daemons' in h for h in s['hypervisors'])
    w('%-10s %-20s %-18s %-12s %-12s%s\n' % ('HYPERVISOR', 'NAMESPACE', 'DPID', 'TUNNEL IP',
                                              'MGMT IP', ' OVS  CONTROLLER' if live else ''))
    for h in s['hypervisors']:
        extra = ''
        if live:
            extra = ' %-4s %s' % ('up' if all(h['daemons'].values()) else 'DOWN',
                                  h['controller_state'])
        w('%-10s %-20s %-18s %-12s %-12s%s\n' % (h['name'], h['namespace'], h['dpid'],
                                                  h['tunnel_ip'], h['mgmt_ip'], extra))
    w('%-14s %-22s %-6s %-15s %-18s %s\n' % ('VM', 'NAMESPACE', 'HV', 'INTERFACE', 'MAC', 'IPS'))
    for v in s['vms']:
        w('%-14s %-22s %-6s %-15s %-18s %s\n' % (v['name'], v['namespace'], v['hypervisor'],
                                                  v['interface'], v['mac'], ' '.join(v['ips'])))
    for o in s.get('outsides', []):
        w('outside %s: namespace %s, %s behind uplink %s of %s (and %s beyond)\n'
          % (o['name'], o['namespace'], o['address'], o['uplink'], o['node'], OUTSIDE_HOST))
    if s.get('skipped_ports'):
        w('ports without binding.interface (no VM): %s\n' % ', '.join(s['skipped_ports']))
    t = s.get('timings_ms') or {}
    if t:
        w('timings (ms): %s\n' % json.dumps(t, sort_keys=True))


# ---------------------------------------------------------------------------------------------
# down / cleanup
# ---------------------------------------------------------------------------------------------

def is_stale(state):
    """A testbed nobody will tear down: its owner died, its lifetime is over, or its `up` was
    killed half-way."""
    if state.get('owner') and not same_process(state['owner']):
        return True
    lt = state.get('max_lifetime_s')
    if lt and time.time() - state.get('created_at', 0) > lt:
        return True
    if state.get('phase') == 'creating' and not same_process(state.get('creator')):
        return True
    return False


def root_links():
    out = run(['ip', '-o', 'link', 'show'], check=False)
    return [m.group(1) for m in re.finditer(r'^\d+:\s+([^:@\s]+)', out, re.M)]


def teardown(prefix, save_logs_dir=None):
    """Remove everything testbed PREFIX created, as listed in its state.  Idempotent; the
    caller holds the prefix lock."""
    t0 = time.monotonic()
    d = state_dir(prefix)
    state = load_state(prefix)
    removed = []
    if state is None:
        if os.path.isdir(d):
            # killed before the plan was written: nothing else was created yet
            shutil.rmtree(d, ignore_errors=True)
            removed.append('state dir ' + d)
        return {'prefix': prefix, 'removed': removed, 'elapsed_ms': ms(t0)}
    if save_logs_dir:
        save_logs(prefix, save_logs_dir)
    namespaces = [v['namespace'] for v in state.get('vms', [])] + \
        [o['namespace'] for o in state.get('outsides', [])] + \
        [h['namespace'] for h in state.get('hypervisors', [])] + [state['underlay_ns']]
    # 1. processes: the watchdog (unless that is us), the OVS daemons (pid files), and anything
    #    else running inside this testbed's namespaces (a ping, a tcpdump) - all by pid
    victims = {}
    wd = state.get('watchdog')
    if wd and wd['pid'] != os.getpid() and same_process(wd):
        victims[wd['pid']] = wd['start']
    for hv in state.get('hypervisors', []):
        for f in ('ovs-vswitchd.pid', 'ovsdb-server.pid'):
            pid = read_pid(os.path.join(hv['dir'], f))
            ident = proc_identity(pid) if pid else None
            if ident and hv['dir'] in ident[1]:
                victims[pid] = ident[0]
    for ns in namespaces:
        for pid in ns_pids(ns):
            ident = proc_identity(pid)
            if ident:
                victims[pid] = ident[0]
    hit = kill_pids(victims)
    if hit:
        removed.append('processes ' + ' '.join(map(str, sorted(hit))))
    # 2. namespaces (their interfaces, veth peers in the root namespace included, go with them)
    for ns in namespaces:
        if ns_exists(ns):
            run(['ip', 'netns', 'del', ns], check=False)
            removed.append('netns ' + ns)
    # 3. root namespace links: the management bridge and any veth end still there
    mine = {state['mgmt_bridge']} | {h['mgmt_link'] for h in state.get('hypervisors', [])}
    for name in root_links():
        if name in mine or name.startswith(prefix + '-'):
            run(['ip', 'link', 'del', name], check=False)
            removed.append('link ' + name)
    # network namespaces die asynchronously: wait (bounded) until their links are gone too
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:
        left = [n for n in root_links() if n in mine or n.startswith(prefix + '-')]
        if not left and not any(ns_exists(ns) for ns in namespaces):
            break
        for name in left:
            run(['ip', 'link', 'del', name], check=False)
        time.sleep(0.05)
    # 4. state
    shutil.rmtree(d, ignore_errors=True)
    removed.append('state dir ' + d)
    return {'prefix': prefix, 'removed': removed, 'elapsed_ms': ms(t0)}


def save_logs(prefix, dest):
    state = load_state(prefix)
    if not state:
        return
    out = os.path.join(dest, 'testbed-' + prefix)
    os.makedirs(out, exist_ok=True)
    for hv in state.get('hypervisors', []):
        for f in ('ovs-vswitchd.log', 'ovsdb-server.log'):
            src = os.path.join(hv['dir'], f)
            if os.path.exists(src):
                shutil.copy(src, os.path.join(out, '%s-%s' % (hv['name'], f)))
    shutil.copy(state_file(prefix), os.path.join(out, 'state.json'))


def all_prefixes():
    if not os.path.isdir(STATE_ROOT):
        return []
    found = set()
    for fn in os.listdir(STATE_ROOT):
        name = fn[:-len('.lock')] if fn.endswith('.lock') else fn
        if PREFIX_RE.match(name):
            found.add(name)
    return sorted(found)


def down_prefix(prefix, save_logs_dir=None, blocking=True):
    lock = prefix_lock(prefix, blocking=blocking)
    try:
        return teardown(prefix, save_logs_dir)
    finally:
        lock.release(unlink=True)


def cleanup_stale(exclude=None):
    """Tear down every testbed whose owner died, whose lifetime is over or whose `up` was
    killed (skips testbeds another operation is working on)."""
    report = []
    for prefix in all_prefixes():
        if prefix == exclude:
            continue
        state = load_state(prefix)
        if state is not None and not is_stale(state):
            continue
        if state is None and os.path.isdir(state_dir(prefix)):
            continue  # an `up` that is still writing its plan, or not ours to judge yet
        try:
            report.append(down_prefix(prefix, blocking=False))
            log('removed stale testbed %s' % prefix)
        except InUse:
            pass  # busy: another operation holds its lock
    return report


def cmd_down(args):
    if args.all:
        prefixes = all_prefixes()
    elif args.stale:
        return {'down': cleanup_stale()}
    else:
        prefixes = [args.prefix]
    return {'down': [down_prefix(p, args.save_logs) for p in prefixes]}


# ---------------------------------------------------------------------------------------------
# watchdog: tears the testbed down when its owner process dies or its lifetime ends
# ---------------------------------------------------------------------------------------------

def start_watchdog(prefix):
    logf = open(os.path.join(state_dir(prefix), 'watchdog.log'), 'a')
    p = subprocess.Popen([sys.executable, os.path.abspath(__file__), '_watchdog', '--prefix',
                          prefix], stdin=subprocess.DEVNULL, stdout=logf, stderr=logf,
                         start_new_session=True, close_fds=True)
    logf.close()
    deadline = time.monotonic() + 2
    rec = None
    while rec is None and time.monotonic() < deadline:
        rec = process_record(p.pid)
    return rec


def cmd_watchdog(args):
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    prefix = args.prefix
    while True:
        time.sleep(0.5)
        state = load_state(prefix)
        if state is None:
            return 0  # torn down by someone else
        if state.get('phase') == 'up' and is_stale(state):
            log('owner gone or lifetime over: tearing down testbed %s' % prefix)
            try:
                down_prefix(prefix)
            except Exception as e:
                log('watchdog teardown failed: %s' % e)
            return 0


# ---------------------------------------------------------------------------------------------
# migrate, garp, exec, status
# ---------------------------------------------------------------------------------------------

def require_state(prefix):
    state = load_state(prefix)
    if state is None:
        raise TestbedError('no testbed %s is up (testbed.py up ... --prefix %s)'
                           % (prefix, prefix))
    if state.get('phase') != 'up':
        raise TestbedError('testbed %s is not fully up (phase %s)' % (prefix, state.get('phase')))
    return state


def find_vm(state, name):
    for v in state['vms']:
        if name in (v['name'], v['interface'], v['namespace']):
            return v
    raise TestbedError('no VM %s (VMs: %s)' % (name, ', '.join(v['name'] for v in state['vms'])))


def find_hv(state, name):
    for h in state['hypervisors']:
        if name in (h['name'], h['namespace']):
            return h
    raise TestbedError('no hypervisor %s (hypervisors: %s)'
                       % (name, ', '.join(h['name'] for h in state['hypervisors'])))


def garp(vm):
    cmd, ip, flavour = garp_command(vm['namespace'], vm)
    t0 = time.monotonic()
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, universal_newlines=True, timeout=5)
    except subprocess.TimeoutExpired:
        raise TestbedError('%s did not finish within 5 s' % ' '.join(cmd))
    # Habets' arping exits 1 when nothing answered, which is normal for a gratuitous ARP
    if p.returncode not in (0, 1):
        raise TestbedError('%s exited with %d: %s' % (' '.join(cmd), p.returncode,
                                                       p.stdout.strip()))
    return {'vm': vm['name'], 'ip': ip, 'arping': flavour, 'command': ' '.join(cmd),
            'elapsed_ms': ms(t0)}


def cmd_garp(args):
    state = require_state(args.prefix)
    return garp(find_vm(state, args.vm))


def cmd_migrate(args):
    lock = prefix_lock(args.prefix)
    try:
        state = require_state(args.prefix)
        vm = find_vm(state, args.vm)
        src = find_hv(state, vm['hypervisor'])
        dst = find_hv(state, args.hv)
        if src is dst:
            raise TestbedError('%s is already on %s' % (vm['name'], dst['name']))
        iface = vm['interface']
        steps = []
        t_all = time.monotonic()

        def step(what, fn):
            t0 = time.monotonic()
            fn()
            steps.append({'step': what, 'ms': ms(t0)})

        epoch_start = time.time()
        step('del-port %s from %s br-int' % (iface, src['name']),
             lambda: vsctl(src['dir'], 'del-port', 'br-int', iface))
        step('move %s to %s' % (iface, dst['namespace']),
             lambda: run(['ip', '-n', src['namespace'], 'link', 'set', iface, 'netns',
                          dst['namespace']]))
        step('link up', lambda: run(['ip', '-n', dst['namespace'], 'link', 'set', iface, 'up']))
        step('add-port %s to %s br-int' % (iface, dst['name']),
             lambda: vsctl(dst['dir'], 'add-port', 'br-int', iface, *iface_id_args(state, iface)))
        epoch_moved = time.time()  # the port is back on a bridge (add-port waits for vswitchd)
        vm['hypervisor'] = dst['name']
        save_state(state)
        moved_ms = ms(t_all)
        g = None
        if not args.no_garp:
            t0 = time.monotonic()
            g = garp(vm)
            steps.append({'step': 'gratuitous ARP (%s)' % g['command'], 'ms': ms(t0)})
        return {'vm': vm['name'], 'interface': iface, 'from': src['name'], 'to': dst['name'],
                'steps': steps, 'moved_ms': moved_ms, 'total_ms': ms(t_all),
                'garp': g, 'epoch_start': epoch_start, 'epoch_moved': epoch_moved,
                'epoch_end': time.time()}
    finally:
        lock.release()


def cmd_dhcp(args):
    """dhclient in the VM, once, with the testbed's script (which applies address, mask, MTU and
    default route and records them); its lease and pid files live in the state directory, and
    it stays in the VM's namespace to renew (ended by `down`)."""
    state = require_state(args.prefix)
    vm = find_vm(state, args.vm)
    d = state_dir(args.prefix)
    base = os.path.join(d, 'dhcp-%s' % vm['name'])
    conf = base + '.conf'
    with open(conf, 'w') as f:
        f.write('timeout %d;\nretry 5;\nrequest subnet-mask, broadcast-address, routers, '
                'domain-name-servers, domain-name, interface-mtu;\n' % DHCP_TIMEOUT)
    for old in (base + '.env', base + '.leases'):
        if os.path.exists(old):
            os.unlink(old)
    pidfile = base + '.pid'
    pid = read_pid(pidfile)
    if pid and proc_identity(pid) and 'dhclient' in proc_identity(pid)[1]:
        kill_pids({pid: proc_identity(pid)[0]})
    t0 = time.monotonic()
    cmd = ['ip', 'netns', 'exec', vm['namespace'], 'dhclient', '-1', '-v', '-cf', conf,
           '-lf', base + '.leases', '-pf', pidfile, '-sf', DHCP_SCRIPT,
           '-e', 'WEFT_DHCP_RECORD=%s' % (base + '.env'), 'eth0']
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, universal_newlines=True,
                           timeout=DHCP_TIMEOUT + 10)
    except subprocess.TimeoutExpired:
        raise TestbedError('dhclient in %s did not finish within %d s' % (vm['name'], DHCP_TIMEOUT + 10))
    elapsed = ms(t0)
    if p.returncode != 0 or not os.path.exists(base + '.env'):
        raise TestbedError('dhclient in %s got no lease (exit %d): %s'
                           % (vm['name'], p.returncode, p.stdout.strip()[-2000:]))
    got = {}
    with open(base + '.env') as f:
        for line in f:
            k, _, v = line.rstrip('\n').partition('=')
            got[k] = v
    return {'vm': vm['name'], 'lease': got, 'elapsed_ms': elapsed,
            'addresses': run(['ip', '-n', vm['namespace'], '-4', '-o', 'addr', 'show', 'dev', 'eth0']),
            'routes': run(['ip', '-n', vm['namespace'], '-4', 'route', 'show']),
            'mtu': int(re.search(r'mtu (\d+)', run(['ip', '-n', vm['namespace'], 'link', 'show',
                                                     'eth0'])).group(1)),
            'log': p.stdout.strip().splitlines()[-12:]}


def cmd_controller(args):
    """Point every hypervisor's br-int at TARGET now.  The old controller entry is removed
    first, in its own transaction, so that Open vSwitch opens a new connection immediately
    instead of waiting out its reconnection backoff (up to 8 s: the Controller's max_backoff
    does not shorten it in Open vSwitch 3.1)."""
    lock = prefix_lock(args.prefix)
    try:
        state = require_state(args.prefix)
        target = resolve_controller(args.target, state['controller_ip'])
        hvs = [find_hv(state, h) for h in args.hv] if args.hv else state['hypervisors']
        t0 = time.monotonic()

        def apply(hv):
            vsctl(hv['dir'], 'del-controller', 'br-int')
            if target != 'none':
                vsctl(hv['dir'], *controller_args(target)[1:])

        with ThreadPoolExecutor(max_workers=min(4, len(hvs))) as pool:
            list(pool.map(apply, hvs))
        if not args.hv:
            state['controller'] = target
            save_state(state)
        return {'controller': target, 'hypervisors': [h['name'] for h in hvs],
                'elapsed_ms': ms(t0)}
    finally:
        lock.release()


def cmd_exec(args):
    state = require_state(args.prefix)
    if not args.cmd:
        raise TestbedError('exec: no command given')
    env = dict(os.environ)
    names = [v['name'] for v in state['vms']] + [h['name'] for h in state['hypervisors']]
    outsides = {o['name']: o['namespace'] for o in state.get('outsides', [])}
    names += list(outsides)
    try:
        ns = find_vm(state, args.name)['namespace']
    except TestbedError:
        if args.name in outsides:
            ns = outsides[args.name]
        elif args.name not in [h['name'] for h in state['hypervisors']]:
            raise TestbedError('no VM, hypervisor or outside %s (%s)' % (args.name, ', '.join(names)))
        else:
            hv = find_hv(state, args.name)
            ns = hv['namespace']
            env = ovs_env(hv['dir'])  # ovs-vsctl/ovs-ofctl/ovs-appctl reach this hypervisor's OVS
    sys.stdout.flush()
    os.execvpe('ip', ['ip', 'netns', 'exec', ns] + args.cmd, env)


def cmd_status(args):
    state = load_state(args.prefix)
    if state is None:
        return {'prefix': args.prefix, 'up': False}
    s = summary(state)
    for h, hs in zip(state['hypervisors'], s['hypervisors']):
        alive = {}
        for f in ('ovsdb-server', 'ovs-vswitchd'):
            pid = read_pid(os.path.join(h['dir'], f + '.pid'))
            ident = proc_identity(pid) if pid else None
            alive[f] = bool(ident and h['dir'] in ident[1])
        hs['daemons'] = alive
        hs['ports'] = ports_of(h['dir']) if alive['ovsdb-server'] else []
        rc = rconn_states(h['dir'])
        target = 'br-int<->%s' % state['controller']
        if state.get('bridge') == 'weft' and alive['ovsdb-server']:
            # Weft set the target (ovsdb: controller-targets): read it from the bridge.
            got = run(['ovs-vsctl', '--db=unix:%s/db.sock' % h['dir'], '--timeout=5', 'get-controller',
                       'br-int'], check=False, env=ovs_env(h['dir'])).split()
            target = 'br-int<->%s' % (got[0] if got else state['controller'])
        hs['controller_state'] = rc.get(target, 'unknown')
        hs['connected'] = hs['controller_state'] == 'connected'
    s['up'] = True
    return s


# ---------------------------------------------------------------------------------------------

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest='command', required=True,
                           metavar='{up,down,migrate,garp,controller,exec,status}')

    def common(sp, json_flag=True):
        sp.add_argument('--prefix', default=DEFAULT_PREFIX,
                        help='names of namespaces, links and the state dir: [a-z][a-z0-9]{1,5} '
                        '(default %s)' % DEFAULT_PREFIX)
        if json_flag:
            sp.add_argument('--json', action='store_true', help='print JSON on stdout')

    up = sub.add_parser('up', help='build the testbed described by CONFIG')
    up.add_argument('config')
    up.add_argument('--controller', required=True,
                    help='tcp:IP:PORT; tcp:mgmt:PORT for the management address; or none')
    up.add_argument('--dhcp', action='append', metavar='VM',
                    help='leave this VM without address and route (for `dhcp VM`); repeatable')
    up.add_argument('--place', action='append', metavar='PORT=HV',
                    help='put VM PORT (logical port or interface name) on hypervisor HV')
    up.add_argument('--mgmt-net', help='management network (default: first free /24 in '
                    '10.78.0.0/16); the controller address is its last host address')
    up.add_argument('--owner-pid', type=int, help='tear down when this process exits')
    up.add_argument('--max-lifetime', type=int, help='tear down after this many seconds')
    up.add_argument('--save-logs-on-failure', metavar='DIR')
    up.add_argument('--bridge', choices=('testbed', 'weft'), default='testbed',
                    help='who builds br-int: the testbed (default), or Weft through each '
                    'hypervisor\'s OVSDB (ptcp:6640 on its management address; then `plug`)')
    common(up)
    pl = sub.add_parser('plug', help='--bridge weft: wait for Weft\'s br-int, plug the VMs in')
    pl.add_argument('--timeout', type=int, default=60, help='seconds to wait for br-int (60)')
    common(pl)
    down = sub.add_parser('down', help='tear a testbed down (idempotent)')
    common(down)
    down.add_argument('--all', action='store_true', help='every testbed of this machine')
    down.add_argument('--stale', action='store_true',
                      help='testbeds whose owner died, lifetime ended or up was killed')
    down.add_argument('--save-logs', metavar='DIR', help='copy OVS logs and state here first')
    mig = sub.add_parser('migrate', help='move a VM to another hypervisor')
    mig.add_argument('vm')
    mig.add_argument('hv')
    mig.add_argument('--no-garp', action='store_true', help='do not send the gratuitous ARP')
    common(mig)
    ga = sub.add_parser('garp', help='gratuitous ARP from a VM')
    ga.add_argument('vm')
    common(ga)
    dh = sub.add_parser('dhcp', help='dhclient in a VM: address, mask, MTU, default route')
    dh.add_argument('vm')
    common(dh)
    co = sub.add_parser('controller', help='(re)connect br-int to a controller now')
    co.add_argument('target', help='tcp:IP:PORT, tcp:mgmt:PORT or none')
    co.add_argument('--hv', action='append', help='only this hypervisor (repeatable)')
    common(co)
    ex = sub.add_parser('exec', help='run a command in a VM or hypervisor namespace')
    ex.add_argument('name')
    ex.add_argument('cmd', nargs=argparse.REMAINDER)
    common(ex, json_flag=False)
    st = sub.add_parser('status', help='what is up')
    common(st)
    wd = sub.add_parser('_watchdog')
    wd.add_argument('--prefix', required=True)
    args = p.parse_args(argv)

    if not PREFIX_RE.match(args.prefix):
        p.error('bad --prefix %r: want [a-z][a-z0-9]{1,5}' % args.prefix)
    if os.getuid() != 0:
        sys.stderr.write('testbed.py: must run as root\n')
        return 2

    def on_signal(signum, _frame):
        raise Interrupted('signal %d' % signum)

    if args.command in ('up', 'migrate'):
        for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(s, on_signal)
    try:
        if args.command == 'up':
            result = cmd_up(args)
        elif args.command == 'down':
            result = cmd_down(args)
        elif args.command == 'migrate':
            result = cmd_migrate(args)
        elif args.command == 'garp':
            result = cmd_garp(args)
        elif args.command == 'dhcp':
            result = cmd_dhcp(args)
        elif args.command == 'controller':
            result = cmd_controller(args)
        elif args.command == 'plug':
            result = cmd_plug(args)
        elif args.command == 'exec':
            return cmd_exec(args)
        elif args.command == 'status':
            result = cmd_status(args)
        elif args.command == '_watchdog':
            return cmd_watchdog(args)
    except TestbedError as e:
        sys.stderr.write('testbed.py %s: %s\n' % (args.command, e))
        return 3 if isinstance(e, InUse) else 1
    except Interrupted as e:
        sys.stderr.write('testbed.py %s: interrupted (%s)\n' % (args.command, e))
        return 130
    if getattr(args, 'json', False):
        sys.stdout.write(json.dumps(result, sort_keys=True) + '\n')
    elif args.command == 'up' or (args.command == 'status' and result.get('up')):
        print_summary(result)
    elif args.command == 'migrate':
        for s in result['steps']:
            sys.stdout.write('%8.1f ms  %s\n' % (s['ms'], s['step']))
        sys.stdout.write('%s moved %s -> %s: port moved in %.1f ms, %.1f ms with the '
                         'gratuitous ARP\n' % (result['vm'], result['from'], result['to'],
                                               result['moved_ms'], result['total_ms']))
    else:
        sys.stdout.write(json.dumps(result, indent=2, sort_keys=True) + '\n')
    return 0


if __name__ == '__main__':
    sys.exit(main())
