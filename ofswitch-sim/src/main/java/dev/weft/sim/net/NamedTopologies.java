package dev.weft.sim.net;

/** Mininet's built-in topologies (topo.py and topolib.py semantics), plus a ring. */
final class NamedTopologies {
    private static final int MAX_NODES = 100_000;

    private NamedTopologies() {
    }

    static Topology parse(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new TopologyException("empty topology spec; try single,3 or linear,4 or tree,2,2");
        }
        String[] parts = spec.trim().split("\\s*,\\s*");
        String name = parts[0].toLowerCase();
        int[] args = new int[parts.length - 1];
        for (int i = 1; i < parts.length; i++) {
            try {
                args[i - 1] = Integer.parseInt(parts[i]);
            } catch (NumberFormatException e) {
                throw new TopologyException("topology '" + spec + "': argument '" + parts[i] + "' is not a number");
            }
            if (args[i - 1] < 1) {
                throw new TopologyException("topology '" + spec + "': arguments must be positive");
            }
        }
        return switch (name) {
            case "minimal" -> single(arg(spec, args, 0, 2, 0));
            case "single" -> single(arg(spec, args, 0, 3, 1));
            case "linear" -> linear(arg(spec, args, 0, 2, 2), arg(spec, args, 1, 1, 2));
            case "tree" -> tree(arg(spec, args, 0, 1, 2), arg(spec, args, 1, 2, 2));
            case "ring" -> ring(arg(spec, args, 0, 3, 1));
            case "torus" -> torus(spec, args);
            default -> throw new TopologyException("unknown topology '" + parts[0]
                    + "'; known: minimal, single,N, linear,N[,M], tree,D[,F], ring,N, torus,X,Y");
        };
    }

    private static int arg(String spec, int[] args, int i, int dflt, int max) {
        if (args.length > max) {
            throw new TopologyException("topology '" + spec + "' takes at most " + max + " argument(s)");
        }
        return i < args.length ? args[i] : dflt;
    }

    private static void checkSize(long nodes) {
        if (nodes > MAX_NODES) {
            throw new TopologyException("topology too large: " + nodes + " nodes (limit " + MAX_NODES + ")");
        }
    }

    /** One switch s1 with hosts h1..hN on ports 1..N. */
    static Topology single(int n) {
        checkSize(n);
        TopologyBuilder b = new TopologyBuilder().addSwitch("s1");
        for (int i = 1; i <= n; i++) {
            b.addHost("h" + i, "s1");
        }
        return b.build();
    }

    /** Switches s1..sN in a line, M hosts each (named hI with one per switch, else hJsI). */
    static Topology linear(int k, int n) {
        checkSize((long) k * (n + 1));
        TopologyBuilder b = new TopologyBuilder();
        String last = null;
        for (int i = 1; i <= k; i++) {
            String sw = "s" + i;
            b.addSwitch(sw);
            for (int j = 1; j <= n; j++) {
                b.addHost(n == 1 ? "h" + i : "h" + j + "s" + i, sw);
            }
            if (last != null) {
                b.addLink(sw, last);
            }
            last = sw;
        }
        return b.build();
    }

    /** Mininet's TreeTopo: depth D, fanout F; children on ports 1..F, the uplink on port F+1. */
    static Topology tree(int depth, int fanout) {
        checkSize((long) Math.pow(fanout, depth) * 2);
        TopologyBuilder b = new TopologyBuilder();
        int[] counters = {1, 1};
        addTree(b, depth, fanout, counters);
        return b.build();
    }

    private static String addTree(TopologyBuilder b, int depth, int fanout, int[] counters) {
        if (depth == 0) {
            String h = "h" + counters[1]++;
            return h;
        }
        String sw = "s" + counters[0]++;
        b.addSwitch(sw);
        for (int i = 0; i < fanout; i++) {
            String child = addTree(b, depth - 1, fanout, counters);
            if (child.startsWith("h")) {
                b.addHost(child, sw);
            } else {
                b.addLink(sw, child);
            }
        }
        return sw;
    }

    /** A linear topology closed into a ring: sN links back to s1. Has a loop. */
    static Topology ring(int n) {
        if (n < 3) {
            throw new TopologyException("ring needs at least 3 switches");
        }
        TopologyBuilder b = new TopologyBuilder();
        for (int i = 1; i <= n; i++) {
            b.addSwitch("s" + i);
            b.addHost("h" + i, "s" + i);
            if (i > 1) {
                b.addLink("s" + i, "s" + (i - 1));
            }
        }
        b.addLink("s" + n, "s1");
        return b.build();
    }

    /**
     * Mininet's TorusTopo: X×Y switches sIxJ (dpid I*256+J) with host hIxJ on port 1, each linked
     * to its right and lower neighbour with wrap-around. Has loops.
     */
    static Topology torus(String spec, int[] args) {
        if (args.length != 2) {
            throw new TopologyException("topology '" + spec + "': torus needs X,Y");
        }
        int x = args[0];
        int y = args[1];
        if (x < 3 || y < 3) {
            throw new TopologyException("torus needs X,Y >= 3 (as in Mininet)");
        }
        checkSize((long) x * y * 2);
        TopologyBuilder b = new TopologyBuilder();
        for (int i = 0; i < x; i++) {
            for (int j = 0; j < y; j++) {
                String loc = (i + 1) + "x" + (j + 1);
                b.addSwitch("s" + loc, org.projectfloodlight.openflow.types.DatapathId.of((i + 1) * 256L + (j + 1)),
                        java.util.Set.of(), 0, null);
                b.addHost("h" + loc, "s" + loc);
            }
        }
        for (int i = 0; i < x; i++) {
            for (int j = 0; j < y; j++) {
                String sw1 = "s" + (i + 1) + "x" + (j + 1);
                b.addLink(sw1, "s" + (i + 1) + "x" + ((j + 1) % y + 1));
                b.addLink(sw1, "s" + ((i + 1) % x + 1) + "x" + (j + 1));
            }
        }
        return b.build();
    }
}
