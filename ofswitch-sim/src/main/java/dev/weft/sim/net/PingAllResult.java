package dev.weft.sim.net;

import java.util.List;

/** A reachability matrix from {@link SimNetwork#pingAll}: {@code ok[i][j]} is hosts[i] → hosts[j]. */
public record PingAllResult(List<String> hosts, boolean[][] ok) {
    public PingAllResult {
        hosts = List.copyOf(hosts);
    }

    public int attempted() {
        return hosts.size() * (hosts.size() - 1);
    }

    public int received() {
        int n = 0;
        for (int i = 0; i < ok.length; i++) {
            for (int j = 0; j < ok.length; j++) {
                if (i != j && ok[i][j]) {
                    n++;
                }
            }
        }
        return n;
    }

    /** Percentage of pings lost, rounded down as Mininet prints it. */
    public int droppedPercent() {
        return attempted() == 0 ? 0 : 100 * (attempted() - received()) / attempted();
    }

    public boolean allReachable() {
        return received() == attempted();
    }

    public boolean reachable(String from, String to) {
        return ok[hosts.indexOf(from)][hosts.indexOf(to)];
    }

    /** Mininet's output: one line per host ({@code h1 -> h2 X h4}) and the results line. */
    public String summary() {
        StringBuilder sb = new StringBuilder("*** Ping: testing ping reachability\n");
        for (int i = 0; i < hosts.size(); i++) {
            sb.append(hosts.get(i)).append(" ->");
            for (int j = 0; j < hosts.size(); j++) {
                if (i != j) {
                    sb.append(' ').append(ok[i][j] ? hosts.get(j) : "X");
                }
            }
            sb.append('\n');
        }
        sb.append("*** Results: ").append(droppedPercent()).append("% dropped (").append(received()).append('/')
                .append(attempted()).append(" received)");
        return sb.toString();
    }
}
