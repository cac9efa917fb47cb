package dev.weft.core.config;

import java.time.Duration;
import java.util.List;

/**
 * The {@code ovsdb:} section of the config file: how Weft builds the integration bridge of every
 * transport node that names its OVSDB ({@code ovsdb: tcp:HOST:6640}). Every key is optional except
 * the controller targets when a node names its OVSDB; see {@code dev.weft.ovsdb.OvsdbSettings}
 * for the meaning and the defaults.
 *
 * @param controllerTargets where the hypervisors' bridges reach Weft ({@code tcp:10.0.0.1:6653}, {@code ssl:...})
 * @param tunnels           {@code flow} (one flow-based VXLAN port per node, the default) or {@code per-remote}
 * @param bridge            the integration bridge's name (br-int)
 * @param datapathType      the bridge's datapath type ({@code netdev} for the userspace datapath; default: OVS's)
 * @param vmMtu             the VMs' MTU, to check the underlay's (default 1500)
 * @param probeInterval     silence after which an OVSDB connection is probed, then dropped
 * @param privateKey        PEM key for {@code ssl:} OVSDB connections
 * @param certificate       its certificate
 * @param caCertificate     the CA that signed the hypervisors' OVSDB certificates
 */
public record OvsdbSection(List<String> controllerTargets, String tunnels, String bridge, String datapathType,
                           Integer vmMtu, Duration probeInterval, String privateKey, String certificate,
                           String caCertificate) {
}
