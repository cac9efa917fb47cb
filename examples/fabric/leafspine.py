"""Mininet custom topology: the leaf-spine of Weft's fabric example (examples/fabric/leaf-spine.yaml).

Two spines (s1, s2: datapath ids 0x101, 0x102) and four leaves (l1..l4: 1..4); leaf port 1 goes to
s1, port 2 to s2; spine port N to leaf N. Leaf l3 speaks OpenFlow 1.0 only; leaf l4 takes entries
in one table only (tables=1: mn-driver.py sets flow_limit=0 on the others; with plain `mn` run
the ovs-vsctl lines of the README's fabric section in the CLI). Physical servers of three tenants on
leaf ports 3 and 4, acme and globex with the very same MAC and IP addresses:

    sudo mn --custom examples/fabric/leafspine.py --topo leafspine \\
        --switch ovs,datapath=user,protocols=OpenFlow13 --controller remote,ip=127.0.0.1,port=6653
"""

from mininet.topo import Topo

# name, leaf, leaf port, MAC, address
SERVERS = [
    ('a1', 1, 3, '02:00:0a:00:01:0b', '10.0.1.11/24'),
    ('a2', 2, 3, '02:00:0a:00:01:0c', '10.0.1.12/24'),
    ('a3', 4, 3, '02:00:0a:00:01:0d', '10.0.1.13/24'),
    ('g1', 1, 4, '02:00:0a:00:01:0b', '10.0.1.11/24'),
    ('g2', 3, 3, '02:00:0a:00:01:0c', '10.0.1.12/24'),
    ('g3', 4, 4, '02:00:0a:00:01:0d', '10.0.1.13/24'),
    ('i1', 2, 4, '02:00:0a:00:09:01', '10.0.9.1/24'),
    ('i2', 3, 4, '02:00:0a:00:09:02', '10.0.9.2/24'),
]


class LeafSpine(Topo):
    def build(self, spines=2, leaves=4):
        for s in range(1, spines + 1):
            self.addSwitch('s%d' % s, dpid='%x' % (0x100 + s))
        for leaf in range(1, leaves + 1):
            opts = {'dpid': '%x' % leaf}
            if leaf == 3:
                opts['protocols'] = 'OpenFlow10'
            if leaf == 4:
                opts['tables'] = 1
            self.addSwitch('l%d' % leaf, **opts)
            for s in range(1, spines + 1):
                self.addLink('l%d' % leaf, 's%d' % s, port1=s, port2=leaf)
        for name, leaf, port, mac, ip in SERVERS:
            self.addHost(name, mac=mac, ip=ip)
            self.addLink(name, 'l%d' % leaf, port2=port)


topos = {'leafspine': LeafSpine}
