package dev.weft.apps.fabric;

import java.util.List;

/**
 * The site of the fabric specs: two spines and four leaves (leaf port 1 to spine 1, port 2 to
 * spine 2; spine port N to leaf N), physical servers of three tenants on leaf ports 3 and 4, acme
 * and globex with the very same MAC and IP addresses.
 */
final class LeafSpine {
    private LeafSpine() {
    }

    static final String CONFIG = """
            tenants:
              - name: acme
                networks:
                  - name: web
                    segment: 5001
                    subnet: 10.0.1.0/24
                    ports:
                      - { name: a1, mac: "02:00:0a:00:01:0b", ips: [10.0.1.11], binding: { switch: "00:00:00:00:00:00:00:01", port: 3 } }
                      - { name: a2, mac: "02:00:0a:00:01:0c", ips: [10.0.1.12], binding: { switch: "00:00:00:00:00:00:00:02", port: 3 } }
                      - { name: a3, mac: "02:00:0a:00:01:0d", ips: [10.0.1.13], binding: { switch: "00:00:00:00:00:00:00:04", port: 3 } }
              - name: globex
                networks:
                  - name: web
                    segment: 6001
                    subnet: 10.0.1.0/24
                    ports:
                      - { name: g1, mac: "02:00:0a:00:01:0b", ips: [10.0.1.11], binding: { switch: "00:00:00:00:00:00:00:01", port: 4 } }
                      - { name: g2, mac: "02:00:0a:00:01:0c", ips: [10.0.1.12], binding: { switch: "00:00:00:00:00:00:00:03", port: 3 } }
                      - { name: g3, mac: "02:00:0a:00:01:0d", ips: [10.0.1.13], binding: { switch: "00:00:00:00:00:00:00:04", port: 4 } }
              - name: initech
                networks:
                  - name: lab
                    segment: 7001
                    subnet: 10.0.9.0/24
                    ports:
                      - { name: i1, mac: "02:00:0a:00:09:01", ips: [10.0.9.1], binding: { switch: "00:00:00:00:00:00:00:02", port: 4 } }
                      - { name: i2, mac: "02:00:0a:00:09:02", ips: [10.0.9.2], binding: { switch: "00:00:00:00:00:00:00:03", port: 4 } }
            """;

    static final List<String> HOSTS = List.of("a1", "a2", "a3", "g1", "g2", "g3", "i1", "i2");

    /** Leaf 3 speaks OpenFlow 1.0 only, leaf 4 has one table; the rest OpenFlow 1.3 multi-table. */
    static FabricModel.Builder site() {
        return site(Target.MULTI_TABLE, Target.MULTI_TABLE, Target.SINGLE_TABLE_OF10, Target.SINGLE_TABLE);
    }

    static FabricModel.Builder site(Target l1, Target l2, Target l3, Target l4) {
        FabricModel.Builder b = FabricModel.builder()
                .sw("leaf1", 1, l1).sw("leaf2", 2, l2).sw("leaf3", 3, l3).sw("leaf4", 4, l4)
                .sw("spine1", 0x101, Target.MULTI_TABLE).sw("spine2", 0x102, Target.MULTI_TABLE);
        for (int leaf = 1; leaf <= 4; leaf++) {
            b.cable("leaf" + leaf, 1, "spine1", leaf).cable("leaf" + leaf, 2, "spine2", leaf);
        }
        return b;
    }

    static String tenantOf(String host) {
        return host.substring(0, 1);
    }
}
