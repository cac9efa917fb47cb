package dev.weft.core.config;

import java.time.Duration;

/**
 * The {@code cluster:} section of the config file: several Weft instances sharing the switches,
 * coordinated by Apache ZooKeeper. Absent: this instance runs alone and needs no ZooKeeper. See
 * {@code dev.weft.cluster.ClusterSettings} for the meaning and the defaults.
 *
 * @param zookeeper      the ZooKeeper connect string ({@code host:port,host:port})
 * @param instance       this instance's id, unique in the cluster
 * @param advertise      the address peers and clients see for this instance (its REST API)
 * @param sessionTimeout how long ZooKeeper waits for a silent instance before its switches move
 * @param root           the ZooKeeper path under which the cluster keeps its state
 */
public record ClusterSection(String zookeeper, String instance, String advertise, Duration sessionTimeout,
                             String root) {
}
