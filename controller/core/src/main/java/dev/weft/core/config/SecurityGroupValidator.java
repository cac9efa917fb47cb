package dev.weft.core.config;

import dev.weft.api.tenant.PortPolicy;
import dev.weft.api.tenant.RateLimit;
import dev.weft.api.tenant.SecurityGroup;
import dev.weft.api.tenant.SecurityRule;
import org.projectfloodlight.openflow.types.IPv4AddressWithMask;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A tenant's {@code security-groups} and what its ports say about policy ({@code security-groups},
 * {@code rate-limit}), each problem with where it is and a sentence. Group names are unique within
 * the tenant; a rule's remote group and a port's groups must be groups of the same tenant.
 */
final class SecurityGroupValidator {
    private final ConfigPlaces at;
    private final String tenant;
    private final Map<String, SecurityGroup> groups = new LinkedHashMap<>();

    SecurityGroupValidator(ConfigPlaces at, String tenant) {
        this.at = at;
        this.tenant = tenant;
    }

    /** Reads the tenant's groups (under {@code tat}); call before its ports. */
    List<SecurityGroup> groups(List<TenantDocs.SecurityGroup> docs, String tat) {
        if (docs == null) {
            return List.of();
        }
        Map<String, String> names = new LinkedHashMap<>();
        for (int g = 0; g < docs.size(); g++) {
            TenantDocs.SecurityGroup d = docs.get(g);
            String gat = tat + "/security-groups/" + g;
            if (d == null) {
                throw at.error(gat, "empty entry");
            }
            String name = at.name(at.required(d.name(), gat, "name"), gat + "/name", "security group");
            if (names.putIfAbsent(name, gat) != null) {
                throw at.clash(gat + "/name", "tenant '" + tenant + "' has two security groups named '" + name + "'");
            }
        }
        for (int g = 0; g < docs.size(); g++) {
            TenantDocs.SecurityGroup d = docs.get(g);
            String gat = tat + "/security-groups/" + g;
            List<SecurityRule> rules = new ArrayList<>();
            List<TenantDocs.Rule> ruleDocs = d.rules() == null ? List.of() : d.rules();
            for (int r = 0; r < ruleDocs.size(); r++) {
                rules.add(rule(ruleDocs.get(r), gat + "/rules/" + r, names.keySet()));
            }
            SecurityGroup sg = new SecurityGroup(tenant, d.name().trim(), rules);
            groups.put(sg.name(), sg);
        }
        return List.copyOf(groups.values());
    }

    private SecurityRule rule(TenantDocs.Rule d, String rat, Set<String> names) {
        if (d == null) {
            throw at.error(rat, "empty entry");
        }
        String dir = at.required(d.direction(), rat, "direction").toLowerCase(Locale.ROOT);
        SecurityRule.Direction direction = switch (dir) {
            case "ingress" -> SecurityRule.Direction.INGRESS;
            case "egress" -> SecurityRule.Direction.EGRESS;
            default -> throw at.error(rat + "/direction", "'" + d.direction() + "' is not a direction (ingress or egress)");
        };
        String proto = d.protocol() == null ? "any" : d.protocol().trim().toLowerCase(Locale.ROOT);
        SecurityRule.Protocol protocol = switch (proto) {
            case "any" -> SecurityRule.Protocol.ANY;
            case "tcp" -> SecurityRule.Protocol.TCP;
            case "udp" -> SecurityRule.Protocol.UDP;
            case "icmp" -> SecurityRule.Protocol.ICMP;
            default -> throw at.error(rat + "/protocol", "'" + d.protocol() + "' is not a protocol (tcp, udp, icmp or any)");
        };
        int min = 0;
        int max = 0;
        if (d.ports() != null) {
            if (protocol != SecurityRule.Protocol.TCP && protocol != SecurityRule.Protocol.UDP) {
                throw at.error(rat + "/ports", "ports apply to tcp and udp rules only (this rule is " + proto + ")");
            }
            int[] range = ports(d.ports(), rat + "/ports");
            min = range[0];
            max = range[1];
        }
        int icmpType = -1;
        if (d.icmpType() != null) {
            if (protocol != SecurityRule.Protocol.ICMP) {
                throw at.error(rat + "/icmp-type", "icmp-type applies to icmp rules only (this rule is " + proto + ")");
            }
            if (d.icmpType() < 0 || d.icmpType() > 255) {
                throw at.error(rat + "/icmp-type", "ICMP type " + d.icmpType() + " is out of range 0..255");
            }
            icmpType = d.icmpType();
        }
        if (d.remoteCidr() != null && d.remoteGroup() != null) {
            throw at.error(rat, "give remote-cidr or remote-group, not both");
        }
        Optional<IPv4AddressWithMask> cidr = Optional.empty();
        if (d.remoteCidr() != null) {
            cidr = Optional.of(at.subnet(d.remoteCidr(), rat + "/remote-cidr"));
        }
        Optional<String> remote = Optional.empty();
        if (d.remoteGroup() != null) {
            String g = d.remoteGroup().trim();
            if (!names.contains(g)) {
                throw at.error(rat + "/remote-group", "tenant '" + tenant + "' has no security group '" + g + "'"
                        + (names.isEmpty() ? "" : " (its groups: " + String.join(", ", names) + ")"));
            }
            remote = Optional.of(g);
        }
        return new SecurityRule(direction, protocol, min, max, icmpType, cidr, remote);
    }

    private int[] ports(String text, String pat) {
        String s = text.trim();
        try {
            int dash = s.indexOf('-');
            int min = Integer.parseInt(dash < 0 ? s : s.substring(0, dash).trim());
            int max = dash < 0 ? min : Integer.parseInt(s.substring(dash + 1).trim());
            if (min < 1 || max > 65535 || min > max) {
                throw at.error(pat, "port range " + s + " is not within 1..65535 (low-high)");
            }
            return new int[] {min, max};
        } catch (NumberFormatException e) {
            throw at.error(pat, "'" + text + "' is not a port or a port range such as 8000-8080");
        }
    }

    /** A port's policy, its groups checked against the tenant's. */
    PortPolicy policy(TenantDocs.Port pd, String pat) {
        List<String> names = new ArrayList<>();
        List<String> docs = pd.securityGroups() == null ? List.of() : pd.securityGroups();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < docs.size(); i++) {
            String gat = pat + "/security-groups/" + i;
            String g = at.required(docs.get(i), gat, "a security group name");
            if (!groups.containsKey(g)) {
                throw at.error(gat, "tenant '" + tenant + "' has no security group '" + g + "'"
                        + (groups.isEmpty() ? "" : " (its groups: " + String.join(", ", groups.keySet()) + ")"));
            }
            if (!seen.add(g)) {
                throw at.clash(gat, "security group '" + g + "' is listed twice");
            }
            names.add(g);
        }
        RateLimit limit = RateLimit.NONE;
        TenantDocs.RateLimit rl = pd.rateLimit();
        if (rl != null) {
            String lat = pat + "/rate-limit";
            long kbps = positive(rl.kbps(), lat + "/kbps", "kbps");
            long burst = positive(rl.burstKb(), lat + "/burst-kb", "burst-kb");
            long pps = positive(rl.broadcastPps(), lat + "/broadcast-pps", "broadcast-pps");
            if (burst > 0 && kbps == 0) {
                throw at.error(lat + "/burst-kb", "burst-kb needs kbps (the burst of what rate?)");
            }
            if (kbps == 0 && pps == 0) {
                throw at.error(lat, "a rate limit needs kbps or broadcast-pps (or both)");
            }
            limit = new RateLimit(kbps, burst, pps);
        }
        return new PortPolicy(names, limit);
    }

    private long positive(Long v, String pointer, String what) {
        if (v == null) {
            return 0;
        }
        if (v < 1 || v > 0xffffffffL) {
            throw at.error(pointer, what + " " + v + " is out of range 1..4294967295");
        }
        return v;
    }
}
