package dev.weft.api.tenant;

import org.projectfloodlight.openflow.types.IPv4AddressWithMask;

import java.util.Objects;
import java.util.Optional;

/**
 * One rule of a {@link SecurityGroup}, as operators know them from OpenStack and AWS: traffic in
 * one direction (to the port: ingress; from it: egress), of one protocol, to a port range (TCP,
 * UDP) or of one ICMP type, from or to a remote: a CIDR, or the addresses of the ports that are
 * members of a group of the same tenant. A rule allows; nothing denies explicitly. Replies of an
 * allowed connection always pass (the groups are stateful).
 *
 * @param portMin  first destination port (TCP, UDP), 0 with {@code portMax} 0 for any
 * @param icmpType the ICMP type (ICMP only), or -1 for any
 * @param remoteCidr  the remote addresses (with neither remote given: any address)
 * @param remoteGroup a group of the same tenant whose members' addresses are the remote
 */
public record SecurityRule(Direction direction, Protocol protocol, int portMin, int portMax, int icmpType,
                           Optional<IPv4AddressWithMask> remoteCidr, Optional<String> remoteGroup) {
    public enum Direction { INGRESS, EGRESS }

    public enum Protocol {
        ANY(0), TCP(6), UDP(17), ICMP(1);

        /** The IP protocol number (0 for any). */
        public final int number;

        Protocol(int number) {
            this.number = number;
        }
    }

    public SecurityRule {
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(remoteCidr, "remoteCidr");
        Objects.requireNonNull(remoteGroup, "remoteGroup");
        if (remoteCidr.isPresent() && remoteGroup.isPresent()) {
            throw new IllegalArgumentException("a rule has a remote CIDR or a remote group, not both");
        }
        if (portMin < 0 || portMax > 0xffff || portMin > portMax) {
            throw new IllegalArgumentException("port range " + portMin + "-" + portMax);
        }
        if (hasPorts(portMin, portMax) && protocol != Protocol.TCP && protocol != Protocol.UDP) {
            throw new IllegalArgumentException("ports apply to tcp and udp only");
        }
        if (icmpType < -1 || icmpType > 255 || (icmpType >= 0 && protocol != Protocol.ICMP)) {
            throw new IllegalArgumentException("icmp type " + icmpType);
        }
    }

    private static boolean hasPorts(int min, int max) {
        return !(min == 0 && max == 0) && !(min <= 1 && max == 0xffff);
    }

    /** True when the rule names destination ports (not: any port). */
    public boolean hasPorts() {
        return hasPorts(portMin, portMax);
    }

    /** A rule allowing everything in one direction from any address. */
    public static SecurityRule any(Direction d) {
        return new SecurityRule(d, Protocol.ANY, 0, 0, -1, Optional.empty(), Optional.empty());
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(direction.name().toLowerCase()).append(' ')
                .append(protocol.name().toLowerCase());
        if (hasPorts()) {
            s.append(' ').append(portMin == portMax ? String.valueOf(portMin) : portMin + "-" + portMax);
        }
        if (icmpType >= 0) {
            s.append(" type ").append(icmpType);
        }
        remoteCidr.ifPresent(c -> s.append(direction == Direction.INGRESS ? " from " : " to ").append(c));
        remoteGroup.ifPresent(g -> s.append(direction == Direction.INGRESS ? " from group " : " to group ").append(g));
        return s.toString();
    }
}
