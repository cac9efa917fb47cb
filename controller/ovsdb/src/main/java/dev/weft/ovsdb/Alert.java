package dev.weft.ovsdb;

import java.util.Objects;

/**
 * Something wrong in a hypervisor's configuration: which node, what kind, about what, and a
 * sentence for the operator. Two alerts are the same alert when node, kind and subject are equal
 * (the message may say more as things change).
 *
 * @param node    the transport node's name
 * @param kind    one of the kinds below ({@code in-band-control}, ...)
 * @param subject what it is about (a bridge, a port, an interface), so one kind can be raised several times
 * @param message what is wrong, and what Weft does about it
 * @param repairs whether Weft repairs it itself (it owns the setting)
 */
public record Alert(String node, String kind, String subject, String message, boolean repairs) {
    public static final String OVSDB_UNREACHABLE = "ovsdb-unreachable";
    public static final String NOT_INITIALISED = "ovsdb-not-initialised";
    public static final String BRIDGE_MISSING = "bridge-missing";
    public static final String IN_BAND = "in-band-control";
    public static final String FAIL_MODE = "fail-mode";
    public static final String CONTROLLER = "controller-target";
    public static final String PROTOCOLS = "protocols";
    public static final String DATAPATH_ID = "datapath-id";
    public static final String TUNNEL_PORT = "tunnel-port";
    public static final String UNDERLAY_MTU = "underlay-mtu";
    public static final String UNKNOWN_IFACE_ID = "unknown-iface-id";
    public static final String TUNNEL_IP_CLAIMED = "tunnel-ip-claimed";
    public static final String TUNNEL_IP_MISMATCH = "tunnel-ip-mismatch";
    public static final String TUNNEL_ABSENT = "tunnel-port-absent";
    public static final String TRANSACTION_FAILED = "ovsdb-transaction-failed";

    public Alert {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(message, "message");
    }

    /** The identity: node, kind, subject. */
    public String key() {
        return node + "/" + kind + "/" + subject;
    }
}
