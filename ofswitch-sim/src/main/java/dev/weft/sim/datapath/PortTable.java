package dev.weft.sim.datapath;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import org.projectfloodlight.openflow.protocol.OFErrorType;
import org.projectfloodlight.openflow.protocol.OFPortConfig;
import org.projectfloodlight.openflow.protocol.OFPortDesc;
import org.projectfloodlight.openflow.protocol.OFPortFeatures;
import org.projectfloodlight.openflow.protocol.OFPortMod;
import org.projectfloodlight.openflow.protocol.OFPortModFailedCode;
import org.projectfloodlight.openflow.protocol.OFPortReason;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

/**
 * A switch's ports: adding, removing, link state and PORT_MOD, each change announced to the
 * controller with PORT_STATUS, and the port descriptions for FEATURES_REPLY and PORT_DESC in the
 * negotiated version. Same thread as its {@link Datapath}.
 */
final class PortTable {
    private final Datapath dp;
    private final TreeMap<Integer, SimPort> ports = new TreeMap<>();

    PortTable(Datapath dp) {
        this.dp = dp;
    }

    SimPort get(OFPort number) {
        return ports.get(number.getPortNumber());
    }

    SimPort get(int number) {
        return ports.get(number);
    }

    SimPort named(String name) {
        for (SimPort p : ports.values()) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        return null;
    }

    Collection<SimPort> all() {
        return List.copyOf(ports.values());
    }

    SimPort add(OFPort number, String name, MacAddress hwAddr) {
        if (ports.containsKey(number.getPortNumber())) {
            throw new IllegalArgumentException(dp.dpid() + ": port " + number + " already exists");
        }
        if (named(name) != null) {
            throw new IllegalArgumentException(dp.dpid() + ": a port named " + name + " already exists");
        }
        SimPort p = new SimPort(number, name, hwAddr, dp.now());
        ports.put(number.getPortNumber(), p);
        portStatus(p, OFPortReason.ADD);
        return p;
    }

    SimPort remove(OFPort number) {
        SimPort p = ports.remove(number.getPortNumber());
        if (p != null) {
            portStatus(p, OFPortReason.DELETE);
        }
        return p;
    }

    void setLinkDown(OFPort number, boolean down) {
        SimPort p = ports.get(number.getPortNumber());
        if (p != null && p.linkDown() != down) {
            p.setLinkDown(down);
            portStatus(p, OFPortReason.MODIFY);
        }
    }

    OFPort nextFree() {
        int n = 1;
        while (ports.containsKey(n)) {
            n++;
        }
        return OFPort.of(n);
    }

    /** PORT_MOD: changes the masked config bits; a change is announced with PORT_STATUS MODIFY. */
    void portMod(OFPortMod pm) throws OfErrorException {
        SimPort p = get(pm.getPortNo());
        if (p == null) {
            throw new OfErrorException(OFErrorType.PORT_MOD_FAILED, OFPortModFailedCode.BAD_PORT,
                    "port " + pm.getPortNo() + " does not exist");
        }
        if (!p.hwAddr().equals(pm.getHwAddr())) {
            throw new OfErrorException(OFErrorType.PORT_MOD_FAILED, OFPortModFailedCode.BAD_HW_ADDR,
                    "hw_addr " + pm.getHwAddr() + " is not port " + p.number() + "'s " + p.hwAddr());
        }
        Set<OFPortConfig> next = EnumSet.noneOf(OFPortConfig.class);
        next.addAll(p.config());
        next.removeAll(pm.getMask());
        for (OFPortConfig c : pm.getConfig()) {
            if (pm.getMask().contains(c)) {
                next.add(c);
            }
        }
        if (!next.equals(p.config())) {
            p.setConfig(next);
            portStatus(p, OFPortReason.MODIFY);
        }
    }

    private void portStatus(SimPort p, OFPortReason reason) {
        if (dp.env().controllerConnected()) {
            dp.env().toController(dp.factory().buildPortStatus().setXid(0).setReason(reason).setDesc(desc(p)).build());
        }
    }

    private OFPortDesc desc(SimPort p) {
        OFPortDesc.Builder b = dp.factory().buildPortDesc().setPortNo(p.number()).setHwAddr(p.hwAddr())
                .setName(p.name()).setConfig(p.config()).setState(p.state());
        if (dp.version().compareTo(OFVersion.OF_14) < 0) {
            Set<OFPortFeatures> feats = EnumSet.of(OFPortFeatures.PF_10GB_FD, OFPortFeatures.PF_COPPER);
            b.setCurr(feats).setSupported(feats).setAdvertised(EnumSet.noneOf(OFPortFeatures.class))
                    .setPeer(EnumSet.noneOf(OFPortFeatures.class));
            if (!dp.is10()) {
                b.setCurrSpeed(10_000_000L).setMaxSpeed(10_000_000L);
            }
        }
        return b.build();
    }

    List<OFPortDesc> descs() {
        List<OFPortDesc> l = new ArrayList<>();
        for (SimPort p : ports.values()) {
            l.add(desc(p));
        }
        return l;
    }
}
