package dev.weft.sim.net;

import org.projectfloodlight.openflow.types.OFPort;

/** A cable between two switch ports. {@code up} is changed on the sim-loop only. */
public final class Link {
    private final SimSwitch a;
    private final OFPort portA;
    private final SimSwitch b;
    private final OFPort portB;
    private volatile boolean up = true;

    Link(SimSwitch a, OFPort portA, SimSwitch b, OFPort portB) {
        this.a = a;
        this.portA = portA;
        this.b = b;
        this.portB = portB;
    }

    public String switchA() {
        return a.name();
    }

    public OFPort portA() {
        return portA;
    }

    public String switchB() {
        return b.name();
    }

    public OFPort portB() {
        return portB;
    }

    public boolean isUp() {
        return up;
    }

    void setUp(boolean up) {
        this.up = up;
    }

    SimSwitch a() {
        return a;
    }

    SimSwitch b() {
        return b;
    }

    boolean joins(String x, String y) {
        return (a.name().equals(x) && b.name().equals(y)) || (a.name().equals(y) && b.name().equals(x));
    }

    @Override
    public String toString() {
        return a.name() + ":" + portA + " <-> " + b.name() + ":" + portB + (up ? "" : " (down)");
    }
}
